#!/usr/bin/env bash
# Networking benchmarks: guest servers under carrick next to the same guest
# programs under qemu-aarch64-static, in the same run, loaded from the host.
#
#   test/bench/net.sh [OUTDIR]        (make bench: OUTDIR = test/fixtures/out)
#
# 1. python3's http.server (ThreadingHTTPServer, Debian root) serving a 4 KiB
#    file, and the Go net/http server of test/net/progs/nethttp (busybox
#    root), each loaded by ApacheBench (ab, Debian's apache2-utils) from the
#    host: requests per second and p50/p99 latency; the Go server once with a
#    connection per request and once with keep-alive.
# 2. TCP round trips of one byte: host client (nethttp built for the host) to
#    the guest's echo server, and both ends inside one guest program.
#
# The guest runs as in test/net: under carrick as `carrick run-elf --rootfs
# ROOT -v WORK:/work`, under qemu chrooted into the same root in private
# mount and PID namespaces (needs root). python's listen backlog is raised
# from 5 to 128, as test/net does (a burst of connections overflows 5 at an
# emulator's pace and the host's SYN cookies then stall clients for seconds).
# Each load run is preceded by a short warm-up; a run with failed or non-2xx
# requests is reported as FAIL. The table is printed and written as markdown
# to OUTDIR/net.md.
#
# Environment: CARRICK (binary; default bin/carrick, rebuilt every run),
# NET_BENCH_REPS (runs per measurement, best kept; default 1),
# NET_BENCH_CONC (ab concurrency, default 8), NET_BENCH_PY_REQS (default
# 300), NET_BENCH_GO_REQS (default 3000), NET_BENCH_RTT (round trips,
# default 2000).
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fixtures/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
carrick=${CARRICK:-$top/bin/carrick}
qemu=qemu-aarch64-static
reps=${NET_BENCH_REPS:-1}
conc=${NET_BENCH_CONC:-8}
py_reqs=${NET_BENCH_PY_REQS:-300}
go_reqs=${NET_BENCH_GO_REQS:-3000}
rtts=${NET_BENCH_RTT:-2000}
debian=$out/rootfs/debian
busybox=$out/rootfs/busybox

die() {
	echo "net bench: $*" >&2
	exit 1
}
command -v "$qemu" >/dev/null || die "$qemu not found (apt-get install qemu-user-static)"
command -v ab >/dev/null || die "ab not found (apt-get install apache2-utils)"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"
[ "$(id -u)" = 0 ] || die "must run as root (qemu's guest runs chrooted in private namespaces)"
for r in "$debian" "$busybox"; do
	[ -e "$r.stamp" ] || die "$r is missing: make fixtures"
done
if [ -z "${CARRICK:-}" ]; then
	(cd "$top" && go build -o "$carrick" ./cmd/carrick) || die "cannot build carrick"
fi
[ -x "$carrick" ] || die "$carrick is not an executable"
mkdir -p "$out/bench"
(cd "$top" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -o "$out/bench/nethttp-arm64" ./test/net/progs/nethttp) ||
	die "cannot build test/net/progs/nethttp for arm64"
(cd "$top" && go build -o "$out/bench/nethttp-host" ./test/net/progs/nethttp) || die "cannot build test/net/progs/nethttp"

tmp=$(mktemp -d)
guest_pid=""
cleanup() {
	stop_guest
	rm -rf "$tmp"
}
trap cleanup EXIT
work=$tmp/work
mkdir -p "$work"
head -c 4096 /dev/urandom >"$work/file.bin"
cp "$out/bench/nethttp-arm64" "$work/nethttp"
guest_env=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C)

# As test/net's qemuScript: $1 ROOT, $2 WORK, then the command.
qemu_script='
set -eu
root=$1 work=$2
shift 2
mount --make-rprivate /
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount --bind "$work" "$root/work"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
"$@"'

# start_guest WHICH ROOT ARGV...: starts a guest server in the background,
# its output in $tmp/guest.log; sets guest_pid.
start_guest() {
	local which=$1 root=$2
	shift 2
	if [ "$which" = carrick ]; then
		local eargs=()
		for kv in "${guest_env[@]}"; do eargs+=(-e "$kv"); done
		# setsid: the guest's processes form a group the stop kills.
		setsid env -i "$carrick" run-elf --rootfs "$root" -v "$work:/work" -w /work "${eargs[@]}" "$@" \
			>"$tmp/guest.log" 2>&1 </dev/null &
	else
		# --kill-child: the namespace's init, and with it every guest
		# process, dies with unshare.
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare --mount --pid --fork --kill-child \
			sh -c "$qemu_script" sh "$root" "$work" env -i "${guest_env[@]}" \
			unshare --root="$root" --wd=/work -- /qemu-aarch64-static "$@" >"$tmp/guest.log" 2>&1 </dev/null &
	fi
	guest_pid=$!
}

stop_guest() {
	[ -n "$guest_pid" ] || return 0
	kill -KILL -- "-$guest_pid" 2>/dev/null || kill -KILL "$guest_pid" 2>/dev/null
	wait "$guest_pid" 2>/dev/null
	guest_pid=""
}

