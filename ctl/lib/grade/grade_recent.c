// SPDX-License-Identifier: GPL-2.0
/*
 * The recent attacks: for each host that was the destination of an
 * alert of at least medium, the time and sid of its latest one, so that
 * an attack-response from it within the window escalates (grade.c).
 *
 * Memory is fixed when the table is made: a power of two of 32-byte
 * slots, at least the hosts asked for. A host lives in one of the
 * NEIGH slots that follow its hash (SipHash under a random key: a
 * sender cannot aim its hosts at one neighbourhood). A new host takes an
 * empty slot of its neighbourhood, else one whose attack is older than
 * the window (forgotten anyway), else the slot of the least recently
 * attacked host of the neighbourhood, which is counted as evicted: under
 * more attacked hosts than the table holds, those attacked longest ago
 * are forgotten first. Nothing is ever removed otherwise, so a lookup
 * only reads NEIGH slots. One mutex: nfipsd grades from several threads.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "grade_int.h"
#include "util/util.h"

#define NEIGH	8

struct slot {
	uint64_t last;		/* usec of the latest attack; 0: empty */
	uint32_t gid, sid;
	uint8_t family;
	uint8_t addr[16];
};

struct nfips_grade_memory {
	pthread_mutex_t lock;
	struct nfips_hkey key;
	struct slot *v;
	uint32_t mask;
	uint64_t used, evicted;
};

struct nfips_grade_memory *nfips_grade_memory_new(uint32_t hosts)
{
	struct nfips_grade_memory *m = calloc(1, sizeof(*m));
	uint32_t cap = NEIGH;

	if (!hosts)
		hosts = NFIPS_GRADE_HOSTS_DEFAULT;
	if (hosts > NFIPS_GRADE_HOSTS_MAX)
		hosts = NFIPS_GRADE_HOSTS_MAX;
	while (cap < hosts)
		cap <<= 1;
	if (!m || !(m->v = calloc(cap, sizeof(*m->v)))) {
		free(m);
		return NULL;
	}
	m->mask = cap - 1;
	nfips_hkey_random(&m->key);
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

void nfips_grade_memory_free(struct nfips_grade_memory *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m->v);
	free(m);
}

void nfips_grade_memory_stats(struct nfips_grade_memory *m,
			      struct nfips_grade_memory_stats *st)
{
	pthread_mutex_lock(&m->lock);
	st->hosts = m->used;
	st->capacity = (uint64_t)m->mask + 1;
	st->evicted = m->evicted;
	pthread_mutex_unlock(&m->lock);
}

static uint32_t home(const struct nfips_grade_memory *m, uint8_t family,
		     const uint8_t *addr)
{
	uint8_t k[17] = { family };

	memcpy(k + 1, addr, family == 6 ? 16 : 4);
	return (uint32_t)nfips_siphash(&m->key, k, sizeof(k)) & m->mask;
}

static bool same(const struct slot *s, uint8_t family, const uint8_t *addr)
{
	return s->last && s->family == family &&
	       !memcmp(s->addr, addr, family == 6 ? 16 : 4);
}

void grade_recent_add(struct nfips_grade_memory *m, uint8_t family,
		      const uint8_t *addr, uint64_t ts, uint64_t window,
		      uint32_t gid, uint32_t sid)
{
	struct slot *take = NULL, *s;
	uint32_t h, i;

	if (!ts)
		ts = 1;		/* 0 marks an empty slot */
	pthread_mutex_lock(&m->lock);
	h = home(m, family, addr);
	for (i = 0; i < NEIGH; i++) {
		s = &m->v[(h + i) & m->mask];
		if (same(s, family, addr)) {
			if (ts >= s->last) {
				s->last = ts;
				s->gid = gid;
				s->sid = sid;
			}
			goto out;
		}
		/* empty first, then the least recently attacked */
		if (!take || (take->last && s->last < take->last))
			take = s;
	}
	if (!take->last)
		m->used++;
	else if (take->last + window >= ts)
		m->evicted++;
	memset(take, 0, sizeof(*take));
	take->last = ts;
	take->gid = gid;
	take->sid = sid;
	take->family = family;
	memcpy(take->addr, addr, family == 6 ? 16 : 4);
out:
	pthread_mutex_unlock(&m->lock);
}

bool grade_recent_find(struct nfips_grade_memory *m, uint8_t family,
		       const uint8_t *addr, uint64_t ts, uint64_t window,
		       uint64_t *when, uint32_t *gid, uint32_t *sid)
{
	bool found = false;
	uint32_t h, i;

	pthread_mutex_lock(&m->lock);
	h = home(m, family, addr);
	for (i = 0; i < NEIGH; i++) {
		const struct slot *s = &m->v[(h + i) & m->mask];

		if (!same(s, family, addr))
			continue;
		if (s->last <= ts && ts - s->last <= window) {
			*when = s->last;
			*gid = s->gid;
			*sid = s->sid;
			found = true;
		}
		break;
	}
	pthread_mutex_unlock(&m->lock);
	return found;
}
