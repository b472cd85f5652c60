#!/bin/sh
# Runs every cmocka suite given, prints each suite's output and one closing
# line "tests: N passed, N failed, N skipped" counted over all suites.
# Exit status is non-zero when any test failed or a suite crashed.
pass=0 fail=0 skip=0 crashed=""
for t in "$@"; do
	echo "== $t"
	out=$(mktemp)
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	rm -f "$out"
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		crashed="$crashed $t(rc=$rc)"
		fail=$((fail + 1))
	fi
done
[ -n "$crashed" ] && echo "crashed:$crashed"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
