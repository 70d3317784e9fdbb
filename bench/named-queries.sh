#!/usr/bin/env bash
# The named queries on the local lake (DuckDB) at 1 M and 10 M events.
#   bench/named-queries.sh [rounds]
# Builds a lake per size with `gateway replay` from generated CloudFront real-time log lines (bench/Gateway.Bench
# generate-rtlog: 30 days from 2025-06-01, 1 % truncated lines, visitors returning about 4 times a day, each with its
# own address, user agent and site), then prints, per size:
#   1. every named query over the whole 30 days (every event), in one process: the median of [rounds] runs (default 3)
#      after a warm-up, with its partition predicates and with them removed (the exact time range only);
#   2. the same over the last 7 days: time, files read (in the folders the partition predicates allow) of those the
#      scans could read, files DuckDB opened, and bytes scanned (the compressed chunks of the columns the query names
#      in the files read, plus footers: what a column store such as Athena bills);
#   3. `gateway query --named NAME` over the whole 30 days as a user runs it: wall time of the process (start-up,
#      DuckDB load, views, query, output) and the query time it reports.
# Goal (issue 6): every named query <= 1 s at 10 M events on this machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"

"$root/tools/install.sh"   # libduckdb (npm), when missing
dotnet build "$root/cli/Gateway.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dotnet build "$root/bench/Gateway.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
gateway="$root/cli/Gateway.Cli/bin/Release/net10.0/gateway"
bench="$root/bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench"

work="$(mktemp -d /tmp/gateway-query-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

for events in 1000000 10000000; do
  data="$work/$events"
  # About 4 events per visitor and day: a visitor id is per site and UTC day.
  "$bench" generate-rtlog "$events" - 30 $((events / 120)) | "$gateway" replay --data "$data" - 2>&1 | tail -1 >&2
  echo
  echo "== $events lines over 30 days: $("$gateway" query --data "$data" -f csv "SELECT count(*) || ' events, ' || count(DISTINCT visitor_id) || ' visitor ids, ' || (SELECT count(*) FROM glob('$data/lake/events/**/*.parquet')) || ' files' FROM events" 2>/dev/null | tail -1)"
  echo "-- 30 days (every event), in process, median of $rounds"
  "$bench" query-scan "$data/lake" 2025-06-01 2025-07-01 "$rounds"
  echo "-- last 7 days, in process, median of $rounds"
  "$bench" query-scan "$data/lake" 2025-06-24 2025-07-01 "$rounds"
  echo "-- gateway query --named NAME over 30 days, one process per query"
  printf '%-16s %10s %10s\n' query "wall s" "query s"
  for name in $("$gateway" query --list | grep -v '^ ' | cut -d: -f1); do
    start=$(date +%s.%N)
    reported=$("$gateway" query --data "$data" -n "$name" -p start=2025-06-01 -p end=2025-07-01 -f csv 2>&1 >/dev/null | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
    end=$(date +%s.%N)
    awk -v n="$name" -v s="$start" -v e="$end" -v q="$reported" 'BEGIN { printf "%-16s %10.2f %10.3f\n", n, e - s, q }'
  done
  rm -rf "$data"
done
