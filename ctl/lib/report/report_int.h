/* SPDX-License-Identifier: GPL-2.0 */
/* What the renderers share (report.h is the public side). */
#ifndef NFIPS_REPORT_INT_H
#define NFIPS_REPORT_INT_H

#include "report.h"

/* A word in the report's language (a renderer's @r in scope). */
#define W(w)	nfips_report_word(r->o.lang, (w))

/* "+12", "-3", "0" and, when @before is not 0, " (+50%)". */
void nfips_report_change(char *buf, size_t len, uint64_t now, uint64_t before);
/* @usec in the local zone with strftime's @fmt. */
void nfips_report_time(char *buf, size_t len, int64_t usec, const char *fmt);
/* "192.0.2.1", "192.0.2.1:80", "[2001:db8::1]:443" (@port with a port protocol). */
void nfips_report_addr(char *buf, size_t len, const uint8_t a[16], uint16_t port,
		       uint8_t proto);
/* "TCP", "UDP", "ICMP", else the number. */
const char *nfips_report_proto(uint8_t proto);
/* A top list line's label: kind 0 signature, 1-2 address, 3 port. */
void nfips_report_top_label(char *buf, size_t len, const struct nfips_report_top *t,
			    int kind);
/*
 * A top line's host name as the store recorded it: "name (2026-12-05)",
 * "name (unconfirmed, 2026-12-05)"; "" when none.
 */
void nfips_report_rdns(char *buf, size_t len, const struct nfips_report *r,
		       const struct nfips_report_top *t);
/* @s as paragraphs of at most @width columns (breaks at spaces, or anywhere in CJK). */
void nfips_report_wrap(struct nfips_sbuf *b, const char *s, size_t width);

/* ---- blocks (blocks.c) --------------------------------------------- */

/*
 * The blocks made in [r->start, r->end) or in force during it, from the
 * store's record of blocks and unblocks, into r->blocks. 0 or -1 (@err).
 */
int nfips_report_blocks(struct nfips_store *s, struct nfips_report *r, char *err,
			size_t errlen);
void nfips_report_blocks_free(struct nfips_report *r);
/* The state's word (in force, expired, unblocked, replaced). */
const char *nfips_report_block_state(enum nfips_report_lang l, int state);

/* ---- one pass over a period (scan.c) -------------------------------- */

enum nfips_report_top_kind { NFIPS_TOP_SIG, NFIPS_TOP_SRC, NFIPS_TOP_DST, NFIPS_TOP_PORT };

/* A raw alert (n = 1) or a daily aggregate (n alerts). */
struct nfips_report_row {
	uint32_t gid, sid;
	uint8_t src[16], dst[16];
	uint16_t dport;
	uint8_t proto;
	int grade;			/* -1: not graded */
	bool blocked;
	uint64_t n;
	int bucket;			/* histogram index, -1: none */
};

struct nfips_report_acc {
	struct nfips_report_totals t;
	uint64_t hist[31], hist_blocked[31];
	struct nfips_hkey hkey;
	void *tabs;			/* by enum nfips_report_top_kind */
};

struct nfips_report_acc *nfips_report_acc_new(void);
void nfips_report_acc_free(struct nfips_report_acc *a);
/* Counts @r everywhere. 0, or -1 out of memory. */
int nfips_report_acc_add(struct nfips_report_acc *a, const struct nfips_report_row *r);
/*
 * The first @limit of @kind, highest count first, into @l (gid/sid,
 * address or port set; signature messages not). Once per kind: the
 * table is consumed. 0 or -1.
 */
int nfips_report_acc_top(struct nfips_report_acc *a, enum nfips_report_top_kind kind,
			 size_t limit, struct nfips_report_list *l);

#endif /* NFIPS_REPORT_INT_H */
