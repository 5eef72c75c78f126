#!/bin/bash
# Runs the official Node SDK's live suite (its test/grpc + test/http jest specs) against a fresh
# `quiver serve` started from this repository's working tree (tsx, no build needed) on 127.0.0.1.
#
#   SDK_SUITE=/path/to/milvus-sdk-node PORT=19530 scripts/node-sdk-suite/run-suite.sh out.json [spec files…]
#
# SDK_SUITE is a checkout of github.com/milvus-io/milvus-sdk-node (docs/compat.md names the commit)
# after `npm install --ignore-scripts`, with test/tools/ip.ts reading the address from MILVUS_ADDRESS:
#   export const IP = process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530';
# Prints a per-file pass/fail table (summarize.cjs; `table.cjs out.json` gives the markdown one).
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
suite=${SDK_SUITE:?set SDK_SUITE to a milvus-sdk-node checkout}
port=${PORT:-19530}
out=$(realpath -m "${1:-result-$port.json}"); shift || true
data=$(mktemp -d /tmp/quiver-sdk-XXXX)
log=/tmp/quiver-sdk-serve-$port.log
(cd "$repo" && exec node --import tsx src/cli/main.ts serve --port "$port" --metrics-port 0 --data "$data" --log-level warn > "$log" 2>&1) &
pid=$!
for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
paths=${*:-test/grpc test/http}
(cd "$suite" && MILVUS_ADDRESS=127.0.0.1:$port NODE_ENV=dev timeout 3000 npx jest $paths --runInBand --json --outputFile="$out" \
  --testPathIgnorePatterns cloud.spec.ts serverless.spec.ts GlobalCluster.spec.ts > "/tmp/quiver-sdk-jest-$port.log" 2>&1)
kill "$pid"; wait "$pid" 2>/dev/null
rm -rf "$data"
node "$here/summarize.cjs" "$out"
echo "jest output: /tmp/quiver-sdk-jest-$port.log  server log: $log"
