// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver's threads. Nothing here is on the packet path nor in the
 * store writer: the coordinator reads the alerts the writer committed
 * (alerts.id after its mark, on a connection of its own: WAL readers
 * never wait), so it costs the packet path nothing, and writes the names
 * in one short transaction per round, as nfipsctl's writes do.
 *
 *   coordinator  every interval: reads the new alerts (at most 65536 a
 *                round) and queues each address the cache says is due,
 *                then stores the results the lookups gave with its mark
 *                (meta "rdns_id") in one transaction, so a restart
 *                continues where the names end. Outstanding addresses (queued, in flight, not
 *                yet stored) are bounded by the queue size: beyond it an
 *                address is dropped (counted) and looked up the next time
 *                an alert names it.
 *   lookups      take an address when the rate allows one (a token bucket
 *                of rate per second), look it up (lookup.c, with its
 *                timeout) and hand the result back.
 *
 * Stopping never waits for a name server: the lookup threads are
 * detached and the shared state is freed by the last thread to leave, so
 * a lookup stuck on a server that never answers ends on its own and its
 * result is dropped.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rdns.h"
#include "store/store_int.h"	/* the schema version a connection found */

#define READ_ROWS	4096	/* alerts read per statement */
#define READ_MAX	16	/* statements per round: 65536 alerts a second */
#define START_BACK	(24 * 3600ll * 1000000)	/* no mark yet: the last day's */

struct nfips_rdns {
	struct nfips_rdns_cfg c;
	pthread_mutex_t lock;
	pthread_cond_t work;		/* lookups: an address queued, or stop */
	pthread_cond_t tick;		/* coordinator: stop */
	uint8_t (*q)[16];		/* ring of addresses to look up */
	size_t qhead, qcount;
	struct nfips_store_name *res;	/* results not yet stored */
	size_t nres;
	size_t outstanding;		/* queued + in flight + results */
	double tokens;
	int64_t tok_time;		/* monotonic usec */
	bool stop;
	unsigned refs;			/* threads and the owner */
	struct nfips_rdns_stats st;
	pthread_t coord;
	/* coordinator's own */
	struct nfips_store *s;
	ino_t ino;			/* the store file it opened */
	struct nfips_rdns_cache *cache;
	uint64_t mark;			/* alerts up to this id were read */
	struct nfips_store_name *batch;
};

static int64_t mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int64_t now_us(struct nfips_rdns *r)
{
	struct timespec t;

	if (r->c.clock)
		return r->c.clock(r->c.clock_arg);
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void say(struct nfips_rdns *r, const char *fmt, const char *what)
{
	char msg[640];

	if (!r->c.log)
		return;
	snprintf(msg, sizeof(msg), fmt, what);
	r->c.log(r->c.log_arg, msg);
}

static void unref(struct nfips_rdns *r)
{
	bool last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->tick);
	pthread_mutex_destroy(&r->lock);
	free(r->q);
	free(r->res);
	free(r->batch);
	free(r);
}

