#!/usr/bin/env bash
# Benchmarks carrick against qemu-aarch64-static in the same run.
#
#   test/bench/run.sh [OUTDIR]        (make bench: OUTDIR = test/fixtures/out)
#
# 1. Guest instructions per second on three microbenchmarks (test/bench/*.c:
#    inline-assembly loops of known instruction count that time themselves
#    with CLOCK_MONOTONIC): integer ALU, memory copy, floating point.
# 2. Syscall round trips, process and thread costs (test/bench/proc.c: fork,
#    fork after touching 1 MiB and 256 MiB, vfork+exec of a tiny static
#    program, pthread create+join, futex ping-pong), start-up of real programs.
# 3. Wall time of every program of the differential suite (C at -O2 and the
#    Go programs), fixtures in OUTDIR/c and OUTDIR/go.
#
# Each measurement runs under carrick and under qemu alternately, BENCH_REPS
# times (default 3), and keeps the best. A run whose stdout or exit status
# differs from qemu's is marked "MISMATCH"/"FAIL" instead of being timed as
# a success. The table is printed and written as markdown to OUTDIR/bench.md.
#
# Environment: CARRICK (binary; default bin/carrick, rebuilt every run),
# BENCH_REPS, BENCH_SCALE (multiplies the microbenchmark and process probe
# iteration counts), BENCH_SUITE=0 to skip the suite programs, BENCH_PROC=0 to
# skip the process probes. Bounded (CI) run: BENCH_SUITE=0 BENCH_REPS=1
# BENCH_SCALE=0.2.
#
# qemu-user can run vfork+exec only through binfmt_misc. The spawn probe runs
# qemu in a user namespace of its own with a private binfmt_misc instance
# (Linux 6.7 and later; as test/oracle does), invisible to carrick; where
# that is impossible qemu's figure is reported as not available, with why.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fixtures/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
carrick=${CARRICK:-$top/bin/carrick}
qemu=qemu-aarch64-static
reps=${BENCH_REPS:-3}
scale=${BENCH_SCALE:-1}

