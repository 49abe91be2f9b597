// SPDX-License-Identifier: GPL-2.0
/*
 * One pass over a period's alerts: every figure of a report (totals,
 * the four top lists, the histogram) is counted from each row as it is
 * read, instead of one grouping statement per figure over the same
 * million rows. Counting tables are keyed by what the alerts carry
 * (addresses an attacker chooses), so they hash with SipHash under a
 * random key, as every packet-keyed table of nfips does.
 */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

struct acc_ent {
	uint8_t key[16];
	uint64_t n, blocked;
	bool used;
};

struct acc_tab {
	struct acc_ent *v;
	size_t n, cap;
};

static int tab_add(struct nfips_report_acc *a, struct acc_tab *t, const uint8_t key[16],
		   uint64_t n, bool blocked)
{
	size_t h, i;

	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct acc_ent *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (i = 0; i < t->cap; i++) {
			if (!t->v[i].used)
				continue;
			h = nfips_siphash(&a->hkey, t->v[i].key, 16) & (cap - 1);
			while (v[h].used)
				h = (h + 1) & (cap - 1);
			v[h] = t->v[i];
		}
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	h = nfips_siphash(&a->hkey, key, 16) & (t->cap - 1);
	while (t->v[h].used && memcmp(t->v[h].key, key, 16))
		h = (h + 1) & (t->cap - 1);
	if (!t->v[h].used) {
		t->v[h].used = true;
		memcpy(t->v[h].key, key, 16);
		t->n++;
	}
	t->v[h].n += n;
	if (blocked)
		t->v[h].blocked += n;
	return 0;
}

static void put_be(uint8_t *p, uint32_t v, int n)
{
	while (n--)
		*p++ = (uint8_t)(v >> (8 * n));
}

static uint32_t get_be(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

struct nfips_report_acc *nfips_report_acc_new(void)
{
	struct nfips_report_acc *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->tabs = calloc(4, sizeof(struct acc_tab));
	if (!a->tabs) {
		free(a);
		return NULL;
	}
	nfips_hkey_random(&a->hkey);
	return a;
}

void nfips_report_acc_free(struct nfips_report_acc *a)
{
	struct acc_tab *t;
	int i;

	if (!a)
		return;
	t = a->tabs;
	for (i = 0; i < 4; i++)
		free(t[i].v);
	free(a->tabs);
	free(a);
}

int nfips_report_acc_add(struct nfips_report_acc *a, const struct nfips_report_row *r)
{
	struct acc_tab *t = a->tabs;
	uint8_t k[16] = { 0 };
	int g = r->grade < -1 || r->grade > 4 ? -1 : r->grade;

	a->t.by_grade[g + 1][r->blocked] += r->n;
	a->t.n += r->n;
	if (r->blocked)
		a->t.blocked += r->n;
	else
		a->t.alerted += r->n;
	if (r->bucket >= 0 && r->bucket < 31) {
		a->hist[r->bucket] += r->n;
		if (r->blocked)
			a->hist_blocked[r->bucket] += r->n;
	}
	/* big-endian: ties sort by number */
	put_be(k, r->gid, 4);
	put_be(k + 4, r->sid, 4);
	if (tab_add(a, &t[NFIPS_TOP_SIG], k, r->n, r->blocked) ||
	    tab_add(a, &t[NFIPS_TOP_SRC], r->src, r->n, r->blocked) ||
	    tab_add(a, &t[NFIPS_TOP_DST], r->dst, r->n, r->blocked))
		return -1;
	/* ports mean something for these: TCP, UDP, SCTP */
	if (r->proto != 6 && r->proto != 17 && r->proto != 132)
		return 0;
	memset(k, 0, sizeof(k));
	k[0] = r->proto;
	put_be(k + 1, r->dport, 2);
	return tab_add(a, &t[NFIPS_TOP_PORT], k, r->n, r->blocked);
}

/* Highest count first; ties by key, so that a report is the same each time. */
static int cmp_ent(const void *pa, const void *pb)
{
	const struct acc_ent *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return memcmp(a->key, b->key, 16);
}

int nfips_report_acc_top(struct nfips_report_acc *a, enum nfips_report_top_kind kind,
			 size_t limit, struct nfips_report_list *l)
{
	struct acc_tab *t = &((struct acc_tab *)a->tabs)[kind];
	size_t i, n = 0;

	/* the used entries to the front, then sorted */
	for (i = 0; i < t->cap; i++)
		if (t->v[i].used)
			t->v[n++] = t->v[i];
	for (i = n; i < t->cap; i++)
		t->v[i].used = false;
	qsort(t->v, n, sizeof(*t->v), cmp_ent);
	/* the table is no longer hashed: rebuilding is the caller's, never done */
	t->n = 0;
	t->cap = 0;
	if (n > limit)
		n = limit;
	l->v = calloc(n + 1, sizeof(*l->v));
	if (!l->v) {
		free(t->v);
		t->v = NULL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct nfips_report_top *o = &l->v[i];
		const struct acc_ent *e = &t->v[i];

		switch (kind) {
		case NFIPS_TOP_SIG:
			o->gid = (uint32_t)get_be(e->key, 4);
			o->sid = (uint32_t)get_be(e->key + 4, 4);
			break;
		case NFIPS_TOP_SRC:
		case NFIPS_TOP_DST:
			memcpy(o->addr, e->key, 16);
			break;
		case NFIPS_TOP_PORT:
			o->proto = e->key[0];
			o->port = (uint16_t)get_be(e->key + 1, 2);
			break;
		}
		o->n = e->n;
		o->blocked = e->blocked;
	}
	l->n = n;
	free(t->v);
	t->v = NULL;
	return 0;
}
