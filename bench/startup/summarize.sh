#!/bin/sh
# summarize.sh RAW.tsv — Markdown tables of the startup benchmark: median
# [min–max] per tool, N and metric, and the ratios baseline/linkem of the
# medians (both measured in the same run).
set -eu
raw=${1:?usage: summarize.sh RAW.tsv}

tail -n +2 "$raw" | sort -t "$(printf '\t')" -k1,1 -k2,2n -k3,3 -k5,5g |
awk -F '\t' '
function flush() {
	if (cnt == 0) return
	med[key] = (cnt % 2) ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
	lo[key] = v[1]; hi[key] = v[cnt]; nrep[key] = cnt
	cnt = 0
}
{
	k = $1 SUBSEP $2 SUBSEP $3
	if (k != key) { flush(); key = k }
	v[++cnt] = $5
	tools[$1] = 1
	if ($1 != "driver") ns[$2] = 1
}
function cell(t, n, m,   k) {
	k = t SUBSEP n SUBSEP m
	if (!(k in med)) return "—"
	if (m ~ /_kib$/) return sprintf("%.1f MiB [%.1f–%.1f]", med[k] / 1024, lo[k] / 1024, hi[k] / 1024)
	return sprintf("%.1f ms [%.1f–%.1f]", med[k], lo[k], hi[k])
}
function ratio(t, n, m,   a, b) {
	a = t SUBSEP n SUBSEP m; b = "linkem" SUBSEP n SUBSEP m
	if (!(a in med) || !(b in med) || med[b] <= 0) return "—"
	return sprintf("%.1f×", med[a] / med[b])
}
function table(m, title,   n, i, cntn, list, j, tmp) {
	cntn = 0
	for (n in ns) list[++cntn] = n + 0
	for (i = 2; i <= cntn; i++)
		for (j = i; j > 1 && list[j - 1] > list[j]; j--) {
			tmp = list[j]; list[j] = list[j - 1]; list[j - 1] = tmp }
	printf "\n%s\n\n", title
	printf "| N | linkem | ip netns script | Mininet | ip netns / linkem | Mininet / linkem |\n"
	printf "|---:|---:|---:|---:|---:|---:|\n"
	for (i = 1; i <= cntn; i++) {
		n = list[i]
		printf "| %d | %s | %s | %s | %s | %s |\n", n,
		    cell("linkem", n, m), cell("ipnetns", n, m), cell("mininet", n, m),
		    ratio("ipnetns", n, m), ratio("mininet", n, m)
	}
}
END {
	flush()
	table("ready_ms", "Ready: start of the tool → last peer'"'"'s workload started (median [min–max])")
	table("wall_ms", "Wall time of `-n N -- true` (setup + run + teardown; median [min–max])")
	printf "\nlinkem supervisor peak memory\n\n| N | GNU time maxrss (upper bound) | VmHWM polled (supervisor only) |\n|---:|---:|---:|\n"
	cntn = 0
	for (n in ns) sorted[++cntn] = n + 0
	for (i = 2; i <= cntn; i++)
		for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) {
			tmp = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = tmp }
	for (i = 1; i <= cntn; i++) if (("linkem" SUBSEP (n = sorted[i]) SUBSEP "maxrss_kib") in med)
		printf "| %d | %s | %s |\n", n, cell("linkem", n, "maxrss_kib"), cell("linkem", n, "vmhwm_kib")
	printf "\nDriver overhead (t0 then one stamp, no tool): %s; repetitions: %d\n",
	    cell("driver", 1, "ready_ms"), nrep["driver" SUBSEP 1 SUBSEP "ready_ms"]
}'
