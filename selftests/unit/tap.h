/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the unit tests: "ok N - name" / "not ok N - name". */
#ifndef NFIPS_TAP_H
#define NFIPS_TAP_H

#include <stdarg.h>
#include <stdio.h>

struct tap {
	int n;
	int failed;
};

__attribute__((format(printf, 3, 4)))
static inline int tap_ok(struct tap *t, int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!pass)
		t->failed++;
	return pass;
}

/* Diagnostics go to TAP comments so they never look like results. */
__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline int tap_done(struct tap *t)
{
	printf("1..%d\n", t->n);
	return t->failed ? 1 : 0;
}

#endif
