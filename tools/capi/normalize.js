#!/usr/bin/env node
// Drives Meta's Business SDK for Node (npm facebook-nodejs-business-sdk) over JSON lines, so the C# tests can check
// the normalization and hashing of Conversions API user_data against the implementation Meta ships. One request per
// stdin line, one reply per stdout line, in order:
//
//   node tools/capi/normalize.js
//     in : {"key":"em","value":" Joe@Example.com "}
//     out: {"ok":true,"hash":"<64 hex>"}           normalized and hashed (or the caller's hash, passed through)
//          {"ok":true,"hash":null}                 the SDK drops the value (empty, unknown gender, short zip)
//          {"ok":false,"error":"..."}              the SDK refuses the value (bad email, phone, country)
'use strict';

const readline = require('readline');

let utils;
try {
  utils = require('facebook-nodejs-business-sdk').ServerSideUtils;
} catch (e) {
  process.stderr.write('facebook-nodejs-business-sdk is not installed under tools/node_modules; run ./test.sh (or tools/install.sh)\n');
  process.exit(3);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    const hash = utils.normalizeAndHash(request.value, request.key);
    reply = { ok: true, hash: hash === undefined ? null : hash };
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
