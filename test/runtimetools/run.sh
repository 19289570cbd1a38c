#!/usr/bin/env bash
# Runs opencontainers/runtime-tools v0.9.0's validation tests against
# carrick-runtime and compares the results with baseline.txt.
#
#   test/runtimetools/run.sh [--update] [OUTDIR [TEST...]]   (OUTDIR = test/fixtures/out)
#
# runtime-tools comes from the Go module proxy (`go mod download`); v0.9.0
# has no go.mod and no longer builds against current dependencies, so it is
# built in a scratch module whose go.mod/go.sum are build.mod/build.sum here
# (runtime-spec v1.0.2 and selinux v1.8.0 pinned, -mod=readonly). The build
# lives in the cache (~/.cache/carrick/runtime-tools), never in the repo:
# `runtimetest` for linux/arm64 (it runs inside the container, under
# carrick) and each validation/NAME test for the host (it drives the
# runtime through $RUNTIME).
#
# The tests untar ./rootfs-$GOARCH.tar.gz (GOARCH of the test binary: amd64
# here) into each bundle and copy ./runtimetest into it. So the work
# directory gets the arm64 busybox fixture (OUTDIR/rootfs/busybox) under
# that name. The hook tests run `<bundle>/bin/sh` and `<bundle>/bin/false`
# as host programs; busybox is arm64 and the host has none at /bin/busybox,
# so in the staged root /bin/sh and /bin/false point at the host's own
# programs' paths (e.g. /usr/bin/dash), which inside the root are busybox:
# the host resolves the link to its shell, the container to busybox.
#
# RUNTIME is a wrapper that adds a private --root, so leftovers of failed
# tests can be found and deleted; bundles go to a private TMPDIR. Tests run
# one at a time, each bounded by RUNTIME_TOOLS_TIMEOUT seconds (default 120);
# one that regressed runs up to twice more before it counts (see below).
# tests.txt says which tests run and why the others do not. Results go to
# OUTDIR/runtime-tools/ (NAME.tap, NAME.err, NAME.rc, results.md); the
# summary is printed. Exit status 1 if a test regressed against
# baseline.txt (a failure it does not list, or fewer passing assertions);
# --update rewrites baseline.txt from this run instead.
#
# Environment: CARRICK_RUNTIME (default bin/carrick-runtime, built by `make
# build`), RUNTIME_TOOLS_CACHE (default ~/.cache/carrick/runtime-tools).
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
update=
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
out=${1:-$top/test/fixtures/out}
shift || true
only=("$@")
version=v0.9.0
cache=${RUNTIME_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carrick/runtime-tools}
rt=${CARRICK_RUNTIME:-$top/bin/carrick-runtime}
per_test=${RUNTIME_TOOLS_TIMEOUT:-120}

die() {
	echo "runtime-tools: $*" >&2
	exit 2
}

mkdir -p "$out" "$cache" || die "cannot create $out or $cache"
out=$(cd "$out" && pwd)
fixture=$out/rootfs/busybox
[ -x "$rt" ] || die "no $rt (make build)"
rt=$(cd "$(dirname "$rt")" && pwd)/$(basename "$rt")
[ -x "$fixture/bin/busybox" ] || die "no arm64 busybox root at $fixture (make fixtures)"
command -v go >/dev/null || die "go is needed"
export GOWORK=off GOFLAGS="${GOFLAGS:-} -mod=readonly"

# The tests to run, in tests.txt's order.
tests=()
while IFS=$'\t' read -r name group _; do
	case $name in '' | '#'*) continue ;; esac
	[ "$group" = excluded ] && continue
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then
		continue
	fi
	tests+=("$name")
