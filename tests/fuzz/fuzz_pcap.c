/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_pcap.c — the pcap writer: frames cut from the input (2-byte
 * lengths) written with their timestamps into a memfd, read back: the
 * file header, then each record with its lengths, time and bytes
 * (truncated to the snap length). */
#include "fuzz.h"

#include "userspace/us_pcap.h"

#include <sys/mman.h>
#include <unistd.h>

struct frame {
	const uint8_t *p;
	size_t len;
	uint64_t ts;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame fr[64];
	size_t nfr = 0, i = 3, pos = 24;
	struct us_pcap *p = NULL;
	struct lk_error e = {0};
	bool nsec;
	uint32_t snap;
	uint8_t *file;
	off_t flen;
	int fd;

	if (size < 3 || size > 1 << 20)
		return -1;
	nsec = data[0] & 1;
	snap = data[1] < 128 ? 0 : (uint32_t)data[2] * 64u + 14u;
	while (i + 2 <= size && nfr < 64) {
		size_t l = (size_t)data[i] | (size_t)data[i + 1] << 8;

		i += 2;
		if (l > size - i)
			l = size - i;
		fr[nfr].p = data + i;
		fr[nfr].len = l;
		fr[nfr].ts = 1700000000ull * 1000000000ull + nfr * 123456789ull;
		nfr++;
		i += l;
	}
	fd = memfd_create("fuzz-pcap", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	FUZZ_CHECK(us_pcap_open(&p, fd, nsec, snap, &e) == 0, "%s", e.msg);
	for (size_t k = 0; k < nfr; k++)
		FUZZ_CHECK(us_pcap_write(p, fr[k].ts, fr[k].p, fr[k].len, &e) ==
			       0,
			   "%s", e.msg);
	FUZZ_CHECK(us_pcap_close(p, &e) == 0, "%s", e.msg);

	flen = lseek(fd, 0, SEEK_END);
	FUZZ_CHECK(flen >= 24, "%lld bytes", (long long)flen);
	file = malloc((size_t)flen);
	if (!file || pread(fd, file, (size_t)flen, 0) != flen)
		abort();
	FUZZ_CHECK(le32(file) == (nsec ? 0xa1b23c4du : 0xa1b2c3d4u), "magic");
	if (!snap)
		snap = 262144;
	FUZZ_CHECK(le32(file + 16) == snap, "snaplen %u", le32(file + 16));
	FUZZ_CHECK(le32(file + 20) == US_PCAP_LINKTYPE_ETHERNET, "linktype");
	for (size_t k = 0; k < nfr; k++) {
		uint32_t incl, orig, sec, sub;

		FUZZ_CHECK(pos + 16 <= (size_t)flen, "record %zu header", k);
		sec = le32(file + pos);
		sub = le32(file + pos + 4);
		incl = le32(file + pos + 8);
		orig = le32(file + pos + 12);
		FUZZ_CHECK(sec == fr[k].ts / 1000000000u, "sec");
		FUZZ_CHECK(sub == (nsec ? fr[k].ts % 1000000000u
					: fr[k].ts % 1000000000u / 1000u),
			   "subsec");
		FUZZ_CHECK(orig == fr[k].len, "orig %u", orig);
		FUZZ_CHECK(incl == (fr[k].len < snap ? fr[k].len : snap),
			   "incl %u", incl);
		FUZZ_CHECK(pos + 16 + incl <= (size_t)flen, "record %zu", k);
		FUZZ_CHECK(memcmp(file + pos + 16, fr[k].p, incl) == 0,
			   "bytes %zu", k);
		pos += 16 + incl;
	}
	FUZZ_CHECK(pos == (size_t)flen, "trailing bytes");
	free(file);
	close(fd);
	return 0;
}
