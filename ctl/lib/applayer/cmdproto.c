// SPDX-License-Identifier: GPL-2.0
/*
 * FTP and SMTP command channels: detected as Suricata 7 detects them, by
 * patterns at the start of a direction (case-insensitive, any port), so
 * that "alert ftp" and "alert smtp" rules apply to the flows Suricata
 * labels so. ET Open's rules of these protocols inspect the payload
 * only: no parser, no transaction (Suricata's FTP and SMTP parsers never
 * stop payload inspection). What is not done (STARTTLS, AUTH TLS, the
 * FTP data channels, MIME): Documentation/replay.rst.
 *
 * FTP (app-layer-ftp.c FTPRegisterPatternsForProtocolDetection): the
 * client's "USER ", "PASS ", "PORT " or "FEAT", the server's "220 ("
 * (vsftpd's greeting; other servers' "220 " greetings are not FTP until
 * the client's command says so).
 * SMTP (app-layer-smtp.c): the client's "EHLO", "HELO" or "QUIT"; the
 * server's greeting never.
 */
#include "proto.h"

struct pat {
	const char *s;
	bool to_server;
};

static const struct pat ftp_pats[] = {
	{ "USER ", true }, { "PASS ", true }, { "PORT ", true }, { "FEAT", true },
	{ "220 (", false },
};

static const struct pat smtp_pats[] = {
	{ "EHLO", true }, { "HELO", true }, { "QUIT", true },
};

/* 1: @d starts with one of @pats of its direction, -1: a prefix of one, 0: neither. */
static int match(const struct pat *pats, unsigned int np, const uint8_t *d, uint32_t n,
		 bool to_server)
{
	unsigned int i;
	uint32_t k;
	int res = 0;

	for (i = 0; i < np; i++) {
		if (pats[i].to_server != to_server)
			continue;
		for (k = 0; pats[i].s[k] && k < n; k++)
			if ((d[k] >= 'a' && d[k] <= 'z' ? d[k] - 32 : d[k]) != pats[i].s[k])
				break;
		if (!pats[i].s[k])
			return 1;
		if (k == n)
			res = -1;
	}
	return res;
}

static int ftp_detect(const uint8_t *d, uint32_t n, bool to_server)
{
	return match(ftp_pats, sizeof(ftp_pats) / sizeof(ftp_pats[0]), d, n, to_server);
}

static int smtp_detect(const uint8_t *d, uint32_t n, bool to_server)
{
	return match(smtp_pats, sizeof(smtp_pats) / sizeof(smtp_pats[0]), d, n, to_server);
}

/* No parser state: the flow's protocol is all the engine needs. */
static char nothing;

static void *state_new(void *ctx)
{
	(void)ctx;
	return &nothing;
}

static void state_free(void *state)
{
	(void)state;
}

static void data(void *state, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	(void)state;
	(void)dir;
	(void)d;
	(void)n;
	(void)ts;
}

static uint32_t ready(void *state, int dir, bool eof, const struct nfips_tx *const **txs)
{
	(void)state;
	(void)dir;
	(void)eof;
	*txs = NULL;
	return 0;
}

const struct app_proto_ops app_ftp_ops = {
	.alproto = NFIPS_ALPROTO_FTP,
	.detect = ftp_detect,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.ready = ready,
};

const struct app_proto_ops app_smtp_ops = {
	.alproto = NFIPS_ALPROTO_SMTP,
	.detect = smtp_detect,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.ready = ready,
};
