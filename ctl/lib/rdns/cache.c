// SPDX-License-Identifier: GPL-2.0
/*
 * The addresses the resolver knows (until a TTL) or is looking up. A
 * fixed table, four entries per set, keyed by SipHash under a random key
 * (the addresses are the attacker's: no chosen collisions): a new address
 * takes a free entry of its set, else the one expiring first that is not
 * pending. Memory stays what the configuration says whatever a flood of
 * spoofed sources brings; an address pushed out is only looked up again.
 */
#include <stdlib.h>
#include <string.h>

#include "rdns.h"
#include "util/util.h"

#define WAYS	4

struct ent {
	uint8_t addr[16];
	int64_t expires;		/* usec */
	bool used, pending;
};

struct nfips_rdns_cache {
	struct nfips_hkey key;
	struct ent *e;
	size_t sets;			/* a power of two */
};

struct nfips_rdns_cache *nfips_rdns_cache_new(uint32_t entries)
{
	struct nfips_rdns_cache *c = calloc(1, sizeof(*c));
	size_t sets = 4;

	if (!c)
		return NULL;
	while (sets * WAYS < entries)
		sets *= 2;
	c->sets = sets;
	c->e = calloc(sets * WAYS, sizeof(*c->e));
	if (!c->e) {
		free(c);
		return NULL;
	}
	nfips_hkey_random(&c->key);
	return c;
}

void nfips_rdns_cache_free(struct nfips_rdns_cache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

static struct ent *set_of(struct nfips_rdns_cache *c, const uint8_t addr[16])
{
	return c->e + (nfips_siphash(&c->key, addr, 16) & (c->sets - 1)) * WAYS;
}

static struct ent *find(struct nfips_rdns_cache *c, const uint8_t addr[16])
{
	struct ent *s = set_of(c, addr);
	int i;

	for (i = 0; i < WAYS; i++)
		if (s[i].used && !memcmp(s[i].addr, addr, 16))
			return &s[i];
	return NULL;
}

/* A free entry of @addr's set, else the non-pending one expiring first. */
static struct ent *room(struct nfips_rdns_cache *c, const uint8_t addr[16])
{
	struct ent *s = set_of(c, addr), *best = NULL;
	int i;

	for (i = 0; i < WAYS; i++) {
		if (!s[i].used)
			return &s[i];
		if (!s[i].pending && (!best || s[i].expires < best->expires))
			best = &s[i];
	}
	return best;
}

int nfips_rdns_cache_claim(struct nfips_rdns_cache *c, const uint8_t addr[16], int64_t now)
{
	struct ent *e = find(c, addr);

	if (e && (e->pending || e->expires > now))
		return 0;
	if (!e)
		e = room(c, addr);
	if (!e)
		return -1;
	memcpy(e->addr, addr, 16);
	e->used = e->pending = true;
	e->expires = 0;
	return 1;
}

void nfips_rdns_cache_set(struct nfips_rdns_cache *c, const uint8_t addr[16],
			  int64_t expires)
{
	struct ent *e = find(c, addr);

	if (!e)
		e = room(c, addr);
	if (!e)
		return;
	memcpy(e->addr, addr, 16);
	e->used = true;
	e->pending = false;
	e->expires = expires;
}

void nfips_rdns_cache_drop(struct nfips_rdns_cache *c, const uint8_t addr[16])
{
	struct ent *e = find(c, addr);

	if (e)
		memset(e, 0, sizeof(*e));
}
