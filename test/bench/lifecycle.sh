#!/usr/bin/env bash
# Container lifecycle cost: carrick-runtime next to crun and runc, in the
# same run on the same machine.
#
#   test/bench/lifecycle.sh [OUTDIR]        (OUTDIR = test/fixtures/out)
#
# One iteration is the four commands a shim issues, each its own process:
# `RT create --bundle B ID` (stdin /dev/null, stdout and stderr to files),
# `RT start ID`, `RT state ID` every 5 ms until it says stopped, and
# `RT delete ID`. A second row times `RT run --bundle B ID` (foreground).
# The container runs busybox's `true`: for carrick the arm64 fixture
# (OUTDIR/rootfs/busybox), for runc and crun Debian's busybox-static for
# amd64, the same busybox release, extracted into the cache. runc and crun
# run native code, so this measures lifecycle cost, not CPU emulation.
# A third probe (the same four steps) runs a static C program whose first
# act is to print CLOCK_REALTIME, giving the time from `start` (and from
# `create`) to the container's first clock read.
#
# Each runtime has a private --root in a temporary directory; iterations
# alternate between the runtimes, so load drift hits all of them alike.
# Reported: median and p90 (nearest rank) of the wall times, the ratios
# carrick/crun and carrick/runc, the median of each step. The table is
# printed and written as markdown to OUTDIR/lifecycle.md.
#
# It fails (exit 1) if a container of any runtime does not exit 0 (the
# `run` exit code; after create/start, the exit record carrick-runtime
# leaves where the binary has them: OCI's CLI gives no exit code there), a
# command fails, or `RT list` is not empty at the end. A runc or crun that
# cannot run here at all is reported as "not available: REASON" and the
# others are still measured.
#
# Hybrid cgroups (v1 controllers with a cgroup2 hierarchy that has
# controllers of its own at /sys/fs/cgroup/unified): crun refuses them
# ("cgroups in hybrid mode not supported"). The script then re-runs itself
# in a private mount namespace where that one cgroup2 mount is unmounted,
# so that crun and runc both see plain cgroup v1; nothing else changes and
# the host's mounts are untouched. carrick-runtime uses no cgroups.
#
# Environment: LIFECYCLE_REPS (iterations, default 20; bounded CI form 5),
# CARRICK_RUNTIME (binary; default bin/carrick-runtime, rebuilt every run),
# LIFECYCLE_CACHE (default ~/.cache/carrick/bench: the amd64 busybox).
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fixtures/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
reps=${LIFECYCLE_REPS:-20}
cache=${LIFECYCLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carrick/bench}
runtimes=(carrick crun runc)

die() {
	echo "lifecycle: $*" >&2
	exit 1
}

cg_note="cgroups as the host has them"
if [ -z "${LIFECYCLE_NS:-}" ] && [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] &&
	[ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
	if unshare --mount --propagation private true 2>/dev/null; then
		LIFECYCLE_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
	fi
	cg_note="hybrid cgroups and no private mount namespace (crun may refuse them)"
fi
if [ "${LIFECYCLE_NS:-}" = 1 ]; then
	if umount /sys/fs/cgroup/unified 2>/dev/null; then
		cg_note="hybrid cgroups on the host: run in a private mount namespace without /sys/fs/cgroup/unified (runc and crun see cgroup v1 only)"
	else
		cg_note="hybrid cgroups on the host; unmounting /sys/fs/cgroup/unified in a private mount namespace failed"
	fi
fi

crt=${CARRICK_RUNTIME:-$top/bin/carrick-runtime}
if [ -z "${CARRICK_RUNTIME:-}" ]; then
	# Always (re)build the default binary: a stale one measures old code.
	(cd "$top" && go build -o "$crt" ./cmd/carrick-runtime) || die "cannot build carrick-runtime"
fi
[ -x "$crt" ] || die "$crt is not an executable"
command -v jq >/dev/null || die "jq not found (apt-get install jq)"
arm_root=$out/rootfs/busybox
[ -x "$arm_root/bin/busybox" ] || die "$arm_root/bin/busybox missing (make fixtures)"

tmp=$(mktemp -d)
declare -A why status
for n in "${runtimes[@]}"; do status[$n]=ok; done

rt() { # NAME ARGS...: the runtime with its private root
	local n=$1
	shift
	case $n in
	carrick) "$crt" --root "$tmp/root.carrick" "$@" ;;
	*) "$n" --root "$tmp/root.$n" "$@" ;;
	esac
}
cleanup() {
	local n id
	for n in "${runtimes[@]}"; do
		[ -d "$tmp/root.$n" ] || continue
		for id in $(rt "$n" list -q 2>/dev/null); do rt "$n" delete --force "$id" >/dev/null 2>&1; done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The amd64 busybox for runc and crun, from Debian, kept in the cache.
amd_root=$cache/busybox-amd64/rootfs
if [ ! -x "$amd_root/bin/busybox" ]; then
	mkdir -p "$cache"
	deb=$(ls "$cache"/busybox-static_*_amd64.deb 2>/dev/null | tail -1)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download busybox-static:amd64) >"$tmp/apt.log" 2>&1
		deb=$(ls "$cache"/busybox-static_*_amd64.deb 2>/dev/null | tail -1)
	fi
	if [ -n "$deb" ] && dpkg-deb -x "$deb" "$tmp/deb"; then
		rm -rf "$cache/busybox-amd64"
		# Mount points must exist: runc and crun keep the root read-only.
		mkdir -p "$amd_root"/{bin,dev,proc,sys,tmp}
		cp "$tmp/deb/bin/busybox" "$amd_root/bin/"
		for a in true false; do ln -s busybox "$amd_root/bin/$a"; done
	fi
