/* SPDX-License-Identifier: GPL-2.0 */
/* What the tuning renderers share (tune.h is the public side). */
#ifndef NFIPS_TUNE_INT_H
#define NFIPS_TUNE_INT_H

#include "report/report.h"
#include "tune.h"

/* The words of the tuning report (lang.c). */
enum nfips_tune_word {
	TW_TITLE, TW_POLICY, TW_POLICY_LINE, TW_PERIOD_LINE, TW_ALERTS, TW_ALERTS_LINE,
	TW_SIGNATURES, TW_NOISIEST, TW_H_ALERTS, TW_H_SHARE, TW_H_SOURCES, TW_H_TARGETS,
	TW_H_HOURS, TW_H_HIGHEST, TW_H_HIGHEST_GRADE, TW_H_FP, TW_H_FALSE_POS,
	TW_H_SIGNATURE, TW_H_ID, TW_H_WHY, TW_H_COMMAND, TW_NONE, TW_MORE, TW_SEC_BLOCK,
	TW_SEC_UNAFFECTED, TW_SEC_NOISY, TW_SEC_SILENT, TW_CARD_BLOCK, TW_CARD_UNAFFECTED,
	TW_CARD_NOISY, TW_CARD_SILENT, TW_SUMMARY, TW_APPLY_TEXT, TW_APPLYING,
	TW_APPLY_HINT, TW_WHY_BLOCK, TW_WHY_ONLY_TARGET, TW_WHY_ALL_TARGETS, TW_WHY_NOISY,
	TW_WHY_FP, TW_NOT_GRADED, TW_WHY_SOME_TARGETS, TW_FIRST_64, TW_WHY_SILENT, TW_NWORDS,
};

/* @w in @lang (enum nfips_report_lang: en, ja). */
const char *nfips_tune_word(int lang, enum nfips_tune_word w);
#define TW(w)	nfips_tune_word(t->o.lang, (w))

/* Sections in the order shown: block, unaffected, noisy, silent. */
extern const enum nfips_tune_kind nfips_tune_order[NFIPS_TUNE_NKINDS];
const char *nfips_tune_section(int lang, enum nfips_tune_kind k);
/* Local "2026-12-06 09:00:00 JST", or UTC "2026-12-06T00:00:00Z". */
void nfips_tune_time(char *buf, size_t len, int64_t usec, bool utc);
/* @s single-quoted for sh when it needs quoting (model.c). */
void nfips_tune_shq(struct nfips_sbuf *b, const char *s);
/* The tune --apply line that repeats this period and serial. */
void nfips_tune_apply_command(const struct nfips_tune *t, struct nfips_sbuf *b);

#endif /* NFIPS_TUNE_INT_H */