# wait_guest SECONDS: waits for the guest to end by itself, at most SECONDS
# (then kills it); succeeds if it ended in time with status 0.
wait_guest() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		if ! kill -0 "$guest_pid" 2>/dev/null; then
			wait "$guest_pid"
			local rc=$?
			guest_pid=""
			return $rc
		fi
		sleep 0.1
	done
	stop_guest
	return 1
}

# free_port: a port of 127.0.0.1 nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
	done
	echo "$p"
}

# wait_port PORT: until the guest listens (60 s at most); fails if the guest
# ended or never listened.
wait_port() {
	local i
	for ((i = 0; i < 600; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		kill -0 "$guest_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# load URL N [AB_FLAGS...]: a warm-up, then `ab -n N -c $conc`; prints
# "RPS P50_MS P99_MS" or "FAIL(...)".
load() {
	local url=$1 n=$2
	shift 2
	ab -q "$@" -n 20 -c 2 "$url" >/dev/null 2>&1
	if ! ab -q "$@" -n "$n" -c "$conc" -e "$tmp/ab.csv" "$url" >"$tmp/ab.out" 2>&1; then
		echo "FAIL(ab: $(tail -1 "$tmp/ab.out"))"
		return
	fi
	local failed non2xx rps p50 p99
	failed=$(sed -n 's/^Failed requests: *\([0-9]*\).*/\1/p' "$tmp/ab.out")
	non2xx=$(sed -n 's/^Non-2xx responses: *\([0-9]*\).*/\1/p' "$tmp/ab.out")
	if [ "${failed:-x}" != 0 ] || [ -n "$non2xx" ]; then
		echo "FAIL(failed ${failed:-?}, non-2xx ${non2xx:-0})"
		return
	fi
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$tmp/ab.out")
	p50=$(awk -F, '$1 == 50 { printf "%.2f", $2 }' "$tmp/ab.csv")
	p99=$(awk -F, '$1 == 99 { printf "%.2f", $2 }' "$tmp/ab.csv")
	echo "$rps $p50 $p99"
}

# http_bench KEY ROOT PATH N EXPECT AB_FLAGS ARGV...: the server ARGV (each
# PORT in it replaced by a free port) under both emulators, each checked with
# one curl of PATH against the file EXPECT, then loaded with ab.
declare -A res
http_bench() {
	local key=$1 root=$2 path=$3 n=$4 expect=$5 abflags=$6
	shift 6
	local which i port argv r
	for ((i = 0; i < reps; i++)); do
		for which in carrick qemu; do
			port=$(free_port)
			argv=("${@//PORT/$port}")
			start_guest "$which" "$root" "${argv[@]}"
			if ! wait_port "$port"; then
				r="FAIL(server did not listen: $(tail -c 200 "$tmp/guest.log" | tr '\n' ' '))"
			elif ! curl -sS --fail --max-time 30 "http://127.0.0.1:$port$path" -o "$tmp/body" 2>"$tmp/curl.err" ||
				! cmp -s "$tmp/body" "$expect"; then
				r="FAIL(wrong response: $(head -c 200 "$tmp/curl.err"))"
			else
				# shellcheck disable=SC2086 # $abflags: no word when empty
				r=$(load "http://127.0.0.1:$port$path" "$n" $abflags)
			fi
			stop_guest
			keep "$key.$which" "$r"
		done
	done
}

# keep KEY RESULT: keeps the result with the higher first field (or a FAIL).
keep() {
	local old=${res[$1]:-}
	case $2 in FAIL*)
		res[$1]=$2
		return
		;;
	esac
	case $old in FAIL*) return ;; esac
	if [ -z "$old" ] || awk -v a="${2%% *}" -v b="${old%% *}" 'BEGIN { exit !(a > b) }'; then
		res[$1]=$2
	fi
}

# rtt_bench KEY WHICH: round trips; results "RT_PER_S P50_US P99_US".
rtt_bench() {
	local which i port r
	for ((i = 0; i < reps; i++)); do
		for which in carrick qemu; do
			port=$(free_port)
			start_guest "$which" "$busybox" /work/nethttp echo "127.0.0.1:$port"
			if ! wait_port "$port"; then
				r="FAIL(echo server did not listen: $(tail -c 200 "$tmp/guest.log" | tr '\n' ' '))"
			elif ! "$out/bench/nethttp-host" rttclient "127.0.0.1:$port" "$rtts" >"$tmp/rtt.out" 2>&1; then
				r="FAIL($(tail -c 200 "$tmp/rtt.out"))"
			else
				r=$(rtt_fields "$tmp/rtt.out")
			fi
			stop_guest
			keep "rtt-host.$which" "$r"

			start_guest "$which" "$busybox" /work/nethttp rtt "$rtts"
			if wait_guest 300; then
				r=$(rtt_fields "$tmp/guest.log")
			else
				r="FAIL($(tail -c 200 "$tmp/guest.log" | tr '\n' ' '))"
			fi
			keep "rtt-guest.$which" "$r"
		done
	done
}

# rtt_fields FILE: "ROUND_TRIPS_PER_S P50 P99" from nethttp's report line
# (per second from the median).
rtt_fields() {
	sed -n 's/.*p50_us=\([0-9.]*\) p99_us=\([0-9.]*\).*/\1 \2/p' "$1" |
		awk '{ if ($1 > 0) printf "%.0f %s %s\n", 1e6 / $1, $1, $2; else print "FAIL(no result)" }'
}

http_bench py "$debian" /file.bin "$py_reqs" "$work/file.bin" "" \
	/usr/bin/python3 -c "import runpy, socketserver; socketserver.TCPServer.request_queue_size = 128; runpy.run_module('http.server', run_name='__main__', alter_sys=True)" \
	PORT --bind 127.0.0.1 --directory /work
printf 'hello bench\n' >"$tmp/hello"
http_bench go "$busybox" "/hello?name=bench" "$go_reqs" "$tmp/hello" "" /work/nethttp serve 127.0.0.1:PORT
http_bench go-ka "$busybox" "/hello?name=bench" "$go_reqs" "$tmp/hello" "-k" /work/nethttp serve 127.0.0.1:PORT
rtt_bench

# ratio A B: A/B to two decimals, "-" when either is not a number.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
field() { case $1 in FAIL*) echo "$1" ;; *) echo "$1" | awk -v i="$2" '{ print $i }' ;; esac; }

