// SPDX-License-Identifier: GPL-2.0
/*
 * The EVE log. Every record is one line given to one write() on a file
 * opened O_APPEND, under one lock, straight from the thread that made it:
 * no stdio buffer and no queue in memory, so a crash (kill -9, OOM
 * killer) loses at most the record being written, and records of the
 * queue workers and the events thread never interleave. A short write
 * (disk full) is completed by further writes; if that fails the record is
 * counted lost and the line ended, so the next record starts a line.
 *
 * A write() of a regular file can stop short when the process is killed
 * (the kernel checks for a fatal signal between pages), so a crash can
 * leave the record being written cut in the middle: opening the log ends
 * such a line first, and the cut record is the only one lost.
 *
 * The log numbers the records it writes: nfips.sequence, one counter per
 * sensor, taken under the lock that orders the writes, so the file is
 * in sequence order (delivery's spool relies on it), and continued at
 * open from the last record of the file (or of FILE.1 after a rotation).
 * A cut record keeps its number: numbers are never given twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "deliver/deliver.h"
#include "output/eve.h"

#include "nfipsd.h"

struct nfipsd_evelog {
	pthread_mutex_t lock;
	char *path;
	int fd;
	uint64_t written, lost;
	uint64_t sequence;	/* the last given */
	bool partial;		/* the last record was cut: end its line first */
};

/* Opens for appending; a last line left without its '\n' is ended. */
static int open_log(const char *path)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	struct stat st;
	char last;

	if (fd < 0)
		return fd;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
	    write(fd, "\n", 1) != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The sequence of the last record of @path (or @path.1), 0: none. */
static uint64_t last_sequence(const char *path)
{
	char err[256], *prev;
	struct nfips_spool *sp = nfips_spool_eve_open(path, err, sizeof(err));
	uint64_t seq = 0;

	if (sp) {
		sp->ops->last(sp, &seq);
		sp->ops->close(sp);
	}
	if (!seq && asprintf(&prev, "%s.1", path) >= 0) {
		sp = nfips_spool_eve_open(prev, err, sizeof(err));
		if (sp) {
			sp->ops->last(sp, &seq);
			sp->ops->close(sp);
		}
		free(prev);
	}
	return seq;
}

struct nfipsd_evelog *nfipsd_evelog_open(const char *path, char *err,
					 size_t errlen)
{
	struct nfipsd_evelog *l = calloc(1, sizeof(*l));
	char *dir, *slash;

	if (!l || !(l->path = strdup(path))) {
		free(l);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->fd = open_log(path);
	if (l->fd < 0 && errno == ENOENT) {
		/* /var/log/nfips on a fresh install: create the last level. */
		dir = strdup(path);
		slash = dir ? strrchr(dir, '/') : NULL;
		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0750);
		}
		free(dir);
		l->fd = open_log(path);
	}
	if (l->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(l->path);
		free(l);
		return NULL;
	}
	l->sequence = last_sequence(path);
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * @rec with the next sequence number in place of the one it carries;
 * *@seq: that number (0: the record carries none).
 */
static int write_numbered(struct nfipsd_evelog *l, const char *rec, size_t len,
			  uint64_t *seq)
{
	size_t off, digits, done, i;
	char num[24];
	struct iovec iov[3];
	ssize_t n;

	*seq = 0;
	if (!nfips_eve_sequence_span(rec, len, &off, &digits))
		return write_all(l->fd, rec, len);
	*seq = ++l->sequence;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)*seq);
	iov[0] = (struct iovec){ (void *)rec, off };
	iov[1] = (struct iovec){ num, strlen(num) };
	iov[2] = (struct iovec){ (void *)(rec + off + digits), len - off - digits };
	do
		n = writev(l->fd, iov, 3);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* A short write (disk full, signal): the rest by write_all. */
	for (done = (size_t)n, i = 0; i < 3; i++) {
		if (done >= iov[i].iov_len) {
			done -= iov[i].iov_len;
			continue;
		}
		n = write_all(l->fd, (const char *)iov[i].iov_base + done,
			      iov[i].iov_len - done);
		if (n)
			return (int)n;
		done = 0;
	}
	return 0;
}

int nfipsd_evelog_write(struct nfipsd_evelog *l, const char *rec, size_t len,
			uint64_t *seq)
{
	uint64_t given = 0;
	int ret;

	pthread_mutex_lock(&l->lock);
	if (l->partial) {
		if (write_all(l->fd, "\n", 1)) {
			l->lost++;
			pthread_mutex_unlock(&l->lock);
			if (seq)
				*seq = 0;
			return -EIO;
		}
		l->partial = false;
	}
	ret = write_numbered(l, rec, len, &given);
	if (seq)
		*seq = ret ? 0 : given;	/* a cut record's number is nobody's */
	if (ret) {
		l->lost++;
		l->partial = true;
	} else {
		l->written++;
	}
	pthread_mutex_unlock(&l->lock);
	return ret;
}

int nfipsd_evelog_reopen(struct nfipsd_evelog *l)
{
	int fd = open_log(l->path), ret = 0;

	if (fd < 0)
		return -errno;
	pthread_mutex_lock(&l->lock);
	close(l->fd);
	l->fd = fd;
	l->partial = false;
	pthread_mutex_unlock(&l->lock);
	return ret;
}

void nfipsd_evelog_sequence_at_least(struct nfipsd_evelog *l, uint64_t seq)
{
	pthread_mutex_lock(&l->lock);
	if (l->sequence < seq)
		l->sequence = seq;
	pthread_mutex_unlock(&l->lock);
}

uint64_t nfipsd_evelog_written(struct nfipsd_evelog *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->lock);
	n = l->written;
	pthread_mutex_unlock(&l->lock);
	return n;
}

uint64_t nfipsd_evelog_lost(struct nfipsd_evelog *l)
{
	uint64_t n;

	pthread_mutex_lock(&l->lock);
	n = l->lost;
	pthread_mutex_unlock(&l->lock);
	return n;
}

void nfipsd_evelog_close(struct nfipsd_evelog *l)
{
	if (!l)
		return;
	close(l->fd);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
}
