// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per collector. It reads the spool from its cursor, sends
 * each record as an RFC 5424 message, advances the cursor as the
 * collector acknowledges (deliver.h says what that means per transport)
 * and saves it: every 200 ms while records flow or once CURSOR_WINDOWS
 * windows more are acknowledged, whichever comes first, at once when the
 * spool is drained and everything is acknowledged, and at stop.
 * After any failure the connection is dropped and, after a backoff
 * (exponential from retry_min to retry_max, each delay drawn between
 * its half and itself so a fleet does not reconnect in step), sending
 * starts again from the cursor. Nothing here is shared with another
 * collector: a collector that hangs holds only its own thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "deliver_int.h"

#define STATUS_EVERY_MS 1000
#define CURSOR_EVERY_MS 200
/*
 * Duplicates after a crash are what was acknowledged since the cursor
 * was saved: bounded in records too, not only in time, however fast the
 * collector answers (4 windows: 4096 records by default, some 20 saves a
 * second at 100,000 alerts/s).
 */
#define CURSOR_WINDOWS 4
/*
 * How long a drained sender waits before looking for new records: at
 * 50,000 alerts/s, 20 ms let it fall behind for good (bench-deliver's
 * steady phase: 36,554/s, the last record 3.7 s late; with 2 ms it keeps
 * up, 0.2 s late); an idle look is a pread() and a stat() of the spool,
 * some 0.1% of a core at 500 a second.
 */
#define IDLE_POLL_MS 2
/*
 * Confirming (deliver_int.h) what the window has not yet answered costs
 * RELP a new session: it is done once the spool has been drained for
 * CONFIRM_IDLE_MS, or when the cursor has not moved for CONFIRM_MAX_MS
 * with records in flight (a trickle that never fills the window), not at
 * every poll that finds the spool drained: at a steady rate that was a
 * session per poll.
 */
#define CONFIRM_IDLE_MS 100
#define CONFIRM_MAX_MS 1000

struct inflight {
	uint64_t seq;
	int64_t sec;
};

struct nfips_sender {
	struct nfips_collector_cfg cfg;
	const struct nfips_transport_ops *ops;
	struct nfips_spool *spool;
	char *cursor_path, *status_path, *hostname;
	pthread_t thread;
	_Atomic bool stop;
	_Atomic bool done;
	pthread_mutex_t lock;
	struct nfips_sender_status st;	/* under lock */

	/* the thread's own */
	struct nfips_transport_conn *conn;
	uint64_t cursor, saved, sent_upto, conn_acked;
	struct inflight *fl;
	size_t fl_head, fl_count, fl_cap;
	unsigned int failures;
	int64_t next_try_ms, cursor_ms, status_ms;
	int64_t unconfirmed_ms;		/* in flight, the cursor still since then; 0: none */
	int64_t drained_ms;		/* since when the spool is drained, 0: not */
	unsigned int seed;
	struct nfips_spool_batch batch;
	struct nfips_sbuf msg;
	uint64_t oldest_for;		/* the cursor oldest was looked up for */
	int64_t oldest;
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static void set_error(struct nfips_sender *s, const char *msg)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->st.last_error, sizeof(s->st.last_error), "%.*s",
		 (int)sizeof(s->st.last_error) - 1, msg);
	s->st.last_error_time = time(NULL);
	s->st.failures++;
	pthread_mutex_unlock(&s->lock);
}

static void save_cursor(struct nfips_sender *s)
{
	char msg[512];
	int ret;

	if (s->saved == s->cursor)
		return;
	ret = nfips_cursor_write(s->cursor_path, s->cursor);
	if (ret) {
		snprintf(msg, sizeof(msg), "cursor %s: %s", s->cursor_path, strerror(-ret));
		set_error(s, msg);
		return;
	}
	s->saved = s->cursor;
	s->cursor_ms = now_ms();
}

static void acknowledged(struct nfips_sender *s, uint64_t n)
{
	uint64_t seq = s->cursor;

	while (n-- && s->fl_count) {
		seq = s->fl[s->fl_head].seq;
		s->fl_head = (s->fl_head + 1) % s->fl_cap;
		s->fl_count--;
	}
	if (seq != s->cursor) {
		pthread_mutex_lock(&s->lock);
		s->st.acked += seq - s->cursor;
		s->st.last_success = time(NULL);
		pthread_mutex_unlock(&s->lock);
		s->cursor = seq;
		/* What is still in flight waits from now (see CONFIRM_MAX_MS). */
		s->unconfirmed_ms = s->fl_count ? now_ms() : 0;
	}
}

