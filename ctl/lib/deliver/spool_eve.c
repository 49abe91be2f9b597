// SPDX-License-Identifier: GPL-2.0
/*
 * The spool over nfipsd's EVE log, until the store replaces it: nfipsd
 * numbers the records it writes (nfips.sequence, one counter per sensor
 * continued across restarts, assigned under the log's lock so the file
 * is in sequence order), so "the records after N" are a position in the
 * file. The spool keeps its own descriptor: when logrotate moves the log
 * away, it reads the moved file to its end before it opens the new one;
 * started anew, it looks in PATH.1 first. A line that is not a record
 * (the one a crash cut) is skipped. Only complete lines are read: the
 * record being written is taken on the next fetch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deliver.h"
#include "output/eve.h"

#define NCHECK 64		/* positions remembered for a resend */
#define CHUNK (1u << 20)

struct check {
	uint64_t after;		/* records from @off on are > after */
	off_t off;
	ino_t ino;
};

struct eve_spool {
	struct nfips_spool base;
	char *path, *prev;	/* PATH, PATH.1 */
	int fd;			/* -1: none open yet */
	ino_t ino;
	bool is_prev;		/* fd is PATH.1 (opened at start) */
	off_t pos;
	uint64_t pos_after;	/* every record before pos is <= this */
	struct check checks[NCHECK];
	unsigned int ncheck, next_check;
	char *buf;
	size_t bufcap;
};

void nfips_spool_batch_free(struct nfips_spool_batch *b)
{
	free(b->recs);
	nfips_sbuf_free(&b->text);
	memset(b, 0, sizeof(*b));
}

static void close_fd(struct eve_spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* From the oldest file: PATH.1 when it exists, else PATH. */
static int rewind_all(struct eve_spool *s)
{
	struct stat st;

	close_fd(s);
	s->fd = open(s->prev, O_RDONLY | O_CLOEXEC);
	s->is_prev = s->fd >= 0;
	if (s->fd < 0)
		s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(s->fd, &st)) {
		close_fd(s);
		return -errno;
	}
	s->ino = st.st_ino;
	s->pos = 0;
	s->pos_after = 0;
	s->ncheck = 0;
	return 0;
}

/*
 * At the end of the file read: when PATH is now another file (rotated,
 * or we were reading PATH.1), continue with it. 1: switched.
 */
static int next_file(struct eve_spool *s)
{
	struct stat st;
	int fd;

	if (stat(s->path, &st))
		return 0;
	if (s->fd >= 0 && st.st_ino == s->ino && !s->is_prev)
		return 0;
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (s->fd >= 0 && st.st_ino == s->ino) {	/* PATH.1 was renamed back? */
		close(fd);
		return 0;
	}
	close_fd(s);
	s->fd = fd;
	s->ino = st.st_ino;
	s->is_prev = false;
	s->pos = 0;
	return 1;
}

static void remember(struct eve_spool *s)
{
	struct check *c = &s->checks[s->next_check];

	c->after = s->pos_after;
	c->off = s->pos;
	c->ino = s->ino;
	s->next_check = (s->next_check + 1) % NCHECK;
	if (s->ncheck < NCHECK)
		s->ncheck++;
}

/* Back to a position at or before the records after @after. */
static int seek_to(struct eve_spool *s, uint64_t after)
{
	struct check *best = NULL;
	unsigned int i;

	for (i = 0; i < s->ncheck; i++) {
		struct check *c = &s->checks[i];

		if (c->ino == s->ino && c->after <= after && (!best || c->after > best->after))
			best = c;
	}
	if (best && s->fd >= 0) {
		s->pos = best->off;
		s->pos_after = best->after;
		return 0;
	}
	return rewind_all(s);
}

static int fetch(struct nfips_spool *base, uint64_t after, size_t max,
		 struct nfips_spool_batch *out, char *err, size_t errlen)
{
	struct eve_spool *s = (struct eve_spool *)base;
	size_t i;
	int ret;

