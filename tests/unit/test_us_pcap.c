/* test_us_pcap.c — pcap files a reader accepts. */
#include "userspace/us_pcap.h"
#include "tests/support/runtime_dir.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void frame(uint8_t *f, size_t n, int i)
{
	memset(f, 0, n);
	memset(f, 0xff, 6);		 /* broadcast */
	f[6] = 0x02, f[11] = (uint8_t)i; /* local source MAC */
	f[12] = 0x88, f[13] = 0xb5;	 /* local experimental ethertype */
	for (size_t k = 14; k < n; k++)
		f[k] = (uint8_t)(k + (size_t)i);
}

static void write_file(const char *path, bool nsec, int count)
{
	struct lk_error e = {0};
	struct us_pcap *p;
	uint8_t f[1500];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0);
	cr_assert_eq(us_pcap_open(&p, fd, nsec, 0, &e), 0, "%s", e.msg);
	for (int i = 0; i < count; i++) {
		size_t n = 60 + (size_t)(i * 37) % 1440;

		frame(f, n, i);
		cr_assert_eq(us_pcap_write(p,
					   1700000000ull * 1000000000ull +
					       (uint64_t)i * 1234567,
					   f, n, &e),
			     0, "%s", e.msg);
	}
	cr_assert_eq(us_pcap_close(p, &e), 0, "%s", e.msg);
	close(fd);
}

Test(us_pcap, file_layout)
{
	char path[] = "/tmp/us_pcap_XXXXXX";
	int fd = mkstemp(path);
	uint32_t h[6], rec[4];
	FILE *fp;
	size_t total = 24;

	test_remove_at_exit(path);
	cr_assert_geq(fd, 0);
	close(fd);
	write_file(path, true, 200); /* > 64 KiB: buffer flushes midway */
	fp = fopen(path, "rb");
	cr_assert_not_null(fp);
	cr_assert_eq(fread(h, 4, 6, fp), 6);
	cr_assert_eq(h[0], 0xa1b23c4d);
	cr_assert_eq(h[1], 2 | (4u << 16));
	cr_assert_eq(h[5], 1); /* LINKTYPE_ETHERNET */
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(fread(rec, 4, 4, fp), 4, "record %d", i);
		cr_assert_eq(rec[2], 60 + (uint32_t)(i * 37) % 1440);
		cr_assert_eq(rec[2], rec[3]);
		cr_assert_lt(rec[1], 1000000000u);
		cr_assert_eq(fseek(fp, rec[2], SEEK_CUR), 0);
		total += 16 + rec[2];
	}
	cr_assert_eq(fgetc(fp), EOF);
	fclose(fp);
	unlink(path);
	cr_assert_gt(total, 64 * 1024);
}

Test(us_pcap, tcpdump_reads_it)
{
	char path[] = "/tmp/us_pcap_XXXXXX", cmd[256], line[512];
	int fd = mkstemp(path), lines = 0;
	FILE *fp;

	test_remove_at_exit(path);
	if (system("command -v tcpdump >/dev/null 2>&1") != 0)
		cr_skip_test("tcpdump is not installed");
	cr_assert_geq(fd, 0);
	close(fd);
	for (int nsec = 0; nsec < 2; nsec++) {
		write_file(path, nsec, 50);
		snprintf(cmd, sizeof(cmd), "tcpdump -nn -r %s 2>&1", path);
		fp = popen(cmd, "r");
		cr_assert_not_null(fp);
		lines = 0;
		while (fgets(line, sizeof(line), fp)) {
			cr_assert_null(strstr(line, "truncated"), "%s", line);
			if (strstr(line, "ethertype Unknown") ||
			    strstr(line, "0x88b5"))
				lines++;
		}
		cr_assert_eq(pclose(fp), 0);
		cr_assert_eq(lines, 50, "tcpdump saw %d frames", lines);
	}
	unlink(path);
}