static void update_acked(struct nfips_sender *s)
{
	uint64_t a = s->ops->acked(s->conn);

	if (a > s->conn_acked) {
		acknowledged(s, a - s->conn_acked);
		s->conn_acked = a;
	}
}

static int push_inflight(struct nfips_sender *s, const struct nfips_deliver_rec *r)
{
	if (s->fl_count == s->fl_cap) {
		size_t cap = s->fl_cap ? s->fl_cap * 2 : 1024, i;
		struct inflight *n = malloc(cap * sizeof(*n));

		if (!n)
			return -1;
		for (i = 0; i < s->fl_count; i++)
			n[i] = s->fl[(s->fl_head + i) % s->fl_cap];
		free(s->fl);
		s->fl = n;
		s->fl_cap = cap;
		s->fl_head = 0;
	}
	s->fl[(s->fl_head + s->fl_count) % s->fl_cap] = (struct inflight){ r->sequence, r->sec };
	s->fl_count++;
	return 0;
}

static void disconnect(struct nfips_sender *s, const char *why)
{
	int64_t delay;

	if (why)
		set_error(s, why);
	if (s->conn)
		s->ops->close(s->conn);
	s->conn = NULL;
	s->fl_count = 0;
	s->unconfirmed_ms = 0;
	s->sent_upto = s->cursor;
	save_cursor(s);
	s->failures++;
	delay = (int64_t)s->cfg.retry_min_ms << (s->failures > 20 ? 20 : s->failures - 1);
	if (delay > (int64_t)s->cfg.retry_max_ms)
		delay = s->cfg.retry_max_ms;
	delay = delay / 2 + (int64_t)(rand_r(&s->seed) % (unsigned int)(delay / 2 + 1));
	s->next_try_ms = now_ms() + delay;
	pthread_mutex_lock(&s->lock);
	s->st.connected = false;
	pthread_mutex_unlock(&s->lock);
}

/* The backlog for the status: count, and the oldest record's time. */
static void write_status(struct nfips_sender *s)
{
	struct nfips_sender_status st;
	uint64_t last = 0;
	char err[256];
	int ret;

	s->spool->ops->last(s->spool, &last);
	if (s->cursor != s->oldest_for || (!s->oldest && last > s->cursor)) {
		/* The first record after the cursor: in flight, or the spool's. */
		s->oldest = 0;
		if (s->fl_count) {
			s->oldest = s->fl[s->fl_head].sec;
		} else if (last > s->cursor && !s->spool->ops->fetch(s->spool, s->cursor, 1,
				&s->batch, err, sizeof(err)) && s->batch.n) {
			s->oldest = s->batch.recs[0].sec;
			s->sent_upto = s->cursor;	/* the spool is there now */
		}
		s->oldest_for = s->cursor;
	}
	pthread_mutex_lock(&s->lock);
	s->st.cursor = s->cursor;
	s->st.last_seq = last;
	s->st.backlog = last > s->cursor ? last - s->cursor : 0;
	s->st.oldest = s->st.backlog ? s->oldest : 0;
	s->st.updated = time(NULL);
	st = s->st;
	pthread_mutex_unlock(&s->lock);
	ret = nfips_status_write(s->status_path, &st);
	if (ret && ret != -ENOENT)
		fprintf(stderr, "nfipsd: warning: %s: %s\n", s->status_path, strerror(-ret));
	s->status_ms = now_ms();
}

