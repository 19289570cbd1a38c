#!/usr/bin/env bash
# Image pull and unpack cost: carrick next to skopeo + umoci, in the same run,
# against the same local registry and the same image.
#
#   test/bench/image.sh [OUTDIR]        (make bench: OUTDIR = test/fixtures/out)
#
# Debian's registry server (docker-registry) is started on a free loopback
# port with a private storage directory; test/image/cmd/mkimage pushes the
# test image of the debian fixture root (OUTDIR/rootfs/debian, the largest:
# two layers, the root as it is and a small layer on top). Then, per
# iteration, with nothing cached from the previous one:
#
#   carrick   `carrick pull REF` into an empty CARRICK_HOME; `carrick run --rm
#             REF true` (cold: the layers are unpacked into the store's layer
#             cache, then a container runs true); the same again (warm: the
#             unpacked layers are reused; what is left is container setup and
#             the guest's true).
#   reference `skopeo copy docker://REF oci:DIR:tag` into an empty OCI layout;
#             `umoci unpack --image DIR:tag BUNDLE` (umoci keeps no cache: a
#             second container of the image is another full unpack).
#
# Reported: the median wall time of each step over the iterations, the ratio
# carrick/reference; printed and written as markdown to OUTDIR/image.md.
# Fails (exit 1) when a command fails.
#
# Environment: CARRICK (binary; default bin/carrick, rebuilt every run),
# IMAGE_BENCH_REPS (iterations, default 3).
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fixtures/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
carrick=${CARRICK:-$top/bin/carrick}
reps=${IMAGE_BENCH_REPS:-3}
root=$out/rootfs/debian

die() {
	echo "image: $*" >&2
	exit 1
}

for tool in docker-registry skopeo umoci curl; do
	command -v $tool >/dev/null || die "$tool not found (.ci/run installs it)"
done
[ -f "$root.stamp" ] || die "$root is missing: build it with \`make fixtures\`"
if [ -z "${CARRICK:-}" ]; then
	# Always (re)build the default binary: a stale one measures old code.
	(cd "$top" && go build -o "$carrick" ./cmd/carrick) || die "cannot build carrick"
fi
[ -x "$carrick" ] || die "$carrick is not an executable"

tmp=$(mktemp -d)
reg_pid=
cleanup() {
	[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
(cd "$top" && go build -o "$tmp/mkimage" ./test/image/cmd/mkimage) || die "cannot build mkimage"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $tmp/registry
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 200); do
	curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
	sleep 0.05
done
curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null || die "the registry did not start: $(cat "$tmp/registry.log")"
ref=127.0.0.1:$port/bench/debian:1
"$tmp/mkimage" -root "$root" -delete /usr/bin/factor -ref "$ref" || die "mkimage failed"

# timed NAME CMD...: runs CMD (output to a log), appends its wall time in
# seconds to $tmp/NAME.
timed() {
	local name=$1 start
	shift
	start=$EPOCHREALTIME
	"$@" >>"$tmp/cmd.log" 2>&1 || die "failed: $* ($(tail -3 "$tmp/cmd.log"))"
	awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }' >>"$tmp/$name"
}

for i in $(seq "$reps"); do
	home=$tmp/home-$i
	timed c_pull env CARRICK_HOME="$home" "$carrick" pull "$ref"
	timed c_cold env CARRICK_HOME="$home" "$carrick" run --rm "$ref" true
	timed c_warm env CARRICK_HOME="$home" "$carrick" run --rm "$ref" true
	rm -rf "$home"
	timed r_copy skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$tmp/oci-$i:bench"
	timed r_unpack umoci unpack --image "$tmp/oci-$i:bench" "$tmp/bundle-$i"
	rm -rf "$tmp/oci-$i" "$tmp/bundle-$i"
done

median() { sort -n "$tmp/$1" | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }

c_pull=$(median c_pull) c_cold=$(median c_cold) c_warm=$(median c_warm)
r_copy=$(median r_copy) r_unpack=$(median r_unpack)
size=$(du -sh --apparent-size "$root" | cut -f1)
rows=(
	"pull|carrick pull|$c_pull|skopeo copy|$r_copy"
	"first container (unpack)|run --rm true, cold|$c_cold|umoci unpack|$r_unpack"
	"pull + first container||$(sum "$c_pull" "$c_cold")||$(sum "$r_copy" "$r_unpack")"
	"next container of the image|run --rm true, warm|$c_warm|umoci unpack|$r_unpack"
)
fmt='%-30s %-22s %9s %-15s %9s %8s\n'
{
	printf "$fmt" "debian image ($size, 2 layers)" "carrick" "s" "reference" "s" "c/r"
	for r in "${rows[@]}"; do
		IFS='|' read -r what cs c rs rv <<<"$r"
		printf "$fmt" "$what" "$cs" "$c" "$rs" "$rv" "$(ratio "$c" "$rv")"
	done
	echo "(median of $reps; wall seconds, lower is better; local registry on loopback)"
} | tee "$tmp/table"
{
	echo "# Image pull and unpack: carrick and skopeo + umoci"
	echo
	echo "Generated by test/bench/image.sh on $(date -u +%Y-%m-%d) ($(nproc) CPUs); median of $reps."
	echo "Debian fixture image ($size unpacked, 2 layers) from a local docker-registry."
	echo
	echo "| step | carrick | s | reference | s | carrick/reference |"
	echo "|---|---|---|---|---|---|"
	for r in "${rows[@]}"; do
		IFS='|' read -r what cs c rs rv <<<"$r"
		echo "| $what | $cs | $c | $rs | $rv | $(ratio "$c" "$rv") |"
	done
} >"$out/image.md"
echo "written $out/image.md"
