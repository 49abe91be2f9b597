/* SPDX-License-Identifier: GPL-2.0 */
/* What the tuning renderers share (tune.h is the public side). */
#ifndef NFIPS_TUNE_INT_H
#define NFIPS_TUNE_INT_H

#include "tune.h"

/* Sections in the order shown: block, unaffected, noisy, silent. */
extern const enum nfips_tune_kind nfips_tune_order[NFIPS_TUNE_NKINDS];
const char *nfips_tune_section(enum nfips_tune_kind k);
/* Local "2026-12-06 09:00:00 JST", or UTC "2026-12-06T00:00:00Z". */
void nfips_tune_time(char *buf, size_t len, int64_t usec, bool utc);
/* @s single-quoted for sh when it needs quoting (model.c). */
void nfips_tune_shq(struct nfips_sbuf *b, const char *s);
/* The tune --apply line that repeats this period and serial. */
void nfips_tune_apply_command(const struct nfips_tune *t, struct nfips_sbuf *b);

#endif /* NFIPS_TUNE_INT_H */
