#!/usr/bin/awk -f
# Turn a test machine's serial console into result lines: "PASS name",
# "FAIL name" or "SKIP name", one per test, plus one FAIL per kernel splat,
# per kmemleak report, per suite that exited non-zero without saying why, and
# one if the machine never reached the end.  -v machine=NAME prefixes names.

function result(status, name) {
	printf "%s %s/%s\n", status, machine, name
}

# A TAP/KTAP result line "ok 3 - name # SKIP why" -> status and name.
function tap(line, prefix,    status, name) {
	status = (line ~ /^not ok /) ? "FAIL" : "PASS"
	name = line
	sub(/^(not )?ok [0-9]+ (- )?/, "", name)
	if (name ~ /# *[Ss][Kk][Ii][Pp]/) {
		status = "SKIP"
	}
	sub(/ *#.*$/, "", name)
	if (status == "FAIL")
		failed_in_block++
	result(status, prefix "/" name)
}

{ sub(/\r$/, "") }

/@@MHV-DONE/ { done = 1 }
/@@MHV-TIMEOUT/ { timeout = $0 }

/^@@MHV-BEGIN / { suite = $2; next }
/^@@MHV-END / {
	rc = $3; sub(/rc=/, "", rc)
	if (rc != 0) result("FAIL", suite " (suite exited " rc ")")
	suite = ""
	next
}

/^@@MHV-KTAP-BEGIN / { block = "ktap"; prefix = suite "/" $2; failed_in_block = 0; next }
/^@@MHV-KTAP-END/ { block = ""; next }
/^@@MHV-TAP-BEGIN / { block = "tap"; prefix = suite "/" $2; failed_in_block = 0; next }
/^@@MHV-TAP-END / {
	rc = $3; sub(/rc=/, "", rc)
	if (rc != 0 && failed_in_block == 0)
		result("FAIL", prefix " (exited " rc ")")
	block = ""
	next
}
/^@@MHV-KMEMLEAK-BEGIN/ { block = "kmemleak"; next }
/^@@MHV-KMEMLEAK-END/ { block = ""; next }

# KUnit: test cases are indented one level inside their suite.
block == "ktap" && /^    (not )?ok [0-9]+ / { line = $0; sub(/^    /, "", line); tap(line, prefix); next }
# kselftest harness: one top-level result per test.
block == "tap" && /^(not )?ok [0-9]+ / { tap($0, prefix); next }
block == "kmemleak" && /unreferenced object/ { result("FAIL", "kmemleak: " $0); next }

# Kernel reports that fail the run wherever they appear.
/BUG: |WARNING: CPU: |WARNING: .* at |general protection fault|Kernel panic|Oops: |possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|UBSAN: |kmemleak: [0-9]+ new suspected|INFO: task .* blocked|unchecked MSR access error|rcu_sched self-detected stall/ {
	splat = $0
	sub(/^\[ *[0-9.]+\] /, "", splat)
	result("FAIL", "kernel: " splat)
}

END {
	if (!done)
		result("FAIL", "machine did not reach the end" (timeout ? " (" timeout ")" : ""))
}
