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
/* @s as paragraphs of at most @width columns (breaks at spaces, or anywhere in CJK). */
void nfips_report_wrap(struct nfips_sbuf *b, const char *s, size_t width);

#endif /* NFIPS_REPORT_INT_H */