/* Sends what the spool has after sent_upto; 0: nothing was there. */
static int send_batch(struct nfips_sender *s)
{
	char err[512];
	size_t i;

	if (s->spool->ops->fetch(s->spool, s->sent_upto, s->cfg.batch, &s->batch,
				 err, sizeof(err))) {
		set_error(s, err);
		sleep_ms(1000);
		return 0;
	}
	if (s->batch.n && s->ops->burst)
		s->ops->burst(s->conn, true);
	for (i = 0; i < s->batch.n && !atomic_load(&s->stop); i++) {
		const struct nfips_deliver_rec *r = &s->batch.recs[i];

		nfips_sbuf_reset(&s->msg);
		nfips_deliver_format(&s->msg, r, s->cfg.facility, s->hostname);
		if (s->msg.oom || push_inflight(s, r)) {
			disconnect(s, "out of memory");
			return 1;
		}
		if (s->ops->send(s->conn, s->msg.s, s->msg.len, err, sizeof(err))) {
			disconnect(s, err);
			return 1;
		}
		s->sent_upto = r->sequence;
		if (!s->unconfirmed_ms)
			s->unconfirmed_ms = now_ms();
		update_acked(s);
	}
	if (s->batch.n && s->ops->burst)
		s->ops->burst(s->conn, false);
	pthread_mutex_lock(&s->lock);
	s->st.sent += i;
	pthread_mutex_unlock(&s->lock);
	if (now_ms() - s->cursor_ms >= CURSOR_EVERY_MS ||
	    s->cursor - s->saved >= (uint64_t)CURSOR_WINDOWS * s->cfg.window)
		save_cursor(s);
	return s->batch.n > 0;
}

/* The spool is drained: have everything sent acknowledged. */
static void confirm(struct nfips_sender *s)
{
	char err[512];
	int ret;

	s->unconfirmed_ms = 0;
	if (!s->fl_count)
		return;
	ret = s->ops->confirm(s->conn, err, sizeof(err));
	if (ret < 0) {
		disconnect(s, err);
		return;
	}
	acknowledged(s, s->fl_count);
	s->conn_acked = s->ops->acked(s->conn);
	save_cursor(s);
	s->failures = 0;
	if (ret > 0)
		disconnect(s, err);
}

static void *run(void *arg)
{
	struct nfips_sender *s = arg;
	char err[512];
	int ret;

	ret = nfips_cursor_read(s->cursor_path, &s->cursor);
	if (ret) {
		snprintf(err, sizeof(err), "cursor %s: %s: sending everything again",
			 s->cursor_path, strerror(-ret));
		set_error(s, err);
		s->cursor = 0;
	}
	s->saved = s->cursor;
	s->sent_upto = s->cursor;
	s->oldest_for = UINT64_MAX;
	while (!atomic_load(&s->stop)) {
		int64_t now = now_ms();

		if (now - s->status_ms >= STATUS_EVERY_MS)
			write_status(s);
		if (!s->conn) {
			if (now < s->next_try_ms) {
				sleep_ms(s->next_try_ms - now < 100 ? s->next_try_ms - now : 100);
				continue;
			}
			if (s->ops->open(&s->cfg, &s->conn, err, sizeof(err))) {
				s->conn = NULL;
				disconnect(s, err);
				continue;
			}
			s->conn_acked = 0;
			s->fl_count = 0;
			s->sent_upto = s->cursor;
			pthread_mutex_lock(&s->lock);
			s->st.connected = true;
			pthread_mutex_unlock(&s->lock);
		}
		if (send_batch(s)) {
			s->drained_ms = 0;
			if (s->conn && s->unconfirmed_ms &&
			    now_ms() - s->unconfirmed_ms >= CONFIRM_MAX_MS)
				confirm(s);
			continue;
		}
		now = now_ms();
		if (!s->drained_ms)
			s->drained_ms = now;
		if (s->conn && (now - s->drained_ms >= CONFIRM_IDLE_MS ||
				(s->unconfirmed_ms && now - s->unconfirmed_ms >= CONFIRM_MAX_MS)))
			confirm(s);
		if (s->conn && !s->fl_count)
			s->failures = 0;
		sleep_ms(IDLE_POLL_MS);
	}
	if (s->conn) {
		/* A clean stop: what was sent is acknowledged if it can be. */
		if (s->fl_count)
			confirm(s);
		if (s->conn)
			s->ops->close(s->conn);
		s->conn = NULL;
	}
	save_cursor(s);
	pthread_mutex_lock(&s->lock);
	s->st.connected = false;
	pthread_mutex_unlock(&s->lock);
	write_status(s);
	atomic_store(&s->done, true);
	return NULL;
}

static void cfg_free(struct nfips_collector_cfg *c)
{
	free(c->name);
	free(c->host);
	free(c->ca);
	free(c->cert);
	free(c->key);
	free(c->server_name);
}

