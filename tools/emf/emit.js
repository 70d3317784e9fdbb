#!/usr/bin/env node
// Serializes CloudWatch Embedded Metric Format documents with AWS's own library (npm aws-embedded-metrics), so the
// C# tests can check our EMF writer against an implementation they did not write. Only the library's MetricsContext
// and LogSerializer are used: no MetricsLogger, no environment detection, no sink, so nothing leaves the process.
// One request per stdin line, one reply per stdout line, in order:
//
//   node tools/emf/emit.js
//     in : {"namespace":"Gateway","timestamp":1700000000000,
//           "dimensionSets":[["Pixel","Event"],["Pixel"]],          each set's names, in order
//           "dimensions":{"Pixel":"px-1","Event":"view"},           the value of every name used in a set
//           "metrics":[{"name":"Events","unit":"Count","storageResolution":1,"values":[1,2]}, ...],
//           "properties":{"requestId":"abc","nested":{"a":1}}}      any JSON values
//     out: {"ok":true,"lines":["{\"_aws\":...}", ...]}             the library's log lines, one per document
//          {"ok":false,"error":"..."}                              the library refuses the input
'use strict';

const readline = require('readline');

let MetricsContext;
let LogSerializer;
try {
  ({ MetricsContext } = require('aws-embedded-metrics/lib/logger/MetricsContext'));
  ({ LogSerializer } = require('aws-embedded-metrics/lib/serializers/LogSerializer'));
} catch (e) {
  process.stderr.write('aws-embedded-metrics is not installed under tools/node_modules; run ./test.sh (or tools/install.sh)\n');
  process.exit(3);
}

const serializer = new LogSerializer();

function emit(request) {
  // The constructor takes the timestamp as given; setTimestamp would refuse one more than two weeks old, and the
  // tests use fixed timestamps. properties is copied because the library keeps and mutates the object it is handed.
  const context = new MetricsContext(request.namespace, { ...(request.properties || {}) }, [], {}, false, request.timestamp);
  const dimensions = request.dimensions || {};
  context.setDimensions((request.dimensionSets || []).map((set) => {
    const dimensionSet = {};
    for (const name of set) {
      dimensionSet[name] = dimensions[name];
    }
    return dimensionSet;
  }));
  for (const metric of request.metrics || []) {
    for (const value of metric.values) {
      context.putMetric(metric.name, value, metric.unit, metric.storageResolution);
    }
  }
  return serializer.serialize(context);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    reply = { ok: true, lines: emit(JSON.parse(line)) };
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
