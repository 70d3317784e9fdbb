#!/usr/bin/env bash
# What the dashboard's rollups cost the local pipeline: `gateway up` with dashboard.enabled false and true, in turns,
# each loaded to saturation by wrk on the same pixel URL; then the process's CPU time per answered hit including the
# stages catching up afterwards. The issue's bar: the rollups may not lower the edge's throughput by more than 10 %.
#   bench/dashboard.sh [duration] [connections] [rounds]
# defaults: 10s, 64 connections, 2 rounds (off, on, off, on). Also checks that the dashboard counted every answered hit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10s}"
connections="${2:-64}"
rounds="${3:-2}"
settle=15
token="bench-dashboard-token-0123456789"

command -v wrk >/dev/null || { echo "[bench] installing wrk" >&2; apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >&2; }
"$root/gateway" --help >/dev/null   # builds the CLI (Release) when needed

work="$(mktemp -d /tmp/gateway-bench-dashboard.XXXXXX)"
gateway_pid=""
cleanup() { [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hits() { curl -fsS "http://127.0.0.1:$1/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recordedHits"])'; }
path='/p.gif?pid=bench&e=pageview&url=https%3A%2F%2Fshop.example%2Fproduct%3Fid%3D42&ref=https%3A%2F%2Fnews.example%2F&utm_source=news&utm_medium=email'
hz=$(getconf CLK_TCK)

run() { # mode → "req/s cpu_us_per_hit counted answered"
  local mode=$1 port data
  port=$(free_port); data="$work/data-$mode-$RANDOM"
  GATEWAY__DATADIR="$data" GATEWAY__EDGE__URL="http://127.0.0.1:$port" GATEWAY__ADMIN__TOKEN="$token" GATEWAY__DASHBOARD__ENABLED="$mode" \
    dotnet "$root/.artifacts/cli/gateway.dll" up > "$work/gateway-$mode.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$port$path" >/dev/null   # JIT warm-up
  sleep "$settle"
  local before cpu0 out after cpu1 counted=""
  before=$(hits "$port"); cpu0=$(cpu_ticks "$gateway_pid")
  out=$(wrk -t2 -c"$connections" -d"$duration" "http://127.0.0.1:$port$path" 2>&1)
  sleep "$settle"   # the stages (and the dashboard) catch up; their CPU time counts too
  after=$(hits "$port"); cpu1=$(cpu_ticks "$gateway_pid")
  if [ "$mode" = true ]; then
    counted=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/metrics?step=hour&pixel=bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["events"])')
  fi
  kill -TERM "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true; gateway_pid=""
  rm -rf "$data"
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  echo "$rps $(python3 -c "print(round(($cpu1-$cpu0)/$hz*1e6/max(1,$after-$before),1))") ${counted:--} $after"
}

declare -a off_rps on_rps off_cpu on_cpu
for r in $(seq 1 "$rounds"); do
  read -r rps cpu _ _ < <(run false); off_rps+=("$rps"); off_cpu+=("$cpu"); echo "[bench] round $r off: $rps req/s, $cpu µs CPU per hit" >&2
  read -r rps cpu counted answered < <(run true); on_rps+=("$rps"); on_cpu+=("$cpu"); echo "[bench] round $r on:  $rps req/s, $cpu µs CPU per hit; dashboard counted $counted of $answered answered" >&2
  [ "$counted" = "$answered" ] || { echo "MISMATCH: the dashboard counted $counted events, the edge answered $answered" >&2; exit 1; }
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_off=$(median "${off_rps[@]}"); m_on=$(median "${on_rps[@]}")
c_off=$(median "${off_cpu[@]}"); c_on=$(median "${on_cpu[@]}")
echo
echo "gateway up with and without the dashboard — wrk -t2 -c$connections -d$duration, $rounds round(s), medians"
printf '%-10s %12s %18s\n' dashboard req/s 'CPU µs per hit'
printf '%-10s %12s %18s\n' off "$m_off" "$c_off"
printf '%-10s %12s %18s\n' on "$m_on" "$c_on"
echo "throughput with the dashboard: $(python3 -c "print(f'{$m_on/$m_off*100:.1f}')") % of without; CPU per hit +$(python3 -c "print(f'{$c_on-$c_off:.1f}')") µs"
