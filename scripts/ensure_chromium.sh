#!/bin/sh
# Browser tests drive Debian's headless Chromium. Install it when we can (root with apt-get);
# otherwise say how, and the browser tests are skipped (CI sets ZHICUN_REQUIRE_BROWSER=1).
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium and chromium-driver for the browser tests" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null && exit 0
fi
echo "note: chromium not found; browser tests will be skipped (apt-get install chromium)" >&2
exit 0