die() {
	echo "bench: $*" >&2
	exit 1
}
command -v "$qemu" >/dev/null || die "$qemu not found (apt-get install qemu-user-static)"
command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc not found (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
if [ -z "${CARRICK:-}" ]; then
	# Always (re)build the default binary: a stale one measures old code.
	(cd "$top" && go build -o "$carrick" ./cmd/carrick) || die "cannot build carrick"
fi
[ -x "$carrick" ] || die "$carrick is not an executable"
"$top/test/fixtures/build.sh" "$out" || die "fixtures build failed"

bdir=$out/bench
mkdir -p "$bdir"
for src in "$top"/test/bench/*.c; do
	bin=$bdir/$(basename "$src" .c)
	if [ ! -e "$bin" ] || [ "$src" -nt "$bin" ] || [ "$top/test/bench/bench.h" -nt "$bin" ]; then
		# shellcheck disable=SC2046 # word splitting of the flags is intended
		aarch64-linux-gnu-gcc -static -O2 $(sed -n 's|^// cflags:||p' "$src") -o "$bin" "$src" -lpthread ||
			die "cannot build $src"
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || die "cannot enter $tmp"
env_fixed=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C)

# run_once WHICH OUTFILE PROGRAM ARGS... : runs under carrick or qemu with
# the suite's fixed environment, prints "STATUS NANOSECONDS".
run_once() {
	local which=$1 outf=$2
	shift 2
	local t0 t1 rc
	t0=$(date +%s%N)
	if [ "$which" = carrick ]; then
		"${env_fixed[@]}" "$carrick" run-elf "$@" >"$outf" 2>"$outf.err" </dev/null
	else
		"${env_fixed[@]}" "$qemu" "$@" >"$outf" 2>"$outf.err" </dev/null
	fi
	rc=$?
	t1=$(date +%s%N)
	echo "$rc $((t1 - t0))"
}

# same_stderr STATUS: compares the two stderr captures; for a guest killed
# by a signal (STATUS > 128) the emulators' own death notices are ignored,
# as in test/programs.
same_stderr() {
	if [ "$1" -gt 128 ]; then
		local re='^(qemu: uncaught target signal [0-9]+ |carrick: pid [0-9]+ tid [0-9]+ killed by )'
		cmp -s <(grep -Ev "$re" "$tmp/carrick.err") <(grep -Ev "$re" "$tmp/qemu.err")
	else
		cmp -s "$tmp/carrick.err" "$tmp/qemu.err"
	fi
}

field() { sed -n "s/.*[[:space:]]$1=\([0-9a-f]*\).*/\1/p" "$2" | head -1; }

rows_micro=()
rows_suite=()
ratios=()
printf '%-22s %16s %16s %14s\n' "microbenchmark" "carrick MIPS" "qemu MIPS" "carrick/qemu"
for name in alu memcopy fploop; do
	bin=$bdir/$name
	def=$(sed -n 's/.*iterations(argc, argv, \([0-9]*\)).*/\1/p' "$top/test/bench/$name.c")
	iters=$(awk -v d="$def" -v s="$scale" 'BEGIN { printf "%d", d * s }')
	best_c=0 best_q=0 status=ok
	for ((i = 0; i < reps; i++)); do
		for which in carrick qemu; do
			read -r rc _ < <(run_once "$which" "$tmp/$which" "$bin" "$iters")
			if [ "$rc" != 0 ]; then
				status="FAIL ($which exit $rc: $(tail -c 200 "$tmp/$which.err" | tr '\n' ' '))"
				continue
			fi
			insns=$(field instructions "$tmp/$which")
			ns=$(field ns "$tmp/$which")
			mips=$(awk -v i="$insns" -v n="$ns" 'BEGIN { printf "%.1f", (n > 0 ? i * 1000 / n : 0) }')
			if [ "$which" = carrick ]; then
				awk -v a="$mips" -v b="$best_c" 'BEGIN { exit !(a > b) }' && best_c=$mips
			else
				awk -v a="$mips" -v b="$best_q" 'BEGIN { exit !(a > b) }' && best_q=$mips
			fi
		done
		if [ "$status" = ok ] && [ "$(field checksum "$tmp/carrick")" != "$(field checksum "$tmp/qemu")" ]; then
			status="MISMATCH (checksum $(field checksum "$tmp/carrick") vs $(field checksum "$tmp/qemu"))"
		fi
	done
	if [ "$status" = ok ]; then
		ratio=$(awk -v c="$best_c" -v q="$best_q" 'BEGIN { printf "%.3f", (q > 0 ? c / q : 0) }')
	else
		ratio=$status
	fi
	printf '%-22s %16s %16s %14s\n' "$name ($iters it)" "$best_c" "$best_q" "$ratio"
	rows_micro+=("| $name | $iters | $best_c | $best_q | $ratio |")
done

# Syscall round trips (host ns per call, best of the runs), and start-up of
# real programs from the Debian fixtures when they are built.
rows_sys=()
echo
printf '%-22s %16s %16s %14s\n' "syscall round trip" "carrick ns" "qemu ns" "carrick/qemu"
for which in carrick qemu; do
	: >"$tmp/sys.$which"
	for ((i = 0; i < reps; i++)); do
		run_once "$which" "$tmp/sysout" "$bdir/syscalls" >/dev/null
		cat "$tmp/sysout" >>"$tmp/sys.$which"
	done
done
for sc in getpid pread-4k openat+close fstatat; do
	c=$(awk -v s="$sc" '$2 == s { split($4, a, "="); if (m == "" || a[2] < m) m = a[2] } END { print m }' "$tmp/sys.carrick")
	q=$(awk -v s="$sc" '$2 == s { split($4, a, "="); if (m == "" || a[2] < m) m = a[2] } END { print m }' "$tmp/sys.qemu")
	ratio=$(awk -v c="$c" -v q="$q" 'BEGIN { printf "%.2f", (q > 0 ? c / q : 0) }')
	printf '%-22s %16s %16s %14s\n' "$sc" "$c" "$q" "$ratio"
	rows_sys+=("| $sc | $c | $q | $ratio |")
done

# Process and thread costs (test/bench/proc.c), host nanoseconds per
# operation timed inside the guest, best of the runs.
rows_proc=()
qemu_path=$(command -v "$qemu")
# The binfmt_misc line for qemu (as test/oracle registers it): arm64 ELF
# executables and shared objects; F: the kernel opens qemu now.
binfmt_reg=":carrick-bench-aarch64:M::"'\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'":"'\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'":$qemu_path:F"
# qemu_binfmt ARGS...: runs qemu ARGS in a new user and mount namespace
# whose own binfmt_misc instance hands arm64 programs to qemu.
qemu_binfmt() {
	"${env_fixed[@]}" unshare --user --map-root-user --mount --fork /bin/sh -c '
		set -e
		d=$(mktemp -d)
		mount -t binfmt_misc binfmt_misc "$d"
		printf "%s" "$1" >"$d/register"
		shift
		set +e
		"$@"
		rc=$?
		umount "$d" && rmdir "$d"
		exit $rc' sh "$binfmt_reg" "$qemu_path" "$@"
}
# proc_run WHICH PROBE N [ARG]: one run; prints ns_per_op, or "FAIL(...)".
proc_run() {
	local which=$1
	shift
	local rc
	case $which in
	carrick) "${env_fixed[@]}" "$carrick" run-elf "$bdir/proc" "$@" >"$tmp/proc.out" 2>"$tmp/proc.err" </dev/null ;;
	qemu) "${env_fixed[@]}" "$qemu" "$bdir/proc" "$@" >"$tmp/proc.out" 2>"$tmp/proc.err" </dev/null ;;
	qemu-binfmt) qemu_binfmt "$bdir/proc" "$@" >"$tmp/proc.out" 2>"$tmp/proc.err" </dev/null ;;
	esac
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL(exit $rc: $(tail -c 120 "$tmp/proc.err" | tr '\n' ' '))"
		return
	fi
	sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' "$tmp/proc.out"
}
# proc_best WHICH PROBE N [ARG]: the best of $reps runs.
proc_best() {
	local i
	local best="" v
	for ((i = 0; i < reps; i++)); do
		v=$(proc_run "$@")
		case $v in "" | FAIL*)
			echo "${v:-FAIL(no result)}"
			return
			;;
		esac
		if [ -z "$best" ] || awk -v a="$v" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$v; fi
	done
	echo "$best"
}
n_of() { awk -v d="$1" -v s="$scale" 'BEGIN { n = int(d * s); print (n < 1 ? 1 : n) }'; }
us() { case $1 in FAIL* | n/a*) echo "$1" ;; *) awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }' ;; esac; }
if [ "${BENCH_PROC:-1}" != 0 ]; then
	echo
	printf '%-26s %16s %16s %14s\n' "process probe" "carrick us/op" "qemu us/op" "carrick/qemu"
	# The spawn probe's qemu needs binfmt_misc: check that it works here.
	spawn_q=qemu-binfmt
	if ! why=$(qemu_binfmt "$bdir/true" 2>&1); then
		spawn_q="n/a (no binfmt_misc in a user namespace: $(echo "$why" | tail -1))"
	fi
	# shellcheck disable=SC2086 # $arg: no word when empty
	while read -r label probe n arg; do
		n=$(n_of "$n")
		c=$(proc_best carrick "$probe" "$n" $arg)
		case $probe:$spawn_q in
		spawn:n/a*) q=$spawn_q ;;
		spawn:*) q=$(proc_best qemu-binfmt "$probe" "$n" $arg) ;;
		*) q=$(proc_best qemu "$probe" "$n" $arg) ;;
		esac
		ratio=$(awk -v c="$c" -v q="$q" 'BEGIN { if (c + 0 > 0 && q + 0 > 0) printf "%.2f", c / q; else print "-" }')
		printf '%-26s %16s %16s %14s\n' "$label" "$(us "$c")" "$(us "$q")" "$ratio"
		rows_proc+=("| $label ($n) | $(us "$c") | $(us "$q") | $ratio |")
		if [ "$probe" = futex ]; then
			rc=$(awk -v n="$c" 'BEGIN { if (n + 0 > 0) printf "%d", 1e9 / n; else print "-" }')
			rq=$(awk -v n="$q" 'BEGIN { if (n + 0 > 0) printf "%d", 1e9 / n; else print "-" }')
			printf '%-26s %16s %16s\n' "  round trips/s" "$rc" "$rq"
			futex_rate="carrick $rc, qemu $rq round trips per second"
		fi
	done <<EOF_PROBES
