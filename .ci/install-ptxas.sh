#!/usr/bin/env bash
# Puts NVIDIA's ptxas (the PTX → GPU machine code assembler, used by the tests to check that the CUDA kernels' PTX
# assembles for real GPUs without needing one) in .tools/ptxas/ and prints its path on stdout.
# It comes from Debian's nvidia-cuda-toolkit package in the non-free component, which this script adds to the
# machine's existing Debian apt entries. It never fails: when ptxas cannot be had it prints one line why on stderr,
# prints nothing on stdout and exits 0, and the ptxas test skips with that reason.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=.tools/ptxas
ptxas=$PWD/$dir/ptxas

give_up() { echo "install-ptxas: $*; the ptxas test will skip" >&2; exit 0; }

if "$ptxas" --version >/dev/null 2>&1; then
  echo "$ptxas"
  exit 0
fi

[[ $(id -u) -eq 0 ]] && sudo=() || sudo=(sudo -n)
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || give_up "no apt-get/dpkg-deb (not Debian)"
"${sudo[@]}" true 2>/dev/null || give_up "apt needs root and sudo is not available without a password"
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[[ -n $codename ]] || give_up "no VERSION_CODENAME in /etc/os-release"

# Add non-free to the Debian entries (suite "$codename" or "$codename-*") of the existing sources, in both the
# deb822 (*.sources) and the one-line (sources.list) formats; entries that already have it are left alone.
for file in /etc/apt/sources.list.d/*.sources; do
  [[ -f $file ]] && "${sudo[@]}" env codename="$codename" perl -0777 -pi -e '
    my $c = $ENV{codename};
    $_ = join "\n\n", map {
      if (/^Suites:.*(?<![\w-])\Q$c\E(?:-\w+)?(?![\w-])/m && !/^Components:.*\bnon-free\b/m) {
        s/^(Components:.*?)[ \t]*$/$1 non-free/m;
      }
      $_
    } split /\n\n/, $_, -1;' "$file"
done
if [[ -f /etc/apt/sources.list ]]; then
  "${sudo[@]}" env codename="$codename" perl -pi -e '
    my $c = $ENV{codename};
    s/[ \t]*$/ non-free/ if /^\s*deb(-src)?\s+(\[[^\]]*\]\s+)?\S+\s+\Q$c\E(-\w+)?\s/ && !/\bnon-free\b/;' /etc/apt/sources.list
fi

"${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || give_up "apt-get update failed"
work=$(mktemp -d) || give_up "no temporary directory"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
(cd "$work" && apt-get download -qq nvidia-cuda-toolkit >/dev/null 2>&1) ||
  give_up "apt-get download nvidia-cuda-toolkit failed (is Debian's non-free component reachable?)"
deb=$(ls "$work"/nvidia-cuda-toolkit_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || give_up "apt-get download produced no nvidia-cuda-toolkit .deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./usr/bin/ptxas 2>/dev/null ||
  give_up "no ./usr/bin/ptxas in $(basename "$deb")"
mkdir -p "$dir" && install -m 755 "$work/usr/bin/ptxas" "$ptxas" || give_up "cannot write $dir"
"$ptxas" --version >/dev/null 2>&1 || give_up "$ptxas does not run: $("$ptxas" --version 2>&1 | head -n 1)"
echo "$ptxas"
