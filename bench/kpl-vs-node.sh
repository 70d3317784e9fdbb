#!/usr/bin/env bash
# KPL aggregation throughput: the npm package aws-kinesis-agg (node) against Gateway.Processing's KplAggregator,
# on the same records, on the same machine.
#   bench/kpl-vs-node.sh [records]
# default 200000 records shaped like CloudFront real-time log lines (400-500 bytes of tab-separated text, a 56-character
# request id as partition key), generated once into a temp file by tools/kpl/make-records.js. Each side loads the file
# first and times only the aggregation (best of 5 runs after a warm-up run). Prints rec/s for both, the ratio, and
# the mean aggregated record size at the 5 KB target; the 1 MiB line uses aws-kinesis-agg's own flush rule.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
records="${1:-200000}"

command -v node >/dev/null || { echo "[bench] node (Node.js 20+) is required" >&2; exit 1; }
"$root/tools/install.sh"   # aws-kinesis-agg, when missing

work="$(mktemp -d /tmp/gateway-kpl-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
file="$work/records.tsv"
node "$root/tools/kpl/make-records.js" "$records" > "$file"

node_out="$(node "$root/tools/kpl/bench-aggregate.js" "$file")"
dotnet_out="$(dotnet run -c Release --project "$root/bench/Gateway.Bench" -- kpl-throughput "$file")"

# field NAME TARGET OUTPUT: the value of NAME= on the kpl-throughput line for TARGET.
field() { awk -v t="target=$2" -v k="$1=" '$1 == "kpl-throughput" { for (i = 1; i <= NF; i++) if ($i == t) { for (j = 1; j <= NF; j++) if (index($j, k) == 1) print substr($j, length(k) + 1) } }' <<<"$3"; }

echo "KPL aggregation, $records records of $(awk -F'\t' '{ n += length($0) - length($1) - 1 } END { printf "%.0f", n / NR }' "$file") data bytes on average, 56-char partition keys"
printf '%-9s %-11s %14s %14s %10s %14s %14s\n' target impl "rec/s" seconds outputs "mean bytes" "mean+pk bytes"
for target in 5120 1048576; do
  for impl in node dotnet; do
    out="$node_out"; [ "$impl" = dotnet ] && out="$dotnet_out"
    printf '%-9s %-11s %14s %14s %10s %14s %14s\n' "$target" "$impl" "$(field records_per_second "$target" "$out")" \
      "$(field seconds "$target" "$out")" "$(field aggregated_records "$target" "$out")" \
      "$(field mean_record_bytes "$target" "$out")" "$(field mean_kinesis_bytes "$target" "$out")"
  done
  awk -v n="$(field records_per_second "$target" "$node_out")" -v d="$(field records_per_second "$target" "$dotnet_out")" -v t="$target" \
    'BEGIN { printf "%-9s ratio       %14.2fx (dotnet rec/s / node rec/s)\n", t, d / n }'
done
echo "mean aggregated size at the 5 KB target (data + partition key, Kinesis-counted): $(field mean_kinesis_bytes 5120 "$dotnet_out") bytes (.NET), $(field mean_kinesis_bytes 5120 "$node_out") bytes (node)"
