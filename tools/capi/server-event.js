#!/usr/bin/env node
// Builds Conversions API server events with Meta's Business SDK for Node (npm facebook-nodejs-business-sdk) over JSON
// lines, so the C# tests can compare the events Gateway sends with what Meta's own SDK produces from the same values.
// One request per stdin line, one reply per stdout line, in order:
//
//   node tools/capi/server-event.js
//     in : {"event_name":"Purchase","event_time":1700000000,"event_id":"e1","action_source":"website",
//           "event_source_url":"https://shop.example/","user":{"emails":["Joe@Example.com"],"client_user_agent":"UA",...},
//           "custom":{"value":12.5,"currency":"usd","custom_properties":{"sku":"A1"}}}
//     out: {"ok":true,"event":{...ServerEvent.normalize()...}}  or  {"ok":false,"error":"..."}
//
// "user" keys are the SDK's plural setters (emails, phones, genders, first_names, last_names, dates_of_birth, cities,
// states, zips, countries, external_ids) and client_ip_address, client_user_agent, fbp, fbc.
'use strict';

const readline = require('readline');

let sdk;
try {
  sdk = require('facebook-nodejs-business-sdk');
} catch (e) {
  process.stderr.write('facebook-nodejs-business-sdk is not installed under tools/node_modules; run ./test.sh (or tools/install.sh)\n');
  process.exit(3);
}

const { ServerEvent, UserData, CustomData } = sdk;

const plural = {
  emails: 'setEmails', phones: 'setPhones', genders: 'setGenders', first_names: 'setFirstNames', last_names: 'setLastNames',
  dates_of_birth: 'setDatesOfBirth', cities: 'setCities', states: 'setStates', zips: 'setZips', countries: 'setCountries',
  external_ids: 'setExternalIds',
};
const single = {
  client_ip_address: 'setClientIpAddress', client_user_agent: 'setClientUserAgent', fbp: 'setFbp', fbc: 'setFbc',
};

function build(request) {
  const user = new UserData();
  for (const [key, value] of Object.entries(request.user || {})) {
    const setter = plural[key] || single[key];
    if (!setter) {
      throw new Error('unknown user key ' + key);
    }
    user[setter](value);
  }

  const event = new ServerEvent()
    .setEventName(request.event_name)
    .setEventTime(request.event_time)
    .setActionSource(request.action_source)
    .setUserData(user);
  if (request.event_id !== undefined) {
    event.setEventId(request.event_id);
  }
  if (request.event_source_url !== undefined) {
    event.setEventSourceUrl(request.event_source_url);
  }
  if (request.custom) {
    const custom = new CustomData();
    if (request.custom.value !== undefined) {
      custom.setValue(request.custom.value);
    }
    if (request.custom.currency !== undefined) {
      custom.setCurrency(request.custom.currency);
    }
    if (request.custom.custom_properties !== undefined) {
      custom.setCustomProperties(request.custom.custom_properties);
    }
    event.setCustomData(custom);
  }
  return event.normalize();
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    reply = { ok: true, event: build(JSON.parse(line)) };
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
