#!/bin/sh
# The HTTP load generator the benchmarks use (Debian's wrk package).
set -e
command -v wrk >/dev/null 2>&1 && exit 0
echo "installing Debian's wrk for the HTTP benchmark"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
