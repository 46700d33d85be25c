/* run.h — run a program for a test: capture its output, bound its time. */
#ifndef LK_TEST_RUN_H
#define LK_TEST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct run_result {
	char *out, *err; /* NUL-terminated */
	size_t out_len, err_len;
	int status;	 /* exit status, or 128+signal */
	bool timed_out;
	double seconds;
};

/* Run argv (argv[0] looked up in PATH) with extra environment entries
 * ("NAME=value", may be NULL).  Kills it after timeout_ms. */
int run_cmd(char *const argv[], char *const extra_env[], int timeout_ms,
	    struct run_result *r);
void run_result_free(struct run_result *r);

/* Start argv in the background with stdout and stderr to pipes; returns
 * the pid and the read end of stdout (stderr goes to *err_fd). */
pid_t spawn_cmd(char *const argv[], int *out_fd, int *err_fd);
/* The same, with signal ignore (if not 0) ignored in the program, as a
 * shell's background job has SIGINT ignored. */
pid_t spawn_cmd_ignoring(char *const argv[], int ignore, int *out_fd,
			 int *err_fd);

/* CLOCK_MONOTONIC in seconds. */
double now_s(void);
/* Append n bytes of data to the NUL-terminated *buf of *len bytes. */
void buf_append(char **buf, size_t *len, const char *data, size_t n);

/* Path of a built program: $LINKEM_BUILD/NAME (default build/NAME). */
const char *build_path(const char *name);

/* The network namespaces ("net:[N]") a launch uses: those of the
 * supervisor's descendants and those its descriptors hold. */
int launch_netns(pid_t supervisor, char (*out)[64], int max);
/* Is this namespace still held by any process or descriptor? */
bool netns_in_use(const char *ns);
/* Does text contain needle?  Shown in failure messages by the caller. */
bool has(const char *text, const char *needle);
/* How many times needle stands in text (overlapping ones too). */
int occurrences(const char *text, const char *needle);
/* Number of lines in text. */
int count_lines(const char *text);

#endif
