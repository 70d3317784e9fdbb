#!/usr/bin/env bash
# Forwarding throughput and memory during a destination outage (issue 7).
#   bench/forward.sh [events] [outage_events] [outage_rate] [invocations] [records]
# Runs bench/Gateway.Bench forward-throughput against a local Conversions API stand-in (a Kestrel endpoint on
# 127.0.0.1 that parses each body and answers as Graph does):
#   1. [events] purchases (default 200000) through the Forwarder in stream batches of 500: events/s and events per
#      request (batch fill; Meta allows 1000);
#   2. an outage: the endpoint answers 503 while [outage_events] more arrive (default 600000 = 10 minutes at 1000/s),
#      paced at [outage_rate] events/s (default 0: as fast as they come, the same events in less time); the breaker
#      opens and events spill to disk: peak working set, spill size;
#   3. recovery: the redrive delivers the spill once the cool-down ends; every event must arrive.
#   4. the forward Lambda handler as Lambda drives it: [invocations] (default 200) Kinesis events of [records]
#      (default 100, Lambda's default batch size) aggregated records of ~5 KB each, JSON with base64 data, each
#      de-aggregated, enriched and forwarded to the same stand-in: lines/s of one instance, invocation times.
# Goal: memory bounded during the outage (spill to disk, not RAM).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$root/bench/Gateway.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
"$root/bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench" forward-throughput "${1:-200000}" "${2:-600000}" "${3:-0}"
"$root/bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench" forward-lambda "${4:-200}" "${5:-100}"