fi
if [ ! -x "$amd_root/bin/busybox" ]; then
	reason="no amd64 busybox (apt-get download busybox-static:amd64: $(tail -1 "$tmp/apt.log" 2>/dev/null))"
	why[crun]=$reason why[runc]=$reason
fi

# The clock probe: prints CLOCK_REALTIME in microseconds, first thing.
sdir=$out/bench/lifecycle
mkdir -p "$sdir"
cat >"$tmp/stamp.c" <<'EOF'
#include <stdio.h>
#include <time.h>
int main(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%lld\n", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	return 0;
}
EOF
if [ ! -x "$sdir/stamp.arm64" ] || [ "$0" -nt "$sdir/stamp.arm64" ]; then
	aarch64-linux-gnu-gcc -static -O2 -o "$sdir/stamp.arm64" "$tmp/stamp.c" 2>"$tmp/cc.log" || rm -f "$sdir/stamp.arm64"
fi
if [ ! -x "$sdir/stamp.amd64" ] || [ "$0" -nt "$sdir/stamp.amd64" ]; then
	gcc -static -O2 -o "$sdir/stamp.amd64" "$tmp/stamp.c" 2>>"$tmp/cc.log" || rm -f "$sdir/stamp.amd64"
fi

# bundle NAME KIND ARGS...: a bundle from the runtime's own `spec`, with
# terminal false, the given args and the runtime's root file system; the
# stamp kind bind-mounts the probe's directory read-only on /tmp, a
# directory both roots have (a missing mount point would be created in
# the root on the host, the shared fixture included).
bundle() {
	local n=$1 kind=$2 root=$amd_root
	shift 2
	[ "$n" = carrick ] && root=$arm_root
	local b=$tmp/bundle.$n.$kind
	mkdir -p "$b"
	rt "$n" spec --bundle "$b" >/dev/null 2>"$tmp/spec.err" || return 1
	jq --arg root "$root" --arg sdir "$sdir" --arg kind "$kind" --args '
		.process.terminal = false | .process.args = $ARGS.positional | .root.path = $root
		| if $kind == "stamp" then .mounts += [{destination: "/tmp", type: "bind", source: $sdir, options: ["rbind", "ro"]}] else . end
	' "$@" <"$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json"
}

us() { REPLY=${EPOCHREALTIME/./}; }
mkfifo "$tmp/tick"
exec {tick}<>"$tmp/tick"

