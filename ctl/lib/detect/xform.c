// SPDX-License-Identifier: GPL-2.0
/*
 * Transforms (xform.h). A new transform is an enum nfips_xform value
 * (rules/rule.h), its keyword in rules/rule_dns.c's table, and a case
 * below writing its output of at most @max bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "xform.h"

static bool reserve(struct nfips_xf_scratch *s, int k, uint64_t n)
{
	uint8_t *p;

	if (n <= s->cap[k])
		return true;
	if (n > UINT32_MAX / 2)
		return false;
	p = realloc(s->buf[k], (size_t)n);
	if (!p)
		return false;
	s->buf[k] = p;
	s->cap[k] = (uint32_t)n;
	return true;
}

bool nfips_xform_apply(const struct nfips_xforms *x, struct nfips_xf_scratch *s,
		       const uint8_t **data, uint32_t *len)
{
	const uint8_t *in = *data;
	uint32_t n = *len, i;
	int k = 0;

	for (i = 0; x && i < x->n; i++) {
		switch (x->op[i]) {
		case NFIPS_XF_DOTPREFIX:
			/* transform-dotprefix.c: an empty buffer stays empty */
			if (!n)
				continue;
			if (!reserve(s, k, (uint64_t)n + 1))
				return false;
			s->buf[k][0] = '.';
			memmove(s->buf[k] + 1, in, n);
			n++;
			break;
		default:
			return false;
		}
		in = s->buf[k];
		k ^= 1;		/* the next one reads this one */
	}
	*data = in;
	*len = n;
	return true;
}

void nfips_xf_scratch_free(struct nfips_xf_scratch *s)
{
	free(s->buf[0]);
	free(s->buf[1]);
	memset(s, 0, sizeof(*s));
}
