#!/usr/bin/env node
// Writes COUNT CloudFront real-time-log-sized records for the KPL aggregation benchmark, one per line:
//   <partition key>\t<data>
// The partition key is a 56-character request id (CloudFront's x-edge-request-id shape); the data is a
// tab-separated log line of 400-500 bytes. Output is deterministic for a given COUNT and SEED.
//   node tools/kpl/make-records.js COUNT [SEED] > records.tsv
'use strict';

const count = Number.parseInt(process.argv[2] || '200000', 10);
let state = Number.parseInt(process.argv[3] || '1', 10) >>> 0;

// mulberry32: small, fast and reproducible; the records only need to look varied, not be secure.
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const text = 'abcdefghijklmnopqrstuvwxyz0123456789';
const pick = (alphabet, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
};
const edges = ['FRA56-P1', 'IAD89-C2', 'NRT57-P3', 'LHR61-C1', 'SFO5-P2'];
const agents = [
  'Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36',
  'Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_5%20like%20Mac%20OS%20X)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)%20Version/17.5%20Mobile/15E148%20Safari/604.1',
  'Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64;%20rv:133.0)%20Gecko/20100101%20Firefox/133.0',
];

const out = [];
let buffered = 0;
for (let i = 0; i < count; i++) {
  const requestId = pick(idAlphabet, 54) + '==';
  const ts = (1700000000 + i / 1000).toFixed(3);
  const fields = [
    ts, `198.51.${Math.floor(random() * 256)}.0`, '200', '254', 'GET', 'https', 'px.shop.example', '/p.gif',
    edges[Math.floor(random() * edges.length)], requestId, '0.001', agents[Math.floor(random() * agents.length)],
    `https://shop.example/product/${Math.floor(random() * 100000)}`,
    `pid=px1&e=pageview&eid=${pick(text, 12)}&url=https%3A%2F%2Fshop.example%2Fp%2F${pick(text, 8)}&utm_source=news&utm_medium=email&x=${pick(text, Math.floor(random() * 60))}`,
    '-', '-', 'HTTP/2.0', 'IPv4', '-', '-',
  ];
  out.push(requestId + '\t' + fields.join('\t'));
  buffered++;
  if (buffered === 10000) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
    buffered = 0;
  }
}
if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
