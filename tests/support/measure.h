/* measure.h — what the tests read from ping and udpseq/dgram output, and
 * the statistics they assert with: quantiles, binomial bounds, loss runs.
 *
 * Output is either a launch's standard output, where every line starts
 * with "[peerI] ", or a peer's log file (no prefix).  peer names the
 * prefix to keep ("peer1"); NULL takes every line.
 */
#ifndef LK_TEST_MEASURE_H
#define LK_TEST_MEASURE_H

#include <stdbool.h>

/* Round-trip times (ms) of ping's echo replies from addr (IPv4 or IPv6,
 * as ping -n prints it), in order of arrival.  The first reply is left
 * out (it pays for ARP or neighbour discovery, and under TCG for cold
 * code), and so are duplicates ("DUP!").  Returns how many were stored. */
int ping_rtts(const char *out, const char *peer, const char *addr, double *v,
	      int max);

/* ping's summary for dst: "T packets transmitted, R received, +D
 * duplicates".  Returns 0, or -1 when there is no summary for dst. */
int ping_summary(const char *out, const char *peer, const char *dst, int *sent,
		 int *recv, int *dups);

/* The q-quantile (0..1) of v[0..n), nearest rank; sorts v.  n > 0. */
double quantile(double *v, int n, double q);

/* The acceptance interval of a binomial count: n*p +- z standard
 * deviations, widened to whole numbers and clamped to [0, n]. */
void binomial_bounds(int n, double p, double z, int *lo, int *hi);

/* The first line of peer that starts with key (NULL: "got "), udpseq's
 * or dgram's "got K: n1 n2 ...": returns K (-1 when absent); marks seen[x] for
 * every number x < max (seen may be NULL) and stores them in arrival order in
 * order[0..*norder), at most 2 * max of them (order may be NULL). */
int seq_received(const char *out, const char *peer, const char *key, bool *seen,
		 int max, int *order, int *norder);

/* An integer printed after key ("[peer2] csum4 17": key "csum4 ") on a
 * line of peer; -1 when absent. */
long peer_value(const char *out, const char *peer, const char *key);

/* Runs of losses among n numbered packets, seen[i] telling whether
 * packet i arrived. */
struct loss_runs {
	int lost;	     /* packets missing */
	int runs;	     /* maximal runs of consecutive missing ones */
	int after_loss;	     /* packets that follow a lost one */
	int lost_after_loss; /* ... and are lost too */
	double mean_run;     /* lost / runs (0 when nothing was lost) */
};
void loss_runs(const bool *seen, int n, struct loss_runs *out);

#endif
