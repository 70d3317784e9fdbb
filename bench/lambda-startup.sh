#!/usr/bin/env bash
# Publishes the Lambda bootstrap exactly as it is deployed (self-contained, single file, trimmed, ReadyToRun,
# linux-x64) into a temp dir and measures its cold start against a fake Lambda Runtime API on 127.0.0.1:
#   - size of the `bootstrap` file;
#   - exec → first GET /2018-06-01/runtime/invocation/next (the runtime is ready; init done);
#   - exec → first POST .../response for one invocation of the `health` handler (a whole cold invoke);
#   - the same for an empty program published the same way (the runtime's own floor), and the ratio;
#   - with hyperfine (if installed): whole process lifetime, exec → next → 500 from the API → exit.
# Usage: bench/lambda-startup.sh [runs]   (default 30). Only loopback traffic; the fake API stops with the script.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-30}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --artifacts-path keeps this publish's obj/bin out of the source tree, so it never races other builds.
dotnet publish "$root/processors/Gateway.Lambda" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=true -p:PublishReadyToRun=true \
  --artifacts-path "$work/artifacts" -o "$work/out" -nologo -v quiet
bootstrap="$work/out/bootstrap"
size=$(stat -c %s "$bootstrap")

cat > "$work/fake_runtime_api.py" <<'PY'
"""A minimal Lambda Runtime API (2018-06-01) for timing the bootstrap's start.

mode "next":   every GET .../invocation/next is answered 500 (container error: the runtime must exit).
mode "invoke": the first GET next of a run gets one invocation for the health handler, the next GET a 500.
"""
import os, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class State:
    mode = "next"
    nexts = 0
    t_next = None
    t_response = None

class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"{}", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        now = time.monotonic_ns()
        if self.path != "/2018-06-01/runtime/invocation/next":
            return self.reply(404)
        State.nexts += 1
        if State.nexts == 1:
            State.t_next = now
        if State.mode == "invoke" and State.nexts == 1:
            deadline = int(time.time() * 1000) + 30_000
            return self.reply(200, b"{}", [
                ("Lambda-Runtime-Aws-Request-Id", "bench-1"),
                ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench"),
            ])
        self.reply(500, b'{"errorType":"Bench.Done"}')

    def do_POST(self):
        now = time.monotonic_ns()
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.endswith("/response") and State.t_response is None:
            State.t_response = now
        self.reply(202, b'{"status":"OK"}')

class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the bootstrap exits with its keep-alive connection open; the reset is expected

def serve():
    server = Server(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

def stats(values):
    values = sorted(values)
    n = len(values)
    return "median %6.1f ms   mean %6.1f ms   min %6.1f ms   p90 %6.1f ms   (n=%d)" % (
        values[n // 2], sum(values) / n, values[0], values[min(n - 1, int(n * 0.9))], n)

def timed(argv, env):
    start = time.monotonic_ns()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return start, time.monotonic_ns()

def measure(bootstrap, empty, runs):
    server = serve()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % server.server_address[1], _HANDLER="health")
    floor, first_next, first_response = [], [], []
    # Interleaved, so load from other work on the machine hits every series alike; two warm-up rounds.
    for i in range(runs + 2):
        start, end = timed([empty], env)
        if i >= 2:
            floor.append((end - start) / 1e6)
        State.mode, State.nexts, State.t_next = "next", 0, None
        start, _ = timed([bootstrap], env)
        if i >= 2:
            first_next.append((State.t_next - start) / 1e6)
        State.mode, State.nexts, State.t_response = "invoke", 0, None
        start, _ = timed([bootstrap], env)
        if i >= 2:
            first_response.append((State.t_response - start) / 1e6)
    server.shutdown()
    median = lambda values: sorted(values)[len(values) // 2]
    print("empty .NET process, exec -> exit: " + stats(floor))
    print("bootstrap, exec -> first GET next: " + stats(first_next))
    print("bootstrap, exec -> first response: " + stats(first_response))
    print("ratio first GET next / empty process (medians): %.2f" % (median(first_next) / median(floor)))

if __name__ == "__main__":
    if sys.argv[1] == "serve":
        server = serve()
        print(server.server_address[1], flush=True)
        threading.Event().wait()
    else:
        measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))
PY

# The floor: an empty program published the same way (what any .NET bootstrap pays before its first line runs).
mkdir -p "$work/empty"
cat > "$work/empty/empty.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <InvariantGlobalization>true</InvariantGlobalization>
    <EventSourceSupport>false</EventSourceSupport>
  </PropertyGroup>
</Project>
XML
echo 'return 0;' > "$work/empty/Program.cs"
dotnet publish "$work/empty" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=true -p:PublishReadyToRun=true -o "$work/empty/out" -nologo -v quiet

echo "bootstrap: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1000000 }'))"
python3 "$work/fake_runtime_api.py" measure "$bootstrap" "$work/empty/out/empty" "$runs"

if command -v hyperfine >/dev/null; then
  python3 "$work/fake_runtime_api.py" serve > "$work/port" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  # -i: the bootstrap exits 2 on purpose when the fake API answers 500.
  AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "$work/port")" _HANDLER=health \
    hyperfine -N -i --warmup 3 --runs "$runs" --style basic "$bootstrap" 2>&1 | grep -E "Time|Range"
fi