# lifecycle NAME KIND ID: create, start, state until stopped, delete.
# Sets T (microseconds: create start wait delete), POLLS, EXIT (the
# container's exit code where the runtime keeps it, else "?") and STAMP
# (the probe's output); returns 1 with REASON on a failure.
lifecycle() {
	local n=$1 kind=$2 id=$3 t0 t1 t2 t3 t4 st f rec
	us
	t0=$REPLY
	if ! rt "$n" create --bundle "$tmp/bundle.$n.$kind" "$id" </dev/null >"$tmp/c.out" 2>"$tmp/c.err"; then
		REASON="create: $(tail -1 "$tmp/c.err")"
		return 1
	fi
	us
	t1=$REPLY
	if ! rt "$n" start "$id" </dev/null >>"$tmp/c.out" 2>>"$tmp/c.err"; then
		REASON="start: $(tail -1 "$tmp/c.err")"
		rt "$n" delete --force "$id" >/dev/null 2>&1
		return 1
	fi
	us
	t2=$REPLY
	POLLS=0
	while :; do
		st=$(rt "$n" state "$id" 2>>"$tmp/c.err")
		POLLS=$((POLLS + 1))
		[[ $st =~ \"status\"[[:space:]]*:[[:space:]]*\"([a-z]+)\" ]] && [ "${BASH_REMATCH[1]}" = stopped ] && break
		us
		if [ $((REPLY - t2)) -gt 30000000 ]; then
			REASON="not stopped after 30 s: $st"
			rt "$n" delete --force "$id" >/dev/null 2>&1
			return 1
		fi
		read -r -t 0.005 -u "$tick"
	done
	us
	t3=$REPLY
	EXIT="?"
	# carrick-runtime's init leaves an exit record (runtime/exitfile.go)
	# where it can; runc and crun tell only their parent or subreaper.
	for f in "$tmp/root.$n/$id"/exit-*; do
		[ -e "$f" ] || continue
		rec=$(<"$f")
		EXIT="bad exit record $rec"
		# A signal's record is not a success whatever its code says.
		[[ $rec == *'"signal"'* ]] && continue
		[[ $rec =~ \"code\":([0-9]+) ]] && EXIT=${BASH_REMATCH[1]}
	done
	if ! rt "$n" delete "$id" </dev/null >/dev/null 2>>"$tmp/c.err"; then
		REASON="delete: $(tail -1 "$tmp/c.err")"
		return 1
	fi
	us
	t4=$REPLY
	T="$((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3))"
	STAMP=$(head -1 "$tmp/c.out")
	CREATE0=$t0 START0=$t1
}

# runfg NAME KIND ID: `run` in the foreground; sets T and RC.
runfg() {
	local n=$1 kind=$2 id=$3 t0
	us
	t0=$REPLY
	rt "$n" run --bundle "$tmp/bundle.$n.$kind" "$id" </dev/null >"$tmp/r.out" 2>"$tmp/r.err"
	RC=$?
	us
	T=$((REPLY - t0))
}

fail() { # NAME REASON
	status[$1]="FAIL: $2"
	echo "lifecycle: $1: $2" >&2
}

# Which runtimes can run a container here at all; a runtime that can must
# also report a failing container's exit status (the check can fail).
for n in "${runtimes[@]}"; do
	[ -n "${why[$n]:-}" ] && continue
	if [ "$n" != carrick ] && ! command -v "$n" >/dev/null; then
		why[$n]="$n not installed"
		continue
	fi
	if ! bundle "$n" true /bin/true || ! bundle "$n" false /bin/false; then
		why[$n]="spec: $(tail -1 "$tmp/spec.err")"
		continue
	fi
	runfg "$n" true check-true
	if [ "$RC" != 0 ]; then
		why[$n]="run of /bin/true exited $RC: $(tail -1 "$tmp/r.err")"
		continue
	fi
	runfg "$n" false check-false
	[ "$RC" = 1 ] || fail "$n" "run of /bin/false exited $RC, not 1"
	if lifecycle "$n" false check-false-cycle; then
		case $EXIT in 1 | "?") ;; *) fail "$n" "exit record of /bin/false: $EXIT, not 1" ;; esac
	else
		fail "$n" "$REASON"
	fi
	arch=amd64
	[ "$n" = carrick ] && arch=arm64
	if [ -x "$sdir/stamp.$arch" ]; then
		bundle "$n" stamp /tmp/stamp.$arch || fail "$n" "spec: $(tail -1 "$tmp/spec.err")"
	fi
done
[ -z "${why[carrick]:-}" ] || die "carrick-runtime cannot run a container: ${why[carrick]}"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= reps; i++)); do
	for n in "${runtimes[@]}"; do
		[ -z "${why[$n]:-}" ] && [ "${status[$n]}" = ok ] || continue
		if ! lifecycle "$n" true "lc-$i"; then
			fail "$n" "iteration $i: $REASON"
			continue
		fi
		read -r a b c d <<<"$T"
		echo "$((a + b + c + d))" >>"$tmp/$n.cycle"
		echo "$a" >>"$tmp/$n.create"
		echo "$b" >>"$tmp/$n.start"
		echo "$c" >>"$tmp/$n.wait"
		echo "$d" >>"$tmp/$n.delete"
		echo "$POLLS" >>"$tmp/$n.polls"
		case $EXIT in 0 | "?") ;; *) fail "$n" "iteration $i: container exit $EXIT" ;; esac
		if [ -s "$tmp/c.out" ]; then fail "$n" "iteration $i: /bin/true wrote $(head -c 100 "$tmp/c.out")"; fi
		runfg "$n" true "run-$i"
		[ "$RC" = 0 ] || fail "$n" "iteration $i: run exited $RC: $(tail -1 "$tmp/r.err")"
		echo "$T" >>"$tmp/$n.run"
		[ -e "$tmp/bundle.$n.stamp" ] || continue
		if ! lifecycle "$n" stamp "st-$i"; then
			fail "$n" "iteration $i (clock probe): $REASON"
		elif [[ $STAMP =~ ^[0-9]+$ ]]; then
			echo "$((STAMP - START0))" >>"$tmp/$n.s2g"
			echo "$((STAMP - CREATE0))" >>"$tmp/$n.c2g"
		else
			fail "$n" "iteration $i: the clock probe printed '$STAMP'"
		fi
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${runtimes[@]}"; do
	[ -z "${why[$n]:-}" ] || continue
	left=$(rt "$n" list -q 2>&1)
	[ -z "$left" ] || fail "$n" "state left behind: $(echo "$left" | tr '\n' ' ')"
