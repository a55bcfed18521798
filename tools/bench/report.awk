#!/usr/bin/awk -f
# mhv-bench's host side: the "@@BENCH|..." lines of a console log (both back
# ends) into one table on stdout, and bench.txt, bench.json and bench.svg in
# outdir (-v outdir=DIR), naming the host kernel they ran on (-v kernel=lean|debug).
# Plain POSIX awk: no dependency beyond Debian's base.
#
# Line format (tools/bench/main.c):
#   @@BENCH|backend|case|lower/higher|unit|median|min|max|n|label|note

function num(s) { return s == "n/a" ? "" : s + 0 }

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function jnum(s) { return s == "" ? "null" : s }

function spread(be, c) {
	if (med[be, c] == "" || med[be, c] == 0)
		return ""
	return sprintf("%.1f", 100 * (max[be, c] - min[be, c]) / med[be, c])
}

function fmtval(be, c,    v, s) {
	if (!((be, c) in med))
		return "-"
	if (med[be, c] == "")
		return "n/a"
	v = med[be, c]
	s = v >= 100 ? sprintf("%.0f", v) : sprintf("%.2f", v)
	return s " (" spread(be, c) "%)"
}

# The goals later work chases, as mhv/KVM ratios of the medians.
function target(c) {
	if (c == "cpuid" || c == "vmcall") return 0.25
	if (c == "out" || c == "vm_create" || c == "vm_create_cycles") return 0.5
	if (c == "touch_4k" || c == "touch_2m") return 0.5
	return ""
}

function xml(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	return s
}

{ sub(/\r$/, "") }

/^@@BENCH\|/ {
	n = split($0, f, "|")
	be = f[2]; c = f[3]
	if (!(c in label)) {
		order[++ncases] = c
		label[c] = f[10]; unit[c] = f[5]; better[c] = f[4]
	}
	med[be, c] = num(f[6]); min[be, c] = num(f[7]); max[be, c] = num(f[8])
	reps[be, c] = f[9] + 0
	note[be, c] = f[11]
	for (i = 12; i <= n; i++)
		note[be, c] = note[be, c] "|" f[i]
	seen[be] = 1
}

/^(not )?ok [0-9]+ / && /^not ok/ { failures = failures "\n  " $0 }

END {
	txt = outdir "/bench.txt"
	kline = "kernel in the emulated machine: " (kernel == "" ? "unknown" : kernel)
	print kline
	print kline > txt
	hdr = sprintf("%-52s %-12s %16s %16s %8s %7s", "case", "unit", "KVM", "mhv", "mhv/KVM", "target")
	print hdr
	print hdr > txt
	for (k = 1; k <= ncases; k++) {
		c = order[k]
		r = ""
		if (med["kvm", c] != "" && med["mhv", c] != "" && med["kvm", c] > 0 &&
		    ((("kvm", c) in med) && (("mhv", c) in med)))
			r = sprintf("%.2f", med["mhv", c] / med["kvm", c])
		ratio[c] = r
		t = target(c)
		ts = t == "" ? "" : "<=" t
		if (t != "" && r != "")
			ts = ts (r + 0 <= t ? " met" : " NOT")
		line = sprintf("%-52s %-12s %16s %16s %8s %7s", substr(label[c], 1, 52), unit[c],
			       fmtval("kvm", c), fmtval("mhv", c), r == "" ? "n/a" : r, ts)
		print line
		print line > txt
	}
	for (k = 1; k <= ncases; k++) {
		c = order[k]
		for (b = 0; b < 2; b++) {
			be = b ? "mhv" : "kvm"
			if (note[be, c] != "") {
				print "  " be " " c ": " note[be, c]
				print "  " be " " c ": " note[be, c] > txt
			}
		}
	}
	if (failures != "") {
		print "sanity checks that failed:" failures
		print "sanity checks that failed:" failures > txt
	}
	close(txt)

	js = outdir "/bench.json"
	print "{" > js
	print "  \"kernel\": " jstr(kernel) "," > js
	print "  \"tsc\": \"guest TSC; in Bochs one cycle is one executed instruction\"," > js
	print "  \"cases\": [" > js
	for (k = 1; k <= ncases; k++) {
		c = order[k]
		printf "    {\"case\": %s, \"label\": %s, \"unit\": %s, \"better\": %s,\n", jstr(c),
		       jstr(label[c]), jstr(unit[c]), jstr(better[c]) > js
		for (b = 0; b < 2; b++) {
			be = b ? "mhv" : "kvm"
			if ((be, c) in med)
				printf "     %s: {\"median\": %s, \"min\": %s, \"max\": %s, \"n\": %d, \"note\": %s},\n",
				       jstr(be), jnum(med[be, c]), jnum(min[be, c]), jnum(max[be, c]),
				       reps[be, c], jstr(note[be, c]) > js
			else
				printf "     %s: null,\n", jstr(be) > js
		}
		printf "     \"ratio_mhv_kvm\": %s, \"target_ratio\": %s}%s\n", jnum(ratio[c]),
		       jnum(target(c)), k < ncases ? "," : "" > js
	}
	print "  ]" > js
	print "}" > js
	close(js)

	# One row per case: KVM's median as the 1.0 bar, mhv's as the ratio.
	svg = outdir "/bench.svg"
	rowh = 34; left = 380; scale = 220; cap = 2.5
	h = 60 + ncases * rowh
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", left + scale * cap + 120, h > svg
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > svg
	printf "<text x=\"10\" y=\"20\" font-size=\"14\">mhv vs Linux KVM, same guest, emulated VT-x (Bochs): median, KVM = 1.0</text>\n" > svg
	printf "<rect x=\"10\" y=\"30\" width=\"12\" height=\"10\" fill=\"#999\"/><text x=\"26\" y=\"39\">KVM</text>\n" > svg
	printf "<rect x=\"70\" y=\"30\" width=\"12\" height=\"10\" fill=\"#2a6fdb\"/><text x=\"86\" y=\"39\">mhv (ratio; for bytes/cycle higher is better, else lower)</text>\n" > svg
	printf "<line x1=\"%d\" y1=\"48\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"3,3\"/>\n", left + scale, left + scale, h - 6 > svg
	for (k = 1; k <= ncases; k++) {
		c = order[k]
		y = 50 + (k - 1) * rowh
		printf "<text x=\"10\" y=\"%d\">%s</text>\n", y + 16, xml(substr(label[c], 1, 56)) > svg
		if (("kvm", c) in med && med["kvm", c] != "")
			printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" fill=\"#999\"/>\n", left, y + 2, scale > svg
		if (ratio[c] != "") {
			w = ratio[c] > cap ? cap : ratio[c]
			printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"#2a6fdb\"/>\n", left, y + 16, scale * w > svg
			printf "<text x=\"%.1f\" y=\"%d\">%s%s</text>\n", left + scale * w + 4, y + 26, ratio[c], (ratio[c] > cap ? " (cut)" : "") > svg
		} else {
			printf "<text x=\"%d\" y=\"%d\">mhv: n/a</text>\n", left, y + 26 > svg
		}
		if (target(c) != "")
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-width=\"2\"/>\n", left + scale * target(c), y + 14, left + scale * target(c), y + 30 > svg
	}
	print "</svg>" > svg
	close(svg)
	if (!("kvm" in seen) || !("mhv" in seen))
		exit 1
	exit failures != ""
}