fork+exit+wait fork 50
fork-after-1MiB forkmem 20 1
fork-after-256MiB forkmem 5 256
vfork+exec+wait spawn 30 $bdir/true
pthread-create+join thread 300
futex-pingpong futex 50000
EOF_PROBES
fi

rows_start=()
rootfs=$out/rootfs
startup() { # NAME ROOT PROGRAM ARGS...
	local name=$1 root=$2
	shift 2
	[ -x "$root$1" ] || return 0
	local best_c="" best_q="" rc ns
	for ((i = 0; i < reps; i++)); do
		t0=$(date +%s%N)
		"${env_fixed[@]}" "$carrick" run-elf --rootfs "$root" "$@" >/dev/null 2>&1 </dev/null
		rc=$?
		ns=$(($(date +%s%N) - t0))
		[ "$rc" = 0 ] || { best_c="FAIL($rc)"; break; }
		if [ -z "$best_c" ] || [ "$ns" -lt "$best_c" ]; then best_c=$ns; fi
		t0=$(date +%s%N)
		"${env_fixed[@]}" "$qemu" -L "$root" "$root$1" "${@:2}" >/dev/null 2>&1 </dev/null
		ns=$(($(date +%s%N) - t0))
		if [ -z "$best_q" ] || [ "$ns" -lt "$best_q" ]; then best_q=$ns; fi
	done
	local sc sq ratio
	sc=$(awk -v n="$best_c" 'BEGIN { printf "%.3f", n / 1e9 }')
	sq=$(awk -v n="$best_q" 'BEGIN { printf "%.3f", n / 1e9 }')
	ratio=$(awk -v c="$best_c" -v q="$best_q" 'BEGIN { printf "%.2f", (q > 0 ? c / q : 0) }')
	printf '%-22s %16s %16s %14s\n' "$name" "$sc" "$sq" "$ratio"
	rows_start+=("| $name | $sc | $sq | $ratio |")
}
echo
printf '%-22s %16s %16s %14s\n' "start-up (wall)" "carrick s" "qemu s" "carrick/qemu"
startup "busybox true" "$rootfs/busybox" /bin/busybox true
startup "python3 -c pass" "$rootfs/debian" /usr/bin/python3 -c pass

