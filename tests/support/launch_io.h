/* launch_io.h — linkem-launch run in the background by a test: what it
 * prints gathered as it comes, its control socket, its end; and a raw
 * client of the control socket. */
#ifndef LK_TEST_LAUNCH_IO_H
#define LK_TEST_LAUNCH_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int out, err;	   /* -1 at their end */
	char *obuf, *ebuf; /* what it printed, NUL-terminated */
	size_t olen, elen;
	char sock[256]; /* its control socket, as it printed it */
	char dir[64];	/* removed by launch_free() when set */
	int status;	/* exit status, or 128+signal */
	bool hung;	/* launch_finish() had to SIGKILL it */
};

/* linkem-launch -n N ARGS... -- sh -c SCRIPT (args NULL-terminated, may
 * be NULL); waits (15 s) until it prints its control socket. */
void launch_start(struct launch *L, const char *n, const char *const *args,
		  const char *script);
/* Read what the launch prints for up to ms. */
void launch_pump(struct launch *L, int ms);
/* Pump until needle was printed (on stdout) at least times times. */
bool launch_wait_for(struct launch *L, const char *needle, int times,
		     double seconds);
/* Send sig (unless 0) and wait for the end (SIGKILL after seconds, and
 * L->hung is set); returns L->status. */
int launch_finish(struct launch *L, int sig, double seconds);
/* Close and free what L holds; remove L->dir if set. */
void launch_free(struct launch *L);

/* Connect to the control socket at path (asserts). */
int raw_connect(const char *path);
/* Send text (unless NULL), read one reply line within ms; NULL if none.
 * The line is in a static buffer. */
char *raw_call(int fd, const char *text, int ms);

#endif
