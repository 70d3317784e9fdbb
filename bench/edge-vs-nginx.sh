#!/usr/bin/env bash
# Edge throughput against nginx's empty_gif, same machine, same pixel URL, same wrk load.
#   bench/edge-vs-nginx.sh [duration] [connections] [durability]
# defaults: 10s, 64 connections, fsync (every answered hit fsynced to the raw stream); durability
# "write" measures the mode where a 2xx means the record reached the OS (fsynced within 200 ms).
# Also runs nginx with an unbuffered access log (nginx-sync: a write per hit, like the gateway's "write" mode) and a bare Kestrel app serving the same pixel without recording anything (the ceiling for any
# Kestrel-based edge on this machine). Prints req/s, p99 latency, both ratios, the gateway's RSS idle and
# under load, and checks that the number of records in the raw stream equals the number of hits answered.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10s}"
connections="${2:-64}"
durability="${3:-fsync}"
threads=2

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  echo "[bench] installing ${need[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

"$root/gateway" --help >/dev/null   # builds the CLI (Release) when needed
dotnet build "$root/bench/Gateway.Bench/Gateway.Bench.csproj" -c Release -o "$root/.artifacts/bench" -nologo -v quiet -clp:ErrorsOnly\;NoSummary >&2

work="$(mktemp -d /tmp/gateway-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
nginx_port=$(free_port)
gateway_port=$(free_port)
kestrel_port=$(free_port)
nginx_sync_port=$(free_port)
path='/p.gif?pid=bench&e=pageview&url=https%3A%2F%2Fshop.example%2Fproduct%3Fid%3D42&utm_source=news&utm_medium=email'

mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  log_format rt '\$msec\t\$remote_addr\t\$status\t\$bytes_sent\t\$request_method\t\$scheme\t\$host\t\$uri\t\$request_time\t\$http_user_agent\t\$http_referer\t\$http_cookie\t\$args';
  access_log $work/nginx/logs/access.log rt buffer=64k flush=1s;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /p.gif { empty_gif; add_header Cache-Control "no-cache, no-store, must-revalidate"; expires -1; }
  }
  # The same, with the log written as each hit is served (no buffer): the guarantee of the gateway's "write" mode.
  server {
    listen 127.0.0.1:$nginx_sync_port;
    access_log $work/nginx/logs/access-unbuffered.log rt;
    location = /p.gif { empty_gif; add_header Cache-Control "no-cache, no-store, must-revalidate"; expires -1; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

dotnet "$root/.artifacts/bench/Gateway.Bench.dll" kestrel-pixel "http://127.0.0.1:$kestrel_port" > "$work/kestrel.log" 2>&1 &
pids+=($!)

GATEWAY__DATADIR="$work/data" GATEWAY__EDGE__URL="http://127.0.0.1:$gateway_port" GATEWAY__STREAM__DURABILITY="$durability" \
  dotnet "$root/.artifacts/cli/gateway.dll" up > "$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)

for i in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$gateway_port/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$nginx_port/p.gif" >/dev/null 2>&1 \
    && curl -fsS "http://127.0.0.1:$kestrel_port/p.gif" >/dev/null 2>&1 && break
  sleep 0.1
done

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

run_wrk() { wrk -t"$threads" -c"$connections" -d"$duration" --latency "$1" 2>&1; }
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1=="99%" {print $2}' <<<"$1"; }
total() { awk '/requests in/ {print $1}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $NF}' <<<"$1"; }

# Warm both servers (JIT tiering for the gateway, file caches for nginx) before measuring.
wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$nginx_port$path" >/dev/null
wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$kestrel_port$path" >/dev/null
wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$gateway_port$path" >/dev/null
idle_rss=$(rss_mb "$gateway_pid")
before=$(curl -fsS "http://127.0.0.1:$gateway_port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recordedHits"])')

nginx_out=$(run_wrk "http://127.0.0.1:$nginx_port$path")
kestrel_out=$(run_wrk "http://127.0.0.1:$kestrel_port$path")
nginx_sync_out=$(run_wrk "http://127.0.0.1:$nginx_sync_port$path")
gateway_out=$(run_wrk "http://127.0.0.1:$gateway_port$path")
load_rss=$(hwm_mb "$gateway_pid")
after=$(curl -fsS "http://127.0.0.1:$gateway_port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recordedHits"])')

# Stop the gateway cleanly and count what the raw stream holds.
kill -TERM "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
stored=$(GATEWAY__DATADIR="$work/data" dotnet "$root/.artifacts/cli/gateway.dll" stream tail raw --last 0 | wc -l)

n_rps=$(rps "$nginx_out"); k_rps=$(rps "$kestrel_out"); g_rps=$(rps "$gateway_out")
ratio=$(python3 -c "print(f'{$g_rps/$n_rps:.2f}')")
ceiling=$(python3 -c "print(f'{$k_rps/$n_rps:.2f}')")
recording=$(python3 -c "print(f'{$g_rps/$k_rps:.2f}')")
echo
echo "edge vs nginx empty_gif — wrk -t$threads -c$connections -d$duration, durability=$durability"
printf '%-10s %12s %10s %12s %10s\n' server req/s p99 requests non-2xx
printf '%-10s %12s %10s %12s %10s\n' nginx "$n_rps" "$(p99 "$nginx_out")" "$(total "$nginx_out")" "$(non2xx "$nginx_out" || true)"
printf '%-10s %12s %10s %12s %10s\n' nginx-sync "$(rps "$nginx_sync_out")" "$(p99 "$nginx_sync_out")" "$(total "$nginx_sync_out")" "$(non2xx "$nginx_sync_out" || true)"
printf '%-10s %12s %10s %12s %10s\n' kestrel "$k_rps" "$(p99 "$kestrel_out")" "$(total "$kestrel_out")" "$(non2xx "$kestrel_out" || true)"
printf '%-10s %12s %10s %12s %10s\n' gateway "$g_rps" "$(p99 "$gateway_out")" "$(total "$gateway_out")" "$(non2xx "$gateway_out" || true)"
echo "ratio gateway/nginx: ${ratio}x   (bare kestrel/nginx: ${ceiling}x; gateway/bare kestrel: ${recording}x; gateway/nginx-sync: $(python3 -c "print(f'{$g_rps/$(rps "$nginx_sync_out"):.2f}')")x)"
echo "gateway RSS: idle ${idle_rss} MB, peak under load ${load_rss} MB"
echo "raw stream: $stored records stored; edge answered $((after - before)) hits during the measured run ($after in all)"
[ "$stored" -eq "$after" ] || { echo "MISMATCH: stored records != answered hits" >&2; exit 1; }
