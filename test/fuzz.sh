#!/usr/bin/env bash
# Runs every fuzz target of the repository for DURATION each (default 30s):
#   test/fuzz.sh 2m
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-30s}
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
	pkg=./$(dirname "${f#./}")
	for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
		echo "== $pkg $fn ($dur)"
		go test "$pkg" -run '^$' -fuzz "^$fn\$" -fuzztime "$dur"
	done
done
