#!/usr/bin/env bash
# Installs what the tests need (only what is missing), builds, runs every test project and prints
# "N passed, N failed, N skipped" from the real results as the last line. Exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

"$root/tools/install.sh" --tests || { echo "0 passed, 1 failed"; exit 1; }

results="$root/.artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! dotnet build Gateway.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

projects=$(find tests -name '*.csproj' | sort)
passed=0; failed=0; skipped=0; status=0
for project in $projects; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "[test.sh] $name produced no results (test host crashed or failed to start)"
    failed=$((failed + 1))
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + p))
  failed=$((failed + f + e + t + a))
  skipped=$((skipped + total - executed))
done

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "[test.sh] no test ran"
  failed=1
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
