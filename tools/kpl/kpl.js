#!/usr/bin/env node
// Drives the reference aggregator/deaggregator (npm aws-kinesis-agg) over JSON lines, so the C# tests can check
// their KPL encoding against an implementation they did not write. One request per stdin line, one reply per
// stdout line, in order:
//
//   node tools/kpl/kpl.js aggregate
//     in : {"records":[{"partitionKey":"a","explicitHashKey":"42"|null,"data":"<base64>"}, ...]}
//     out: {"ok":true,"records":[{"partitionKey":"a","explicitHashKey":"42"|null,"data":"<base64>"}, ...]}
//          every input line is aggregated by a fresh RecordAggregator and flushed at the end of the line
//
//   node tools/kpl/kpl.js deaggregate
//     in : {"partitionKey":"a","explicitHashKey":"42"|null,"data":"<base64>"}
//     out: {"ok":true,"records":[{"partitionKey":..,"explicitHashKey":..|null,"subSequenceNumber":0|null,"data":"<base64>"}, ...]}
//          checksums are verified (computeChecksums = true)
//
// A request the library rejects yields {"ok":false,"error":"..."}; the process carries on.
'use strict';

const readline = require('readline');

let agg;
try {
  agg = require('aws-kinesis-agg');
} catch (e) {
  process.stderr.write('aws-kinesis-agg is not installed under tools/node_modules; run ./test.sh (or tools/install.sh)\n');
  process.exit(3);
}

const mode = process.argv[2];
if (mode !== 'aggregate' && mode !== 'deaggregate') {
  process.stderr.write('usage: kpl.js aggregate|deaggregate  (JSON lines on stdin)\n');
  process.exit(2);
}

function aggregate(request) {
  const records = request.records.map((r) => {
    const record = { partitionKey: r.partitionKey, data: Buffer.from(r.data, 'base64') };
    if (r.explicitHashKey !== null && r.explicitHashKey !== undefined) {
      record.explicitHashKey = r.explicitHashKey;
    }
    return record;
  });
  const out = [];
  let error = null;
  const aggregator = new agg.RecordAggregator();
  aggregator.aggregateRecords(records, true, (err, encoded) => {
    if (err) {
      error = error || err;
      return;
    }
    out.push({
      partitionKey: encoded.partitionKey,
      explicitHashKey: encoded.ExplicitHashKey === undefined ? null : encoded.ExplicitHashKey,
      data: encoded.data.toString('base64'),
    });
  });
  return error ? { ok: false, error: String(error.message || error) } : { ok: true, records: out };
}

function deaggregate(request) {
  const record = { partitionKey: request.partitionKey, data: request.data };
  if (request.explicitHashKey !== null && request.explicitHashKey !== undefined) {
    record.explicitPartitionKey = request.explicitHashKey;
  }
  let reply;
  agg.deaggregateSync(record, true, (err, userRecords) => {
    // The library may report a per-record error and then complete; the error must not be overwritten.
    if (reply && !reply.ok) {
      return;
    }
    if (err) {
      reply = { ok: false, error: String(err.message || err) };
      return;
    }
    reply = {
      ok: true,
      records: userRecords.map((u) => ({
        partitionKey: u.partitionKey === undefined ? null : String(u.partitionKey),
        explicitHashKey: u.explicitPartitionKey === undefined ? null : String(u.explicitPartitionKey),
        subSequenceNumber: u.subSequenceNumber === undefined ? null : Number(u.subSequenceNumber),
        data: u.data,
      })),
    };
  });
  return reply;
}

const handle = mode === 'aggregate' ? aggregate : deaggregate;
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.length === 0) {
    return;
  }
  let reply;
  try {
    reply = handle(JSON.parse(line));
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
