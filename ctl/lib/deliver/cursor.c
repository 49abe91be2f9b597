// SPDX-License-Identifier: GPL-2.0
/*
 * A collector's cursor: one decimal number and '\n' in a file rewritten
 * atomically (temporary file, fsync, rename, fsync of the directory), so
 * that after a crash or a power cut it says a sequence number the
 * collector did acknowledge: never one it did not (that would lose
 * records), at worst an older one (duplicates).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver.h"
#include "util/util.h"

int nfips_cursor_read(const char *path, uint64_t *seq)
{
	char buf[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*seq = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	errno = 0;
	*seq = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && strcmp(end, "\n")))
		return -EINVAL;
	return 0;
}

int nfips_cursor_write(const char *path, uint64_t seq)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", seq);

	return nfips_file_replace(path, buf, (size_t)len);
}
