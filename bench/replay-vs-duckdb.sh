#!/usr/bin/env bash
# Replay into the lake against DuckDB's raw conversion of the same lines.
#   bench/replay-vs-duckdb.sh [lines] [rss-lines] [rounds]
# Generates realistic CloudFront real-time log lines (bench/Gateway.Bench generate-rtlog: one day of hits, long-tail
# user agents, 1 % truncated lines) into a temp file, then times, each as its own process from start to exit:
#   (a) gateway replay --data DIR FILE   parse + every enrichment step + Hive-partitioned Parquet lake (Snappy)
#   (b) DuckDB (libduckdb through our binding): read_csv of the TSV, all columns as text, COPY … (FORMAT parquet)
# alternately for [rounds] rounds (default 3; shared machines drift by tens of percent between minutes, so each side
# is timed next to the other), and prints every round, the median time of each side, lines/s, the ratio of the
# medians (a/b rate) and each output's bytes per line. Targets: ratio ≥ 0.7 and our
# bytes/event ≤ DuckDB's. Then streams rss-lines (default 10 000 000) generated lines through `gateway replay -` and
# prints the peak RSS (/usr/bin/time), target ≤ 512 MB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lines="${1:-1000000}"
rss_lines="${2:-10000000}"
rounds="${3:-3}"

"$root/tools/install.sh"   # libduckdb (npm), when missing
dotnet build "$root/cli/Gateway.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build "$root/bench/Gateway.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly
gateway="$root/cli/Gateway.Cli/bin/Release/net10.0/gateway"
bench="$root/bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench"

work="$(mktemp -d /tmp/gateway-replay-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
file="$work/rtlog.tsv"
"$bench" generate-rtlog "$lines" "$file"
# Warm the page cache so neither side pays for the first read of the file.
cat "$file" > /dev/null

# seconds COMMAND...: wall time of the command, in seconds, on stdout; its own output to stderr.
seconds() { local start end; start=$(date +%s.%N); "$@" >&2; end=$(date +%s.%N); awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'; }

ours_all=()
theirs_all=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/data" "$work/duckdb.parquet"
  ours_all+=("$(seconds "$gateway" replay --data "$work/data" "$file")")
  theirs_all+=("$(seconds "$bench" duckdb-convert "$file" "$work/duckdb.parquet")")
  echo "round $round: gateway replay ${ours_all[-1]} s, duckdb ${theirs_all[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours=$(median "${ours_all[@]}")
theirs=$(median "${theirs_all[@]}")
our_bytes=$(find "$work/data/lake" -name '*.parquet' -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
their_bytes=$(stat -c %s "$work/duckdb.parquet")

echo
echo "replay vs DuckDB, $lines lines ($(stat -c %s "$file") bytes of TSV), $(nproc) cores, median of $rounds alternating rounds"
echo "rounds (seconds): gateway replay ${ours_all[*]}; duckdb ${theirs_all[*]}"
printf '%-34s %10s %14s %16s\n' side seconds "lines/s" "bytes/line"
awk -v s="$ours" -v n="$lines" -v b="$our_bytes" 'BEGIN { printf "%-34s %10.2f %14.0f %16.1f\n", "gateway replay (enrich + lake)", s, n / s, b / n }'
awk -v s="$theirs" -v n="$lines" -v b="$their_bytes" 'BEGIN { printf "%-34s %10.2f %14.0f %16.1f\n", "duckdb read_csv + COPY parquet", s, n / s, b / n }'
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio (our rate / DuckDB rate): %.2fx (target >= 0.7)\n", b / a }'
awk -v a="$our_bytes" -v b="$their_bytes" 'BEGIN { printf "bytes ratio (ours / DuckDB): %.2f (target <= 1)\n", a / b }'

if [ "$rss_lines" -gt 0 ]; then
  rm -rf "$work/data" "$file"
  "$bench" generate-rtlog "$rss_lines" - | /usr/bin/time -f '%M' -o "$work/rss" "$gateway" replay --data "$work/data" - >&2
  awk -v k="$(cat "$work/rss")" -v n="$rss_lines" 'BEGIN { printf "peak RSS, %d lines through gateway replay -: %.0f MB (target <= 512 MB)\n", n, k / 1024 }'
fi
