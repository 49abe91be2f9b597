// SPDX-License-Identifier: GPL-2.0
/*
 * Application-layer signatures on one transaction, as Suricata 7's
 * stateful detection inspects them (detect-engine.c): every buffer the
 * rule uses must exist in the transaction and match its own list of
 * payload keywords (relative ones chain within a buffer only), and its
 * length tests (bsize, urilen) must hold. A buffer the transaction does
 * not have fails the rule, negated contents included, as Suricata's
 * inspection engines return no match for a missing buffer.
 */
#include "engine_int.h"

static bool checks_ok(const struct nfips_rule *r, uint32_t buf, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < r->nbufchk; i++)
		if (r->bufchk[i].buf == buf && !nfips_cmp_u32(&r->bufchk[i].cmp, len))
			return false;
	return true;
}

bool app_tx_match(struct nfips_engine *e, const struct sig *s, const struct nfips_tx *tx)
{
	const struct nfips_rule *r = s->r;
	uint32_t id;

	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		struct nfips_buf b = { .buf_id = id };

		if (!(r->bufs & (1ull << id)))
			continue;
		if (!tx->get(tx, id, &b.data, &b.len))
			return false;
		if (!b.data)
			b.data = (const uint8_t *)"";
		if (!checks_ok(r, id, b.len))
			return false;
		if (nfips_eval_payload(e->ev, r, &b) != 1)
			return false;
	}
	return true;
}
