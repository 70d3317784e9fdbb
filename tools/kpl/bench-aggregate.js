#!/usr/bin/env node
// Times aggregation of the records in FILE (lines of "<partition key>\t<data>", see make-records.js) by the
// npm package aws-kinesis-agg, on records already in memory; reading and parsing the file is not timed.
//   node tools/kpl/bench-aggregate.js FILE
// Prints one line per target size, in the same shape as the .NET side (bench/kpl-vs-node.sh parses both):
//   kpl-throughput impl=node target=5120 records=... seconds=... records_per_second=... aggregated_records=... mean_record_bytes=... mean_kinesis_bytes=...
// target=5120: the library's encoder behind a 5 KB flush rule written with its public API (totalBytes,
// calculateUserRecordSize, build), counting magic + MD5 + outer partition key like the .NET aggregator.
// target=1048576: the library's own aggregateRecords with its built-in 1 MiB rule.
'use strict';

const fs = require('fs');
const agg = require('aws-kinesis-agg');

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: bench-aggregate.js FILE\n');
  process.exit(2);
}

const records = [];
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (line.length === 0) continue;
  const tab = line.indexOf('\t');
  records.push({ partitionKey: line.slice(0, tab), data: Buffer.from(line.slice(tab + 1), 'utf8') });
}

function withTarget(target) {
  const stats = { count: 0, bytes: 0, kinesisBytes: 0 };
  const aggregator = new agg.RecordAggregator();
  let outerKeyBytes = 0;
  const emit = () => {
    const encoded = aggregator.build();
    stats.count++;
    stats.bytes += encoded.data.length;
    stats.kinesisBytes += encoded.data.length + Buffer.byteLength(encoded.partitionKey, 'utf8');
  };
  for (const record of records) {
    const size = aggregator.calculateUserRecordSize(record);
    if (aggregator.length() > 0 && 20 + aggregator.totalBytes + size + outerKeyBytes > target) {
      emit();
    }
    if (aggregator.length() === 0) {
      outerKeyBytes = Buffer.byteLength(record.partitionKey, 'utf8');
    }
    aggregator.addUserRecord(record);
  }
  if (aggregator.length() > 0) emit();
  return stats;
}

function libraryDefault() {
  const stats = { count: 0, bytes: 0, kinesisBytes: 0 };
  const aggregator = new agg.RecordAggregator();
  aggregator.aggregateRecords(records, true, (err, encoded) => {
    if (err) throw err;
    stats.count++;
    stats.bytes += encoded.data.length;
    stats.kinesisBytes += encoded.data.length + Buffer.byteLength(encoded.partitionKey, 'utf8');
  });
  return stats;
}

function measure(target, run) {
  run(); // warm-up: lets V8 optimise the hot paths, as the .NET side lets tiered JIT settle
  let best = Infinity;
  let stats;
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    stats = run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, seconds);
  }
  console.log(`kpl-throughput impl=node target=${target} records=${records.length} seconds=${best.toFixed(6)}`
    + ` records_per_second=${Math.round(records.length / best)} aggregated_records=${stats.count}`
    + ` mean_record_bytes=${(stats.bytes / stats.count).toFixed(1)} mean_kinesis_bytes=${(stats.kinesisBytes / stats.count).toFixed(1)}`);
}

measure(5120, () => withTarget(5120));
measure(1048576, libraryDefault);
