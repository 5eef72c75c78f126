#!/usr/bin/env bash
# Builds the S3 server and the log server of cluster mode from the Go module proxy into
# ~/.cache/quiver-ci/bin, once (a cached binary is kept). Each build is bounded; a failure is
# reported and the tests that need the binary skip, printing why. etcd comes from Debian (.ci/run).
set -uo pipefail
bin="$HOME/.cache/quiver-ci/bin"
mkdir -p "$bin"
if ! command -v go >/dev/null; then
  echo "no go toolchain: cannot build versitygw and nats-server" >&2
  exit 1
fi
status=0
build() { # name module@version
  if [ -x "$bin/$1" ]; then return 0; fi
  local start=$SECONDS
  if GOBIN="$bin" GOFLAGS=-buildvcs=false timeout 900 go install "$2"; then
    echo "built $1 ($2) in $((SECONDS - start)) s"
  else
    echo "could not build $1 ($2)" >&2
    status=1
  fi
}
build nats-server github.com/nats-io/nats-server/v2@v2.15.3
build versitygw github.com/versity/versitygw/cmd/versitygw@v1.8.0
exit $status