done <"$here/tests.txt"
[ ${#tests[@]} -gt 0 ] || die "no test selected"

# Build (again only when the pins, the toolchain or the list change).
bin=$cache/bin
stamp=$(cat "$here/build.mod" "$here/build.sum" "$here/tests.txt" | sha256sum | cut -c1-16)-$(go env GOVERSION)
if [ "$(cat "$bin/.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "runtime-tools: building $version (runtimetest for linux/arm64, tests for the host)"
	src=$(go mod download -json "github.com/opencontainers/runtime-tools@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$src/validation" ] || die "go mod download of runtime-tools@$version failed"
	mod=$cache/mod
	rm -rf "$mod" "$bin"
	mkdir -p "$mod" "$bin"
	cp "$here/build.mod" "$mod/go.mod"
	cp "$here/build.sum" "$mod/go.sum"
	# Every test tests.txt runs, not only the selected ones: the stamp covers all.
	mapfile -t pkgs < <(awk -F'\t' '!/^#/ && NF >= 2 && $2 != "excluded" {print "github.com/opencontainers/runtime-tools/validation/" $1}' "$here/tests.txt")
	(cd "$mod" &&
		CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -o "$bin/runtimetest" github.com/opencontainers/runtime-tools/cmd/runtimetest &&
		go build -trimpath -o "$bin/" "${pkgs[@]}") >"$cache/build.log" 2>&1 ||
		{
			cat "$cache/build.log" >&2
			die "build failed"
		}
	echo "$stamp" >"$bin/.stamp"
fi
tapsum=$cache/tapsum
(cd "$top" && go build -o "$tapsum" ./test/runtimetools/tapsum) || die "cannot build tapsum"

# The work directory: what the tests read from their cwd, a private root
# for the runtime and a private TMPDIR for the bundles.
work=$cache/work
rm -rf "$work"
mkdir -p "$work/tmp" "$work/state"
cp "$bin/runtimetest" "$work/runtimetest"
stage=$work/rootfs
mkdir -p "$stage"
# The emulator the oracle harness keeps in the fixture is not the container's.
tar -C "$fixture" --exclude=./qemu-aarch64-static -cf - . | tar -C "$stage" -xf - || die "cannot copy $fixture"
hooks_ok=1
for p in sh false; do
	host=$(readlink -f "/bin/$p" 2>/dev/null)
	if [ -z "$host" ] || [ ! -x "$host" ] || [ "$host" = "/bin/$p" ] || [ -e "$stage$host" ] || [ -L "$stage$host" ]; then
		hooks_ok=
		break
	fi
	mkdir -p "$stage$(dirname "$host")"
	ln -s /bin/busybox "$stage$host"
	ln -sfn "$host" "$stage/bin/$p"
done
tar -C "$stage" -czf "$work/rootfs-$(go env GOARCH).tar.gz" . || die "cannot pack the root"
rm -rf "$stage"
cat >"$work/runtime" <<EOF
#!/bin/sh
exec "$rt" --root "$work/state" "\$@"
EOF
chmod +x "$work/runtime"

res=$out/runtime-tools
rm -rf "$res"
mkdir -p "$res"

# run_tests NAME...: runs each test in the work directory.
run_tests() {
	local t t0 rc
	for t in "$@"; do
		if [ -z "$hooks_ok" ] && [ "$(awk -F'\t' -v t="$t" '$1 == t {print $2}' "$here/tests.txt")" = hooks ]; then
			echo "runtime-tools: skipping $t: the host's /bin/sh or /bin/false cannot stand in for the hook programs" >&2
			continue
		fi
		printf 'runtime-tools: %-32s' "$t"
		t0=$(date +%s)
		(cd "$work" && RUNTIME="$work/runtime" TMPDIR="$work/tmp" timeout -k 10 "$per_test" "$bin/$t" >"$res/$t.tap" 2>"$res/$t.err")
		rc=$?
		case $rc in 124 | 137) rc=timeout ;; esac
		echo "$rc" >"$res/$t.rc"
		echo " exit $rc, $(($(date +%s) - t0))s"
	done
	# Containers failed tests left behind, then their bundles.
	local leftover id
	leftover=$("$work/runtime" list -q 2>/dev/null)
	for id in $leftover; do
		"$work/runtime" delete --force "$id" >/dev/null 2>&1
	done
	[ -z "$leftover" ] || echo "runtime-tools: deleted $(echo "$leftover" | wc -w) containers the tests left behind"
	rm -rf "$work/tmp"
	mkdir -p "$work/tmp"
}

start=$(date +%s)
run_tests "${tests[@]}"
echo "runtime-tools: ran ${#tests[@]} tests in $(($(date +%s) - start))s"

args=(-tests "$here/tests.txt" -results "$res" -baseline "$here/baseline.txt" -md "$res/results.md")
if [ -n "$update" ]; then
	"$tapsum" "${args[@]}" -update || exit 1
	echo "runtime-tools: wrote $here/baseline.txt"
	exit 0
fi

# Several tests give the container fixed times (5 or 10 s) to reach a
# state, or race the emulated process's start-up (killsig signals a shell
# that may not have set its trap yet); on a loaded machine carrick can lose.
# A test that regressed runs again, up to twice (earlier outputs are kept
# as NAME.1.*, NAME.2.*); only its last result counts. More than five
# regressions are not a race: they are not run again, which also bounds
# the run's time.
for attempt in 1 2; do
	mapfile -t again < <("$tapsum" "${args[@]}" -list)
	[ ${#again[@]} -gt 0 ] || break
	if [ ${#again[@]} -gt 5 ]; then
		echo "runtime-tools: ${#again[@]} tests regressed; not running them again"
		break
	fi
	echo "runtime-tools: running again: ${again[*]}"
	for t in "${again[@]}"; do
		for x in tap err rc; do mv "$res/$t.$x" "$res/$t.$attempt.$x"; done
	done
	run_tests "${again[@]}"
done
echo
"$tapsum" "${args[@]}"
