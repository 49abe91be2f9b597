// SPDX-License-Identifier: GPL-2.0
/* A growable byte buffer (bytes.h), shared by the protocol parsers. */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

int bytes_add_max(struct bytes *b, const void *d, size_t n, uint32_t max)
{
	if (!n)
		return 0;
	if ((size_t)b->len + n > UINT32_MAX / 2)
		return -1;
	if (b->len + n > b->cap) {
		uint32_t cap = (uint32_t)(b->len + n) * 2;
		uint8_t *p;

		if (cap > max)
			cap = max > b->len + n ? max : (uint32_t)(b->len + n);
		p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += (uint32_t)n;
	return 0;
}

int bytes_add(struct bytes *b, const void *d, size_t n)
{
	return bytes_add_max(b, d, n, UINT32_MAX);
}

void bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
