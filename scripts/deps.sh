#!/bin/sh
# Install what mmtrace needs to build, test, fuzz (clang and its libFuzzer
# runtime, libclang-rt) and benchmark, with apt-get.
# Quick when everything is present: dpkg-query first, apt-get only for gaps.
set -e
PKGS="clang llvm libbpf-dev bpftool libzstd-dev zstd libcmocka-dev gnuplot-nox \
libelf-dev zlib1g-dev pkg-config make gcc libclang-rt-14-dev linux-perf \
trace-cmd mandoc parallel"
[ -n "$MMTRACE_EXTRA_PKGS" ] && PKGS="$PKGS $MMTRACE_EXTRA_PKGS"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
