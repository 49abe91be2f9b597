// SPDX-License-Identifier: GPL-2.0
/*
 * threshold and detection_filter, as Suricata 7 counts them
 * (detect-engine-threshold.c, ThresholdHandlePacket): per rule and per
 * source host (by_src), destination host (by_dst), host pair in either
 * order (by_both, Suricata's IPPair) or for the whole rule (by_rule).
 * A window starts at the first counted match and covers matches up to
 * and including start + seconds (packet time, microseconds).
 *
 *   limit N:      alert on the first N matches of a window;
 *   threshold N:  alert on every Nth match of a window (the count
 *                 restarts after each alert, the window does not);
 *   both N:       alert once, on the Nth match of a window;
 *   detection_filter N: alert on every match after the Nth of a window.
 *
 * An expired entry behaves exactly like a missing one, so entries past
 * their window are dropped whenever the table fills up.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define USEC	1000000ull

int thr_init(struct thr_table *t, uint32_t max)
{
	memset(t, 0, sizeof(*t));
	nfips_hkey_random(&t->key);
	t->max = max ? max : (1u << 20);
	return 0;
}

void thr_free(struct thr_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static uint64_t hash(const struct thr_table *t, uint32_t rule, uint8_t kind,
		     const uint8_t *a, const uint8_t *b)
{
	uint8_t k[37];

	memcpy(k, &rule, 4);
	k[4] = kind;
	memcpy(k + 5, a, 16);
	memcpy(k + 21, b, 16);
	return nfips_siphash(&t->key, k, sizeof(k));
}

static struct thr_entry *slot(struct thr_table *t, uint32_t rule, uint8_t kind,
			      const uint8_t *a, const uint8_t *b)
{
	uint32_t i = (uint32_t)hash(t, rule, kind, a, b) & (t->cap - 1);

	for (;; i = (i + 1) & (t->cap - 1)) {
		struct thr_entry *e = &t->v[i];

		if (!e->used || (e->rule == rule && e->kind == kind &&
				 !memcmp(e->a, a, 16) && !memcmp(e->b, b, 16)))
			return e;
	}
}

/* Moves the live entries (window not over at @now) into @cap slots. */
static int rehash(struct thr_table *t, uint32_t cap, uint64_t now)
{
	struct thr_entry *old = t->v;
	uint32_t oldcap = t->cap, i;

	t->v = calloc(cap, sizeof(*t->v));
	if (!t->v) {
		t->v = old;
		return -1;
	}
	t->cap = cap;
	t->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used || old[i].expires < now)
			continue;
		*slot(t, old[i].rule, old[i].kind, old[i].a, old[i].b) = old[i];
		t->n++;
	}
	free(old);
	return 0;
}

/* Room for one more entry: drop expired ones, grow up to max. */
static int make_room(struct thr_table *t, uint64_t now)
{
	uint32_t cap = t->cap ? t->cap : 1024;

	if (t->cap && (t->n + 1) * 4 <= t->cap * 3)
		return 0;
	if (t->cap && rehash(t, t->cap, now))
		return -1;
	while ((t->n + 1) * 4 > cap * 3 && cap * 2 <= t->max)
		cap *= 2;
	if (cap != t->cap && rehash(t, cap, now))
		return -1;
	return (t->n + 1) * 4 > t->cap * 3 ? -1 : 0;
}

static void addr_key(const struct nfips_pkt *p, const uint8_t *src, uint8_t out[16])
{
	memset(out, 0, 16);
	memcpy(out, src, p->family == 4 ? 4 : 16);
}

int thr_check(struct thr_table *t, uint32_t rule, const struct nfips_threshold *th,
	      const struct nfips_pkt *p)
{
	const uint64_t now = p->ts_usec, window = (uint64_t)th->seconds * USEC;
	uint8_t a[16], b[16] = { 0 };
	struct thr_entry *e;
	uint8_t kind;
	bool within;

	switch (th->track) {
	case NFIPS_TRACK_BY_SRC:
		addr_key(p, p->src, a);
		break;
	case NFIPS_TRACK_BY_DST:
		addr_key(p, p->dst, a);
		break;
	case NFIPS_TRACK_BY_BOTH:
		addr_key(p, p->src, a);
		addr_key(p, p->dst, b);
		if (memcmp(a, b, 16) > 0) {	/* the pair, not its direction */
			uint8_t x[16];

			memcpy(x, a, 16);
			memcpy(a, b, 16);
			memcpy(b, x, 16);
		}
		break;
	case NFIPS_TRACK_BY_RULE:
		memset(a, 0, 16);
		break;
	}
	/* Hosts of either family are distinct keys. */
	kind = (uint8_t)(th->track | (p->family == 6 ? 0x10 : 0));
	e = t->cap ? slot(t, rule, kind, a, b) : NULL;
	if (!e || !e->used) {
		/* A first match; threshold 1 needs no entry (nor does Suricata keep one). */
		bool hit = th->type == NFIPS_THR_LIMIT ||
			   (th->type != NFIPS_THR_DETECTION_FILTER && th->count == 1);

		if ((th->type == NFIPS_THR_THRESHOLD && th->count == 1) || make_room(t, now))
			return hit;	/* no room: decided as Suricata does without one */
		e = slot(t, rule, kind, a, b);
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->rule = rule;
		e->kind = kind;
		memcpy(e->a, a, 16);
		memcpy(e->b, b, 16);
		e->tv1 = now;
		e->expires = now + window;
		e->count = 1;
		t->n++;
		return hit;
	}
	within = now <= e->tv1 + window;
	if (!within) {
		e->tv1 = now;
		e->expires = now + window;
		e->count = 1;
		return th->type == NFIPS_THR_LIMIT ||
		       (th->type == NFIPS_THR_BOTH && th->count == 1);
	}
	e->count++;
	switch (th->type) {
	case NFIPS_THR_LIMIT:
		return e->count <= th->count ? 1 : 2;
	case NFIPS_THR_THRESHOLD:
		if (e->count >= th->count) {
			e->count = 0;
			return 1;
		}
		return 0;
	case NFIPS_THR_BOTH:
		return e->count == th->count ? 1 : e->count > th->count ? 2 : 0;
	case NFIPS_THR_DETECTION_FILTER:
		return e->count > th->count;
	}
	return 0;
}