static void deadline(struct timespec *ts, int64_t usec)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += usec / 1000000;
	ts->tv_nsec += (long)(usec % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* ---- the lookups ---------------------------------------------------- */

/* Under the lock: an address to look up once the rate allows; false: stop. */
static bool take(struct nfips_rdns *r, uint8_t addr[16])
{
	struct timespec dl;

	for (;;) {
		int64_t now;

		if (r->stop)
			return false;
		if (!r->qcount) {
			pthread_cond_wait(&r->work, &r->lock);
			continue;
		}
		now = mono_us();
		r->tokens += (double)(now - r->tok_time) * r->c.rate / 1e6;
		if (r->tokens > r->c.rate)
			r->tokens = r->c.rate;
		r->tok_time = now;
		if (r->tokens < 1) {
			deadline(&dl, (int64_t)((1 - r->tokens) * 1e6 / r->c.rate) + 1);
			pthread_cond_timedwait(&r->work, &r->lock, &dl);
			continue;
		}
		r->tokens -= 1;
		memcpy(addr, r->q[(r->qhead + r->c.queue - r->qcount) % r->c.queue], 16);
		r->qcount--;
		return true;
	}
}

static void *lookup_main(void *arg)
{
	struct nfips_rdns *r = arg;
	struct nfips_store_name n;

	pthread_mutex_lock(&r->lock);
	while (take(r, n.addr)) {
		pthread_mutex_unlock(&r->lock);
		n.status = nfips_rdns_lookup(n.addr, r->c.timeout, n.name, sizeof(n.name));
		pthread_mutex_lock(&r->lock);
		if (r->stop)
			break;
		r->res[r->nres++] = n;
		switch (n.status) {
		case NFIPS_NAME_OK:
			r->st.confirmed++;
			break;
		case NFIPS_NAME_UNCONFIRMED:
			r->st.unconfirmed++;
			break;
		case NFIPS_NAME_NONE:
			r->st.none++;
			break;
		default:
			r->st.failed++;
		}
	}
	pthread_mutex_unlock(&r->lock);
	unref(r);
	return NULL;
}

/* ---- the coordinator ------------------------------------------------ */

/*
 * The writer creates and migrates the store; this connection only joins
 * one it finished (a reader's look first): were it to migrate a new file
 * itself, the writer's own migration of it would fail.
 */
static int open_store(struct nfips_rdns *r, char *err, size_t len)
{
	struct nfips_store_opts o = {
		.path = r->c.store_path,
		.trusted = true,
		.no_tracker = true,
		.readonly = true,
	};
	struct stat st;
	int64_t v;

	r->s = nfips_store_open(&o, err, len, NULL);
	if (r->s && r->s->version != NFIPS_STORE_VERSION) {
		snprintf(err, len, "%s: schema version %lld, not yet %d", r->c.store_path,
			 (long long)r->s->version, NFIPS_STORE_VERSION);
		nfips_store_close(r->s);
		r->s = NULL;
	}
	if (!r->s)
		return -1;
	nfips_store_close(r->s);
	o.readonly = false;
	r->s = nfips_store_open(&o, err, len, NULL);
	if (!r->s)
		return -1;
	r->ino = stat(r->c.store_path, &st) ? 0 : st.st_ino;
	if (nfips_store_meta_read(r->s, "rdns_id", &v) == 0)
		r->mark = (uint64_t)v;
	else
		r->mark = nfips_store_alert_id_at(r->s, now_us(r) - START_BACK) - 1;
	return 0;
}

/* The store file was moved aside (corrupt) and a new one started: follow. */
static void follow_store(struct nfips_rdns *r)
{
	char err[512];
	struct stat st;

	if (stat(r->c.store_path, &st) || (r->s && st.st_ino == r->ino))
		return;
	nfips_store_close(r->s);
	r->s = NULL;
	/* quietly: the writer may not have finished the new one yet */
	open_store(r, err, sizeof(err));
}

static int64_t expiry(struct nfips_rdns *r, int64_t at, int status)
{
	return at + (int64_t)(status <= NFIPS_NAME_UNCONFIRMED ? r->c.ttl : r->c.negative_ttl) *
		    1000000;
}

static int preload(void *arg, const struct nfips_store_name *n)
{
	struct nfips_rdns *r = arg;

	nfips_rdns_cache_set(r->cache, n->addr, expiry(r, n->checked, n->status));
	return 0;
}

/* The results so far and the mark, in one transaction. */
static void store_results(struct nfips_rdns *r, uint64_t mark_was)
{
	char err[512];
	int64_t now = now_us(r);
	size_t n, i;

	pthread_mutex_lock(&r->lock);
	n = r->nres;
	memcpy(r->batch, r->res, n * sizeof(*r->batch));
	pthread_mutex_unlock(&r->lock);
	if (!n && r->mark == mark_was)
		return;
	if (!r->s || nfips_store_names_put(r->s, r->batch, n, now, "rdns_id",
					   (int64_t)r->mark, err, sizeof(err))) {
		/* kept (bounded by the queue size): tried again next round */
		if (r->s)
			say(r, "reverse DNS: names not stored: %s", err);
		return;
	}
	for (i = 0; i < n; i++)
		nfips_rdns_cache_set(r->cache, r->batch[i].addr,
				     expiry(r, now, r->batch[i].status));
	pthread_mutex_lock(&r->lock);
	/* lookups may have added results meanwhile: keep those */
	memmove(r->res, r->res + n, (r->nres - n) * sizeof(*r->res));
	r->nres -= n;
	r->outstanding -= n;
	r->st.stored += n;
	pthread_mutex_unlock(&r->lock);
}

static void want(struct nfips_rdns *r, const uint8_t a[16], int64_t now)
{
	int rc;

	if (!nfips_rdns_wanted(a))
		return;
	rc = nfips_rdns_cache_claim(r->cache, a, now);
	if (!rc)
		return;
	pthread_mutex_lock(&r->lock);
	if (rc > 0 && r->outstanding < r->c.queue) {
		memcpy(r->q[r->qhead], a, 16);
		r->qhead = (r->qhead + 1) % r->c.queue;
		r->qcount++;
		r->outstanding++;
		r->st.queued++;
		pthread_cond_signal(&r->work);
		rc = 0;
	} else {
		r->st.dropped++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc > 0)
		nfips_rdns_cache_drop(r->cache, a);
}

struct read_ctx {
	struct nfips_rdns *r;
	int64_t now;
	unsigned rows;
};

static int on_alert(void *arg, const uint8_t src[16], const uint8_t dst[16])
{
	struct read_ctx *x = arg;

	x->rows++;
	want(x->r, src, x->now);
	if (x->r->c.destinations)
		want(x->r, dst, x->now);
	return 0;
}

static void *coord_main(void *arg)
{
	struct nfips_rdns *r = arg;
	struct timespec dl;
	bool stop = false;

	while (!stop) {
		uint64_t was = r->mark;
		struct read_ctx x = { r, now_us(r), READ_ROWS };
		int i;

		follow_store(r);
		/* a flood's alerts are read as fast as they come, in bounded rounds */
		for (i = 0; r->s && i < READ_MAX && x.rows == READ_ROWS; i++) {
			x.rows = 0;
			if (nfips_store_alert_addrs(r->s, r->mark, READ_ROWS, on_alert, &x,
						    &r->mark)) {
				say(r, "reverse DNS: reading the alerts: %s",
				    sqlite3_errmsg(r->s->db));
				break;
			}
		}
		store_results(r, was);
		pthread_mutex_lock(&r->lock);
		if (!r->stop) {
			deadline(&dl, (int64_t)r->c.interval_ms * 1000);
			pthread_cond_timedwait(&r->tick, &r->lock, &dl);
		}
		stop = r->stop;
		pthread_mutex_unlock(&r->lock);
	}
	/* what was found is kept */
	store_results(r, r->mark);
	return NULL;
}

struct nfips_rdns *nfips_rdns_start(const struct nfips_rdns_cfg *c, char *err, size_t len)
{
	struct nfips_rdns *r = calloc(1, sizeof(*r));
	uint32_t i;
	int rc;

	if (!r) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	r->c = *c;
	if (!r->c.threads)
		r->c.threads = 2;
	if (!r->c.rate)
		r->c.rate = 10;
	if (!r->c.timeout)
		r->c.timeout = 2;
	if (!r->c.queue)
		r->c.queue = 1024;
	if (!r->c.cache)
		r->c.cache = 65536;
	if (!r->c.ttl)
		r->c.ttl = 86400;
	if (!r->c.negative_ttl)
		r->c.negative_ttl = 3600;
	if (!r->c.interval_ms)
		r->c.interval_ms = 1000;
	r->q = calloc(r->c.queue, sizeof(*r->q));
	r->res = calloc(r->c.queue, sizeof(*r->res));
	r->batch = calloc(r->c.queue, sizeof(*r->batch));
	r->cache = nfips_rdns_cache_new(r->c.cache);
	if (!r->q || !r->res || !r->batch || !r->cache) {
		snprintf(err, len, "out of memory (reverse DNS queue of %u)", r->c.queue);
		goto fail;
	}
	if (open_store(r, err, len))
		goto fail;
	if (nfips_store_names_since(r->s, now_us(r) - (int64_t)r->c.ttl * 1000000, preload, r)) {
		snprintf(err, len, "%s: cannot read the names", r->c.store_path);
		goto fail;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->tick, NULL);
	r->tok_time = mono_us();
	r->tokens = 1;
	r->refs = 1;
	for (i = 0; i < r->c.threads; i++) {
		pthread_attr_t at;
		pthread_t t;

		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&r->lock);
		r->refs++;
		pthread_mutex_unlock(&r->lock);
		rc = pthread_create(&t, &at, lookup_main, r);
		pthread_attr_destroy(&at);
		if (rc) {
			pthread_mutex_lock(&r->lock);
			r->refs--;
			pthread_mutex_unlock(&r->lock);
			snprintf(err, len, "reverse DNS thread: %s", strerror(rc));
			goto stop;
		}
	}
	rc = pthread_create(&r->coord, NULL, coord_main, r);
	if (rc) {
		snprintf(err, len, "reverse DNS thread: %s", strerror(rc));
		goto stop;
	}
	return r;
stop:
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->lock);
	nfips_store_close(r->s);
	nfips_rdns_cache_free(r->cache);
	unref(r);
	return NULL;
fail:
	nfips_store_close(r->s);
	nfips_rdns_cache_free(r->cache);
	free(r->q);
	free(r->res);
	free(r->batch);
	free(r);
	return NULL;
}

void nfips_rdns_stats(struct nfips_rdns *r, struct nfips_rdns_stats *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->st;
	st->pending = r->outstanding;
	pthread_mutex_unlock(&r->lock);
}

void nfips_rdns_stop(struct nfips_rdns *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->work);
	pthread_cond_broadcast(&r->tick);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->coord, NULL);
	nfips_store_close(r->s);
	r->s = NULL;
	nfips_rdns_cache_free(r->cache);
	r->cache = NULL;
	unref(r);
}
