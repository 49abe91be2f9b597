/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reverse DNS of the alerts' addresses (Documentation/nfipsd.rst,
 * "Reverse DNS"): nfipsd looks up the sources (and destinations) of the
 * alerts the store holds, off the packet path and off the store writer,
 * and records each name with the time it was looked up in the store
 * (store.h, names), where reports read it. One concern per file:
 *
 *   lookup.c    one address: PTR through the system's resolver
 *               (getnameinfo, nsswitch), then the name forward-confirmed
 *               (getaddrinfo), each DNS query bounded by a timeout
 *   cache.c     addresses known or being looked up, bounded, with TTLs
 *   resolver.c  the threads: one reads the store's new alerts and writes
 *               the names, a few look up, at most N per second, through a
 *               bounded queue
 */
#ifndef NFIPS_RDNS_H
#define NFIPS_RDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Looks @addr (the store's 16 bytes) up: its PTR name into @name and
 * whether that name resolves back to it. Each DNS query waits at most
 * @timeout seconds per name server, one attempt (the calling thread's
 * resolver options are set for it). Returns an enum nfips_name_status;
 * @name is "" unless NFIPS_NAME_OK or NFIPS_NAME_UNCONFIRMED. Blocks:
 * never call it from the packet path.
 */
int nfips_rdns_lookup(const uint8_t addr[16], unsigned timeout, char *name, size_t len);
/* Worth a lookup: not unspecified, loopback, multicast or broadcast. */
bool nfips_rdns_wanted(const uint8_t addr[16]);

/* ---- the cache (cache.c): one thread's, no lock ---------------------- */

struct nfips_rdns_cache;

/* At most @entries addresses (rounded up to a power of two, at least 16). */
struct nfips_rdns_cache *nfips_rdns_cache_new(uint32_t entries);
void nfips_rdns_cache_free(struct nfips_rdns_cache *c);
/*
 * @addr at @now (usec): 1 it is due for a lookup, now marked pending; 0
 * known (not expired) or pending already; -1 no room (every entry of its
 * set pending).
 */
int nfips_rdns_cache_claim(struct nfips_rdns_cache *c, const uint8_t addr[16], int64_t now);
/* Known until @expires (usec); no longer pending. */
void nfips_rdns_cache_set(struct nfips_rdns_cache *c, const uint8_t addr[16],
			  int64_t expires);
/* Forgotten (its lookup was not queued after all). */
void nfips_rdns_cache_drop(struct nfips_rdns_cache *c, const uint8_t addr[16]);

/* ---- the resolver (resolver.c) --------------------------------------- */

struct nfips_rdns_cfg {
	const char *store_path;		/* the alert store (its own connections) */
	bool destinations;		/* the destinations too, not only sources */
	uint32_t threads;		/* lookups at a time; 0: 2 */
	uint32_t rate;			/* lookups (addresses) per second; 0: 10 */
	uint32_t timeout;		/* seconds per DNS query; 0: 2 */
	uint32_t queue;			/* addresses waiting or in flight; 0: 1024 */
	uint32_t cache;			/* addresses remembered; 0: 65536 */
	uint32_t ttl;			/* seconds a name is kept; 0: 86400 */
	uint32_t negative_ttl;		/* no name, or failed; 0: 3600 */
	uint32_t interval_ms;		/* the store read every; 0: 1000 */
	/* the time (usec) the names are recorded at; NULL: the real clock */
	int64_t (*clock)(void *arg);
	void *clock_arg;
	/* errors (the store not writable): the daemon logs them */
	void (*log)(void *arg, const char *msg);
	void *log_arg;
};

struct nfips_rdns_stats {
	uint64_t queued;		/* addresses handed to the lookups */
	uint64_t dropped;		/* not queued: the queue or cache full */
	uint64_t confirmed, unconfirmed, none, failed;	/* lookups' results */
	uint64_t stored;		/* results committed to the store */
	uint64_t pending;		/* queued, in flight or not yet stored */
};

struct nfips_rdns;

/* Opens its connection to the store, starts the threads. NULL: @err. */
struct nfips_rdns *nfips_rdns_start(const struct nfips_rdns_cfg *c, char *err, size_t len);
void nfips_rdns_stats(struct nfips_rdns *r, struct nfips_rdns_stats *st);
/*
 * Stores the results it has and stops at once: a lookup still waiting
 * for a server ends on its own later, its result dropped.
 */
void nfips_rdns_stop(struct nfips_rdns *r);

#endif /* NFIPS_RDNS_H */
