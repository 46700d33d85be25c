/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz.h — what every libFuzzer harness in tests/fuzz/ shares (mk/fuzz.mk,
 * `make fuzz`).  A harness checks memory safety (ASan, UBSan, LSan) and
 * the round trips and invariants it names; a broken invariant aborts.
 */
#ifndef LK_FUZZ_H
#define LK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (which may hold NULs: the text then ends
 * at the first, as a C string would). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "invariant: %s: ", #cond);             \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