static char *dup0(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static void sender_free(struct nfips_sender *s)
{
	if (s->spool)
		s->spool->ops->close(s->spool);
	cfg_free(&s->cfg);
	free(s->cursor_path);
	free(s->status_path);
	free(s->hostname);
	free(s->fl);
	nfips_spool_batch_free(&s->batch);
	nfips_sbuf_free(&s->msg);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const char *transport_name(enum nfips_transport t)
{
	return t == NFIPS_TRANSPORT_RELP ? "relp" : t == NFIPS_TRANSPORT_TLS ? "tls" : "tcp";
}

struct nfips_sender *nfips_sender_start(const struct nfips_collector_cfg *cfg,
					struct nfips_spool *spool,
					const char *state_dir, const char *hostname,
					char *err, size_t errlen)
{
	struct nfips_sender *s = calloc(1, sizeof(*s));
	bool oom = false;
	const char *p;

	if (!s) {
		spool->ops->close(spool);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->spool = spool;
	for (p = cfg->name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			break;
	if (!cfg->name[0] || *p || cfg->name[0] == '.' || strlen(cfg->name) >= sizeof(s->st.name)) {
		snprintf(err, errlen, "collector name \"%s\": letters, digits, '_', '-', "
			 "'.' only, not first, at most 63", cfg->name);
		sender_free(s);
		return NULL;
	}
	if (cfg->transport == NFIPS_TRANSPORT_TLS && !cfg->ca) {
		snprintf(err, errlen, "collector %s: TLS needs a CA (\"ca\")", cfg->name);
		sender_free(s);
		return NULL;
	}
	s->cfg = *cfg;
	s->cfg.name = dup0(cfg->name, &oom);
	s->cfg.host = dup0(cfg->host, &oom);
	s->cfg.ca = dup0(cfg->ca, &oom);
	s->cfg.cert = dup0(cfg->cert, &oom);
	s->cfg.key = dup0(cfg->key, &oom);
	s->cfg.server_name = dup0(cfg->server_name, &oom);
	s->hostname = dup0(hostname ? hostname : "", &oom);
	if (!s->cfg.timeout)
		s->cfg.timeout = 10;
	if (s->cfg.window < 2)
		s->cfg.window = 1024;
	if (!s->cfg.batch)
		s->cfg.batch = 1024;
	if (!s->cfg.retry_min_ms)
		s->cfg.retry_min_ms = 500;
	if (s->cfg.retry_max_ms < s->cfg.retry_min_ms)
		s->cfg.retry_max_ms = s->cfg.retry_min_ms > 60000 ? s->cfg.retry_min_ms : 60000;
	s->ops = cfg->transport == NFIPS_TRANSPORT_RELP ? &nfips_transport_relp_ops :
		 &nfips_transport_stream_ops;
	mkdir(state_dir, 0750);
	if (oom || asprintf(&s->cursor_path, "%s/%s.cursor", state_dir, cfg->name) < 0 ||
	    asprintf(&s->status_path, "%s/%s.status", state_dir, cfg->name) < 0) {
		snprintf(err, errlen, "out of memory");
		sender_free(s);
		return NULL;
	}
	snprintf(s->st.name, sizeof(s->st.name), "%s", cfg->name);
	snprintf(s->st.transport, sizeof(s->st.transport), "%s", transport_name(cfg->transport));
	snprintf(s->st.peer, sizeof(s->st.peer), "%s:%u", cfg->host, cfg->port);
	s->seed = (unsigned int)time(NULL) ^ (unsigned int)getpid() ^ (unsigned int)(uintptr_t)s;
	if (pthread_create(&s->thread, NULL, run, s)) {
		snprintf(err, errlen, "collector %s: cannot start a thread", cfg->name);
		sender_free(s);
		return NULL;
	}
	return s;
}

void nfips_sender_status(struct nfips_sender *s, struct nfips_sender_status *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	pthread_mutex_unlock(&s->lock);
}

void nfips_sender_request_stop(struct nfips_sender *s)
{
	if (s)
		atomic_store(&s->stop, true);
}

void nfips_sender_stop(struct nfips_sender *s)
{
	int i;

	if (!s)
		return;
	atomic_store(&s->stop, true);
	/* A collector that hangs holds the thread up to its timeout: not us. */
	for (i = 0; i < 200 && !atomic_load(&s->done); i++)
		sleep_ms(10);
	if (!atomic_load(&s->done)) {
		pthread_detach(s->thread);
		return;		/* left to the process's exit; its cursor is saved */
	}
	pthread_join(s->thread, NULL);
	sender_free(s);
}