	out->n = 0;
	nfips_sbuf_reset(&out->text);
	if (s->fd < 0 || after < s->pos_after) {
		ret = s->fd < 0 ? rewind_all(s) : seek_to(s, after);
		if (ret) {
			snprintf(err, errlen, "%s: %s", s->path, strerror(-ret));
			return ret;
		}
		if (s->fd < 0)
			return 0;	/* no log yet */
	}
	if (s->pos_after == after)
		remember(s);
	while (out->n < max) {
		ssize_t n = pread(s->fd, s->buf, s->bufcap, s->pos);
		size_t used = 0;
		char *nl;

		if (n < 0) {
			snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
			return -errno;
		}
		nl = n > 0 ? memchr(s->buf, '\n', (size_t)n) : NULL;
		if (!nl) {
			if ((size_t)n == s->bufcap) {	/* a line longer than the buffer */
				char *nb = realloc(s->buf, s->bufcap * 2);

				if (!nb) {
					snprintf(err, errlen, "out of memory");
					return -ENOMEM;
				}
				s->buf = nb;
				s->bufcap *= 2;
				continue;
			}
			/* The end of this file: the next one, or wait. */
			if (next_file(s))
				continue;
			break;
		}
		while (out->n < max && (nl = memchr(s->buf + used, '\n', (size_t)n - used))) {
			const char *line = s->buf + used;
			size_t len = (size_t)(nl - line);
			struct nfips_deliver_rec r;
			size_t off, digits;
			uint64_t seq;
			char why[128];

			used += len + 1;
			/*
			 * Records up to the cursor are skipped on the sequence
			 * alone: the first fetch after a start reads the log from
			 * its beginning. Past the cursor (after <= pos_after: what
			 * is read next is new) the parse below decides alone.
			 */
			if (len && after > s->pos_after &&
			    nfips_eve_sequence_span(line, len, &off, &digits) &&
			    strtoull(line + off, NULL, 10) <= (after > s->pos_after ? after :
								s->pos_after)) {
				seq = strtoull(line + off, NULL, 10);
				if (seq > s->pos_after)
					s->pos_after = seq;
				continue;
			}
			if (!len || nfips_deliver_record_parse(&r, line, len, why, sizeof(why)))
				continue;	/* a cut line: not a record */
			if (r.sequence <= after || r.sequence <= s->pos_after) {
				if (r.sequence > s->pos_after)
					s->pos_after = r.sequence;
				continue;
			}
			if (out->n == out->cap) {
				size_t cap = out->cap ? out->cap * 2 : 256;
				struct nfips_deliver_rec *nr = realloc(out->recs, cap * sizeof(*nr));

				if (!nr) {
					snprintf(err, errlen, "out of memory");
					return -ENOMEM;
				}
				out->recs = nr;
				out->cap = cap;
			}
			/* The text's offset for now: the buffer may move. */
			r.eve = (const char *)(uintptr_t)out->text.len;
			nfips_sbuf_add(&out->text, line, len);
			out->recs[out->n++] = r;
			s->pos_after = r.sequence;
		}
		s->pos += (off_t)used;
	}
	if (out->text.oom) {
		out->n = 0;
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < out->n; i++)
		out->recs[i].eve = out->text.s + (uintptr_t)out->recs[i].eve;
	return 0;
}

/*
 * The sequence of the last complete record of @path, 0: none. Read from
 * the field alone (nfips_eve_sequence_span): any line the log numbered
 * counts, whatever else it holds.
 */
static uint64_t tail_seq(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t off, digits, n;
	struct stat st;
	off_t from;
	ssize_t got;
	uint64_t seq = 0;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || st.st_size == 0)
		goto out;
	from = st.st_size > (off_t)cap ? st.st_size - (off_t)cap : 0;
	got = pread(fd, buf, cap, from);
	if (got <= 0)
		goto out;
	n = (size_t)got;
	/* Complete lines only, last first; the first may be cut by @from. */
	while (n) {
		char *end = memrchr(buf, '\n', n), *start;

		if (!end)
			break;
		start = memrchr(buf, '\n', (size_t)(end - buf));
		start = start ? start + 1 : buf;
		if (start == buf && from != 0)
			break;
		if (nfips_eve_sequence_span(start, (size_t)(end - start), &off, &digits)) {
			seq = strtoull(start + off, NULL, 10);
			break;
		}
		n = (size_t)(start - buf);
	}
out:
	close(fd);
	return seq;
}

static int last(struct nfips_spool *base, uint64_t *seq)
{
	struct eve_spool *s = (struct eve_spool *)base;

	*seq = tail_seq(s->path, s->buf, s->bufcap);
	if (!*seq)
		*seq = tail_seq(s->prev, s->buf, s->bufcap);
	return 0;
}

static void spool_close(struct nfips_spool *base)
{
	struct eve_spool *s = (struct eve_spool *)base;

	close_fd(s);
	free(s->buf);
	free(s->path);
	free(s->prev);
	free(s);
}

static const struct nfips_spool_ops eve_ops = {
	.fetch = fetch,
	.last = last,
	.close = spool_close,
};

struct nfips_spool *nfips_spool_eve_open(const char *path, char *err, size_t errlen)
{
	struct eve_spool *s = calloc(1, sizeof(*s));

	if (!s || !(s->path = strdup(path)) || asprintf(&s->prev, "%s.1", path) < 0 ||
	    !(s->buf = malloc(CHUNK))) {
		if (s) {
			free(s->path);
			free(s);
		}
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.ops = &eve_ops;
	s->fd = -1;
	s->bufcap = CHUNK;
	return &s->base;
}