rows_http=()
printf '%-34s %12s %12s %8s %10s %10s %10s %10s\n' "HTTP server (from the host)" "carrick r/s" "qemu r/s" "c/q" \
	"c p50 ms" "q p50 ms" "c p99 ms" "q p99 ms"
for spec in "py|python3 http.server, 4 KiB file (ab -n $py_reqs -c $conc)" \
	"go|Go net/http (ab -n $go_reqs -c $conc)" \
	"go-ka|Go net/http, keep-alive (ab -k -n $go_reqs -c $conc)"; do
	key=${spec%%|*} label=${spec#*|}
	c=${res[$key.carrick]:-FAIL(no result)} q=${res[$key.qemu]:-FAIL(no result)}
	cr=$(field "$c" 1) qr=$(field "$q" 1)
	row=("$cr" "$qr" "$(ratio "$cr" "$qr")" "$(field "$c" 2)" "$(field "$q" 2)" "$(field "$c" 3)" "$(field "$q" 3)")
	printf '%-34s %12s %12s %8s %10s %10s %10s %10s\n' "$key" "${row[@]}"
	rows_http+=("| $label | ${row[0]} | ${row[1]} | ${row[2]} | ${row[3]} | ${row[4]} | $(ratio "${row[3]}" "${row[4]}") | ${row[5]} | ${row[6]} | $(ratio "${row[5]}" "${row[6]}") |")
done
rows_rtt=()
echo
printf '%-34s %12s %12s %10s %10s %8s\n' "TCP round trip, 1 byte" "carrick p50" "qemu p50" "c p99" "q p99" "c/q p50"
for spec in "rtt-host|host client to the guest's echo server" "rtt-guest|client and echo server inside one guest"; do
	key=${spec%%|*} label=${spec#*|}
	c=${res[$key.carrick]:-FAIL(no result)} q=${res[$key.qemu]:-FAIL(no result)}
	row=("$(field "$c" 2)" "$(field "$q" 2)" "$(field "$c" 3)" "$(field "$q" 3)")
	printf '%-34s %12s %12s %10s %10s %8s\n' "$key" "${row[@]}" "$(ratio "${row[0]}" "${row[1]}")"
	rows_rtt+=("| $label | $(field "$c" 1) | $(field "$q" 1) | ${row[0]} | ${row[1]} | $(ratio "${row[0]}" "${row[1]}") | ${row[2]} | ${row[3]} | $(ratio "${row[2]}" "${row[3]}") |")
done

{
	echo "# Networking benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$top" && git diff --quiet 2>/dev/null || echo ' (dirty tree)')"
	echo "- host: $(uname -m), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- oracle: $($qemu --version | head -1); load generator: $(ab -V | sed -n 's/^This is \(ApacheBench, Version [0-9.]*\).*/\1/p')"
	echo "- best of $reps, carrick then qemu; each load run after a 20-request warm-up"
	echo
	echo "## HTTP servers in the guest, loaded from the host"
	echo
	echo "Requests per second (higher is better) and latency percentiles in milliseconds from ab (lower is better);"
	echo "each ratio is carrick / qemu."
	echo
	echo "| server | carrick req/s | qemu req/s | carrick/qemu | carrick p50 | qemu p50 | carrick/qemu | carrick p99 | qemu p99 | carrick/qemu |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s\n' "${rows_http[@]}"
	echo
	echo "## TCP round trips"
	echo
	echo "$rtts one-byte round trips on one connection (TCP_NODELAY), timed by the client; microseconds"
	echo "(lower is better); round trips per second from the median."
	echo
	echo "| client and server | carrick rt/s | qemu rt/s | carrick p50 | qemu p50 | carrick/qemu | carrick p99 | qemu p99 | carrick/qemu |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s\n' "${rows_rtt[@]}"
} >"$out/net.md"
echo
echo "written $out/net.md"