done

# stats FILE: "median p90" of microsecond values, in milliseconds.
stats() {
	[ -s "$1" ] || {
		echo "- -"
		return
	}
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		k = int(0.9 * NR); if (k < 0.9 * NR) k++
		printf "%.1f %.1f\n", m / 1000, v[k] / 1000 }'
}
median_n() { [ -s "$1" ] && sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' || echo -; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

declare -A cyc_m cyc_p run_m run_p
rows=() steps=()
for n in "${runtimes[@]}"; do
	case $n in
	carrick) label="carrick-runtime $("$crt" --version | awk '{ print $NF }') (arm64 busybox, interpreted)" ;;
	*) label="$($n --version 2>/dev/null | head -1) (amd64 busybox, native)" ;;
	esac
	if [ -n "${why[$n]:-}" ]; then
		rows+=("| $n | not available: ${why[$n]} | | | |")
		continue
	fi
	read -r cyc_m[$n] cyc_p[$n] < <(stats "$tmp/$n.cycle")
	read -r run_m[$n] run_p[$n] < <(stats "$tmp/$n.run")
	note=""
	[ "${status[$n]}" = ok ] || note=" **${status[$n]}**"
	rows+=("| $label$note | ${cyc_m[$n]} | ${cyc_p[$n]} | ${run_m[$n]} | ${run_p[$n]} |")
	s=()
	for f in create start wait delete s2g c2g; do
		read -r m _ < <(stats "$tmp/$n.$f")
		s+=("$m")
	done
	steps+=("| $n | ${s[0]} | ${s[1]} | ${s[2]} ($(median_n "$tmp/$n.polls")) | ${s[3]} | ${s[4]} | ${s[5]} |")
done
for o in crun runc; do
	if [ -n "${why[$o]:-}" ]; then
		rows+=("| carrick/$o | not available | | | |")
	else
		rows+=("| **carrick/$o** | $(ratio "${cyc_m[carrick]}" "${cyc_m[$o]}") | $(ratio "${cyc_p[carrick]}" "${cyc_p[$o]}") | $(ratio "${run_m[carrick]}" "${run_m[$o]}") | $(ratio "${run_p[carrick]}" "${run_p[$o]}") |")
	fi
done

{
	echo "# Container lifecycle"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$top" && git diff --quiet 2>/dev/null || echo ' (dirty tree)')"
	echo "- host: $(uname -m), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average $load0 before, $load1 after"
	echo "- $reps iterations, runtimes alternating; $cg_note"
	echo
	echo "Wall time in milliseconds (median, p90 nearest rank) of create + start + state every 5 ms until stopped + delete, and of a foreground run; the container runs busybox's \`true\`."
	echo
	echo "| runtime | create…delete median | p90 | run median | run p90 |"
	echo "|---|---:|---:|---:|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Median of each step (ms; wait includes the state commands, their median count in parentheses), and the time from the start of \`start\` and of \`create\` to the first clock read of a static C program in the container:"
	echo
	echo "| runtime | create | start | wait (state calls) | delete | start → guest | create → guest |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	printf '%s\n' "${steps[@]}"
} >"$out/lifecycle.md"
cat "$out/lifecycle.md"
echo
echo "written $out/lifecycle.md"
for n in "${runtimes[@]}"; do
	[ "${status[$n]}" = ok ] || exit 1
done
