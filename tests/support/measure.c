/* measure.c — what the tests read from ping and udpseq/dgram output, and
 * the statistics they assert with. */
#include "tests/support/measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next line of text at *p of peer: its body (after the prefix) and
 * *len, the body's length; NULL at the end. */
static const char *next_line(const char **p, const char *peer, size_t *len)
{
	char tag[64];
	size_t tl = 0;

	if (peer)
		tl = (size_t)snprintf(tag, sizeof(tag), "[%s] ", peer);
	while (**p) {
		const char *s = *p, *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		*p = s + n + (nl != NULL);
		if (peer) {
			if (n < tl || memcmp(s, tag, tl) != 0)
				continue;
			s += tl;
			n -= tl;
		}
		*len = n;
		return s;
	}
	return NULL;
}

static const char *find(const char *l, size_t len, const char *needle)
{
	return memmem(l, len, needle, strlen(needle));
}

int ping_rtts(const char *out, const char *peer, const char *addr, double *v,
	      int max)
{
	char from[96];
	const char *l, *p = out, *t;
	int n = 0, seen = 0;
	size_t len;

	snprintf(from, sizeof(from), "from %s:", addr);
	while (n < max && (l = next_line(&p, peer, &len))) {
		t = find(l, len, "time=");
		if (!find(l, len, from) || !t || find(l, len, "DUP!"))
			continue;
		if (seen++ == 0)
			continue;
		v[n++] = strtod(t + 5, NULL);
	}
	return n;
}

int ping_summary(const char *out, const char *peer, const char *dst, int *sent,
		 int *recv, int *dups)
{
	static const char tx[] = " packets transmitted, ";
	static const char dup[] = "received, +";
	char key[96];
	const char *l, *p = out, *q;
	bool found = false;
	size_t len;

	snprintf(key, sizeof(key), "--- %s ping statistics ---", dst);
	while ((l = next_line(&p, peer, &len))) {
		if (!found) {
			found = find(l, len, key) != NULL;
			continue;
		}
		q = find(l, len, tx);
		if (!q)
			continue;
		{
			/* The number right before: a log file's line has a
			 * time stamp first. */
			const char *d = q;

			while (d > l && d[-1] >= '0' && d[-1] <= '9')
				d--;
			*sent = atoi(d);
		}
		*recv = atoi(q + strlen(tx));
		q = find(l, len, dup);
		*dups = q ? atoi(q + strlen(dup)) : 0;
		return 0;
	}
	return -1;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[(int)lround(q * (n - 1))];
}

void binomial_bounds(int n, double p, double z, int *lo, int *hi)
{
	double mean = n * p, sd = sqrt(n * p * (1 - p));

	*lo = (int)floor(mean - z * sd);
	*hi = (int)ceil(mean + z * sd);
	if (*lo < 0)
		*lo = 0;
	if (*hi > n)
		*hi = n;
}

int seq_received(const char *out, const char *peer, const char *key, bool *seen,
		 int max, int *order, int *norder)
{
	const char *l, *p = out, *end, *q;
	size_t len, kl;
	int k;

	if (!key)
		key = "got ";
	kl = strlen(key);
	do
		l = next_line(&p, peer, &len);
	while (l && (len < kl || memcmp(l, key, kl) != 0));
	if (!l)
		return -1;
	end = l + len;
	k = atoi(l + kl);
	q = memchr(l, ':', len);
	if (norder)
		*norder = 0;
	while (q && ++q < end && *q == ' ') {
		char *e;
		long x = strtol(q, &e, 10);

		if (e == q)
			break;
		if (x >= 0 && x < max) {
			if (seen)
				seen[x] = true;
			if (order && norder && *norder < 2 * max)
				order[(*norder)++] = (int)x;
		}
		q = e - 1;
	}
	return k;
}

long peer_value(const char *out, const char *peer, const char *key)
{
	const char *l, *p = out;
	size_t len, kl = strlen(key);

	while ((l = next_line(&p, peer, &len)))
		if (len >= kl && memcmp(l, key, kl) == 0)
			return atol(l + kl);
	return -1;
}

void loss_runs(const bool *seen, int n, struct loss_runs *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		if (!seen[i]) {
			out->lost++;
			out->runs += i == 0 || seen[i - 1];
		}
		if (i > 0 && !seen[i - 1]) {
			out->after_loss++;
			out->lost_after_loss += !seen[i];
		}
	}
	out->mean_run = out->runs ? (double)out->lost / out->runs : 0;
}
