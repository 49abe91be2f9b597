// SPDX-License-Identifier: GPL-2.0
/*
 * A sender's status as "key=value" lines in STATE_DIR/NAME.status,
 * rewritten every second by its thread (temporary file and rename: a
 * reader never sees half of one). nfipsctl status reads them: the
 * daemon needs no socket for it and a status that stopped being
 * updated says so by its age.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver.h"

int nfips_status_write(const char *path, const struct nfips_sender_status *st)
{
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "name=%s\ntransport=%s\npeer=%s\nconnected=%d\ncursor=%" PRIu64
		"\nlast_seq=%" PRIu64 "\nbacklog=%" PRIu64 "\noldest=%" PRId64
		"\nlast_success=%" PRId64 "\nlast_error_time=%" PRId64
		"\nsent=%" PRIu64 "\nacked=%" PRIu64 "\nfailures=%" PRIu64
		"\nupdated=%" PRId64 "\nlast_error=",
		st->name, st->transport, st->peer, st->connected, st->cursor,
		st->last_seq, st->backlog, st->oldest, st->last_success,
		st->last_error_time, st->sent, st->acked, st->failures, st->updated);
	/* One line: a newline in an error would end the file's record. */
	for (const char *p = st->last_error; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, f);
	fputc('\n', f);
	if (fclose(f))
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* A field, cut to its buffer. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int nfips_status_read(const char *path, struct nfips_sender_status *st)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	long long v;
	unsigned long long u;
	int fields = 0;

	memset(st, 0, sizeof(*st));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "name=", 5))
			copy(st->name, sizeof(st->name), line + 5), fields++;
		else if (!strncmp(line, "transport=", 10))
			copy(st->transport, sizeof(st->transport), line + 10);
		else if (!strncmp(line, "peer=", 5))
			copy(st->peer, sizeof(st->peer), line + 5);
		else if (!strncmp(line, "last_error=", 11))
			copy(st->last_error, sizeof(st->last_error), line + 11);
		else if (sscanf(line, "connected=%lld", &v) == 1)
			st->connected = v != 0;
		else if (sscanf(line, "cursor=%llu", &u) == 1)
			st->cursor = u;
		else if (sscanf(line, "last_seq=%llu", &u) == 1)
			st->last_seq = u;
		else if (sscanf(line, "backlog=%llu", &u) == 1)
			st->backlog = u;
		else if (sscanf(line, "oldest=%lld", &v) == 1)
			st->oldest = v;
		else if (sscanf(line, "last_success=%lld", &v) == 1)
			st->last_success = v;
		else if (sscanf(line, "last_error_time=%lld", &v) == 1)
			st->last_error_time = v;
		else if (sscanf(line, "sent=%llu", &u) == 1)
			st->sent = u;
		else if (sscanf(line, "acked=%llu", &u) == 1)
			st->acked = u;
		else if (sscanf(line, "failures=%llu", &u) == 1)
			st->failures = u;
		else if (sscanf(line, "updated=%lld", &v) == 1)
			st->updated = v, fields++;
	}
	fclose(f);
	return fields == 2 ? 0 : -EINVAL;
}
