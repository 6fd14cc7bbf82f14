#!/usr/bin/env bash
# Runs a command with a real S3-compatible server (moto) started for it, e.g.
#   bash tests/s3/with-moto.sh cargo test -p entraide-tests --test api -- media_s3
# Without it the S3 tests skip (and say so).
set -euo pipefail
source "$(dirname "$0")/moto.sh"
"$@"
