// SPDX-License-Identifier: GPL-2.0
/*
 * A transaction side's detection state (struct nfips_txdet), freed by the
 * parsers that own it: a file of its own so that they, and their unit
 * tests, need nothing else of the engine.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void app_memo_free(struct nfips_txmemo *m)
{
	if (!m)
		return;
	free(m->p);
	free(m->paid);
	free(m);
}

void nfips_txdet_free(struct nfips_txdet *d)
{
	struct nfips_txpf *pf, *next;

	if (!d)
		return;
	free(d->done);
	app_memo_free(d->memo);
	for (pf = d->pf; pf; pf = next) {
		next = pf->next;
		free(pf->pat);
		free(pf);
	}
	memset(d, 0, sizeof(*d));
}
