#!/usr/bin/env bash
# Puts Debian's chromium on the machine (for the test that opens report.html in headless Chromium) and prints its path
# on stdout. It never fails: when chromium cannot be had it prints one line why on stderr, prints nothing on stdout and
# exits 0, and that test skips with the reason.
set -uo pipefail

give_up() { echo "install-chromium: $*; the report.html browser test will skip" >&2; exit 0; }

for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -x $candidate ]]; then
    echo "$candidate"
    exit 0
  fi
done

[[ $(id -u) -eq 0 ]] && sudo=() || sudo=(sudo -n)
command -v apt-get >/dev/null || give_up "no apt-get (not Debian)"
"${sudo[@]}" true 2>/dev/null || give_up "apt needs root and sudo is not available without a password"
"${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || give_up "apt-get update failed"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
  give_up "apt-get install chromium failed"
[[ -x /usr/bin/chromium ]] || give_up "the chromium package installed no /usr/bin/chromium"
echo /usr/bin/chromium
