#!/bin/bash
# The harness checks itself: parse-console.awk must turn known console logs
# into known verdicts (a failing test, a kernel splat, a leak, a hang each
# fail the run), and Bochs must start in a hostile environment
# (bochs-start.sh). Prints TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=0
failed=0

# expect NAME LOG_FILE EXPECTED_RESULT_LINES
expect() {
	local name=$1 log=$2 want=$3 got
	n=$((n + 1))
	got=$(awk -v machine=m -f "$here/../parse-console.awk" "$log")
	if [ "$got" = "$want" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
echo "1..$(($(ls "$here"/*.log | wc -l) + 1))"
for log in "$here"/*.log; do
	expect "$(basename "$log" .log)" "$log" "$(cat "${log%.log}.expected")"
done
n=$((n + 1))
if out=$("$here/bochs-start.sh" 2>&1); then
	echo "ok $n bochs-starts-in-a-hostile-environment"
else
	echo "not ok $n bochs-starts-in-a-hostile-environment"
	echo "$out" | sed 's/^/# /'
	failed=$((failed + 1))
fi
exit $((failed > 0))
