/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Suricata's transforms (detect-transform-*.c, transform-*.c) on an
 * inspection buffer: rule->xforms says which, in order; each one reads
 * the previous one's output. The output lives in a scratch owned by the
 * caller (one per engine: one thread), valid until the next apply.
 */
#ifndef NFIPS_XFORM_H
#define NFIPS_XFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/rule.h"

struct nfips_xf_scratch {
	uint8_t *buf[2];
	uint32_t cap[2];
};

/*
 * *data / *len become the transformed buffer; false when out of memory
 * (the buffer cannot be inspected).
 */
bool nfips_xform_apply(const struct nfips_xforms *x, struct nfips_xf_scratch *s,
		       const uint8_t **data, uint32_t *len);
void nfips_xf_scratch_free(struct nfips_xf_scratch *s);

#endif /* NFIPS_XFORM_H */
