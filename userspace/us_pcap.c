// SPDX-License-Identifier: LGPL-2.1-or-later
/* us_pcap.c — classic pcap files, buffered. */
#include "userspace/us_pcap.h"

#include "common/error.h"
#include "common/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

struct us_pcap {
	int fd;
	bool nsec;
	uint32_t snaplen;
	size_t used;
	uint64_t total, max; /* bytes put so far; the cap (0: none) */
	bool full;
	unsigned char buf[US_PCAP_BUFSZ];
};

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t sec, frac, incl_len, orig_len;
};

int us_pcap_flush(struct us_pcap *p, struct lk_error *e)
{
	int r;

	if (!p->used)
		return 0;
	r = lk_write_all(p->fd, p->buf, p->used);
	if (r < 0)
		r = lk_error_errno(e, "write pcap");
	p->used = 0;
	return r;
}

static int put(struct us_pcap *p, const void *d, size_t n, struct lk_error *e)
{
	const unsigned char *b = d;

	while (n) {
		size_t room = sizeof(p->buf) - p->used, k = n < room ? n : room;

		memcpy(p->buf + p->used, b, k);
		p->used += k;
		b += k;
		n -= k;
		if (p->used == sizeof(p->buf)) {
			int r = us_pcap_flush(p, e);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

int us_pcap_open(struct us_pcap **out, int fd, bool nsec, uint32_t snaplen,
		 struct lk_error *e)
{
	struct us_pcap *p = malloc(sizeof(*p));
	struct pcap_file_hdr h = {
	    .magic = nsec ? PCAP_MAGIC_NS : PCAP_MAGIC_US,
	    .major = 2,
	    .minor = 4,
	    .snaplen = snaplen ? snaplen : 262144,
	    .linktype = US_PCAP_LINKTYPE_ETHERNET,
	};
	int r;

	if (!p)
		return lk_error_set(e, ENOMEM, "pcap writer");
	p->fd = fd;
	p->nsec = nsec;
	p->snaplen = h.snaplen;
	p->used = 0;
	r = put(p, &h, sizeof(h), e);
	if (r == 0)
		r = us_pcap_flush(p, e);
	if (r < 0) {
		free(p);
		return r;
	}
	*out = p;
	return 0;
}

int us_pcap_write(struct us_pcap *p, uint64_t ts_ns, const void *frame,
		  size_t len, struct lk_error *e)
{
	uint32_t orig = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	uint32_t incl = orig < p->snaplen ? orig : p->snaplen;
	struct pcap_rec_hdr h = {
	    .sec = (uint32_t)(ts_ns / 1000000000u),
	    .frac = (uint32_t)(ts_ns % 1000000000u),
	    .incl_len = incl,
	    .orig_len = orig,
	};
	int r;

	if (!p->nsec)
		h.frac /= 1000;
	if (p->max && p->total + sizeof(h) + incl > p->max) {
		if (p->full)
			return 0;
		p->full = true;
		return 1;
	}
	p->total += sizeof(h) + incl;
	r = put(p, &h, sizeof(h), e);
	if (r == 0)
		r = put(p, frame, incl, e);
	return r;
}

void us_pcap_set_max(struct us_pcap *p, uint64_t max)
{
	p->max = max;
}

int us_pcap_close(struct us_pcap *p, struct lk_error *e)
{
	int r;

	if (!p)
		return 0;
	r = us_pcap_flush(p, e);
	free(p);
	return r;
}
