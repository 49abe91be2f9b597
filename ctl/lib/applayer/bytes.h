/* SPDX-License-Identifier: GPL-2.0 */
/* A growable byte buffer of the protocol parsers; not a public API. */
#ifndef NFIPS_APP_BYTES_H
#define NFIPS_APP_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct bytes {
	uint8_t *p;
	uint32_t len, cap;
};

/* Appends @n bytes (none: nothing, p may stay NULL); -1 out of memory or too large. */
int bytes_add(struct bytes *b, const void *d, size_t n);
/*
 * As bytes_add, for a buffer that never holds more than @max bytes: its
 * allocation grows by doubling but never past @max (or what it holds).
 */
int bytes_add_max(struct bytes *b, const void *d, size_t n, uint32_t max);
/* Room for @n more bytes, allocated exactly if it must grow; -1 out of memory or too large. */
int bytes_reserve(struct bytes *b, size_t n);
void bytes_free(struct bytes *b);

#endif /* NFIPS_APP_BYTES_H */
