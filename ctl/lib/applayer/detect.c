// SPDX-License-Identifier: GPL-2.0
/*
 * Protocol detection by the first bytes of a direction, as Suricata 7's
 * pattern-based detection for HTTP/1 (applayer.h).
 */
#include <strings.h>

#include "applayer.h"

static const char *const methods[] = {
	"GET", "PUT", "POST", "HEAD", "TRACE", "OPTIONS", "CONNECT", "DELETE",
	"PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK",
	"UNLOCK", "CHECKOUT", "UNCHECKOUT", "CHECKIN", "UPDATE", "LABEL",
	"REPORT", "MKWORKSPACE", "MKACTIVITY", "MERGE", "INVALID",
	"VERSION-CONTROL", "BASELINE-CONTROL",
};

static const char *const versions[] = { "HTTP/0.9", "HTTP/1.0", "HTTP/1.1" };

static inline char up(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : (char)c;
}

/*
 * Does @d start with @pat (case-insensitive) followed by a blank when
 * @blank? 1 yes, 0 no, -1 @d is a strict prefix of it.
 */
static int starts(const uint8_t *d, uint32_t n, const char *pat, bool blank)
{
	uint32_t i;

	for (i = 0; pat[i]; i++) {
		if (i == n)
			return -1;
		if (up(d[i]) != pat[i])
			return 0;
	}
	if (!blank)
		return 1;
	if (i == n)
		return -1;
	return d[i] == ' ' || d[i] == '\t';
}

int nfips_app_detect_http(const uint8_t *d, uint32_t n, bool to_server)
{
	const char *const *pats = to_server ? methods : versions;
	size_t np = to_server ? sizeof(methods) / sizeof(methods[0]) :
				sizeof(versions) / sizeof(versions[0]);
	int r, res = 0;
	size_t i;

	for (i = 0; i < np; i++) {
		r = starts(d, n, pats[i], to_server);
		if (r == 1)
			return 1;
		if (r < 0)
			res = -1;
	}
	return res;
}