if [ "${BENCH_SUITE:-1}" != 0 ]; then
	echo
	printf '%-24s %12s %12s %14s\n' "program (wall time)" "carrick s" "qemu s" "carrick/qemu"
	progs=()
	for bin in "$out"/c/*-O2; do progs+=("$bin"); done
	for bin in "$out"/go/*; do [ -x "$bin" ] && progs+=("$bin"); done
	for bin in "${progs[@]}"; do
		case $bin in
		*/c/*) name=c/$(basename "$bin") src=$top/test/programs/c/$(basename "$bin" -O2).c ;;
		*) name=go/$(basename "$bin") src=$top/test/programs/go/$(basename "$bin")/main.go ;;
		esac
		args=()
		if [ -e "$src" ]; then
			read -r -a args < <(sed -n 's|^// args:||p' "$src" | head -1)
		fi
		best_c="" best_q="" status=ok
		for ((i = 0; i < reps; i++)); do
			read -r rc_c ns_c < <(run_once carrick "$tmp/carrick" "$bin" "${args[@]}")
			read -r rc_q ns_q < <(run_once qemu "$tmp/qemu" "$bin" "${args[@]}")
			if [ "$rc_c" != "$rc_q" ]; then
				status="FAIL (exit $rc_c, qemu $rc_q)"
			elif ! cmp -s "$tmp/carrick" "$tmp/qemu" || ! same_stderr "$rc_q"; then
				status=MISMATCH
			fi
			if [ -z "$best_c" ] || [ "$ns_c" -lt "$best_c" ]; then best_c=$ns_c; fi
			if [ -z "$best_q" ] || [ "$ns_q" -lt "$best_q" ]; then best_q=$ns_q; fi
			[ "$status" = ok ] || break
		done
		sc=$(awk -v n="$best_c" 'BEGIN { printf "%.3f", n / 1e9 }')
		sq=$(awk -v n="$best_q" 'BEGIN { printf "%.3f", n / 1e9 }')
		if [ "$status" = ok ]; then
			ratio=$(awk -v c="$best_c" -v q="$best_q" 'BEGIN { printf "%.2f", c / q }')
			ratios+=("$ratio")
		else
			ratio=$status
		fi
		printf '%-24s %12s %12s %14s\n' "$name" "$sc" "$sq" "$ratio"
		rows_suite+=("| $name | $sc | $sq | $ratio |")
	done
	if [ ${#ratios[@]} -gt 0 ]; then
		geo=$(printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ } END { printf "%.2f", exp(s / n) }')
		echo "geometric mean of time ratios over ${#ratios[@]} matching programs: $geo"
	fi
fi

{
	echo "# carrick benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$top" && git diff --quiet 2>/dev/null || echo ' (dirty tree)')"
	echo "- host: $(uname -m), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "- oracle: $($qemu --version | head -1)"
	echo "- best of $reps, carrick and qemu alternating"
	echo
	echo "## Guest instructions per second"
	echo
	echo "Inline-assembly loops of known instruction count, timed inside the guest (CLOCK_MONOTONIC)."
	echo "MIPS = million guest instructions per second; the ratio is carrick speed / qemu speed (higher is better)."
	echo
	echo "| benchmark | iterations | carrick MIPS | qemu MIPS | carrick/qemu |"
	echo "|---|---:|---:|---:|---:|"
	printf '%s\n' "${rows_micro[@]}"
	echo
	echo "## Syscall round trips"
	echo
	echo "Host nanoseconds per call, timed inside the guest (test/bench/syscalls.c); lower is better."
	echo
	echo "| syscall | carrick ns | qemu ns | carrick/qemu |"
	echo "|---|---:|---:|---:|"
	printf '%s\n' "${rows_sys[@]}"
	if [ ${#rows_proc[@]} -gt 0 ]; then
		echo
		echo "## Processes and threads"
		echo
		echo "Host microseconds per operation, timed inside the guest (test/bench/proc.c); lower is better."
		echo "vfork+exec runs test/bench/true.c (no libc); qemu execs it through binfmt_misc in a user namespace."
		echo
		echo "| probe (operations) | carrick us | qemu us | carrick/qemu |"
		echo "|---|---:|---:|---:|"
		printf '%s\n' "${rows_proc[@]}"
		if [ -n "${futex_rate:-}" ]; then
			echo
			echo "Futex ping-pong: $futex_rate."
		fi
	fi
	if [ ${#rows_start[@]} -gt 0 ]; then
		echo
		echo "## Start-up"
		echo
		echo "Wall time of a whole run from the Debian fixtures (carrick --rootfs, qemu -L)."
		echo
		echo "| program | carrick s | qemu s | carrick/qemu |"
		echo "|---|---:|---:|---:|"
		printf '%s\n' "${rows_start[@]}"
	fi
	if [ ${#rows_suite[@]} -gt 0 ]; then
		echo
		echo "## Wall time of the suite programs"
		echo
		echo "Whole process, including start-up; the ratio is carrick time / qemu time (lower is better)."
		echo
		echo "| program | carrick s | qemu s | carrick/qemu |"
		echo "|---|---:|---:|---:|"
		printf '%s\n' "${rows_suite[@]}"
		if [ -n "${geo:-}" ]; then
			echo
			echo "Geometric mean of the time ratio over ${#ratios[@]} programs whose output matches qemu: **$geo**"
		fi
	fi
} >"$out/bench.md"
echo
echo "written $out/bench.md"
