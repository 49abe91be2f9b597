// SPDX-License-Identifier: GPL-2.0
/*
 * The SSH parser (ctl/lib/applayer/ssh.c), built from its source with the
 * sanitizers: banners and records are attacker input. A session cut at
 * every byte (and into every 2-piece and 3-byte split) gives the same
 * buffers and the same end of payload inspection as whole; banners as
 * Suricata 7 reads them (its differential test is selftests/replay/
 * ssh_cases.py); a banner line that never ends is bounded; random
 * corruption of a session neither crashes nor reads out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/proto.h"
#include "tap.h"
#include "util/util.h"

static struct tap T;

static const char CLI[] = "SSH-2.0-PuTTY_Release_0.78 comment\r\n";
static const char SRV[] = "SSH-1.99-OpenSSH_3.5p1 FreeBSD-200\r\n";

/* A binary packet of @msg with @n bytes of payload and 4 of padding. */
static uint32_t record(uint8_t *out, uint8_t msg, uint32_t n)
{
	uint32_t len = 2 + n + 4;

	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	out[4] = 4;
	out[5] = msg;
	memset(out + 6, 'k', n + 4);
	return 4 + len;
}

/* The client's session: banner, KEXINIT (20), NEWKEYS (21). */
static uint32_t client_session(uint8_t *out)
{
	uint32_t n = (uint32_t)strlen(CLI);

	memcpy(out, CLI, n);
	n += record(out + n, 20, 300);
	n += record(out + n, 21, 0);
	return n;
}

static bool buf_is(const struct nfips_tx *tx, uint32_t id, const char *want)
{
	const uint8_t *d;
	uint32_t n;

	if (!tx->get(tx, id, &d, &n))
		return !want;
	return want && n == strlen(want) && !memcmp(d, want, n);
}

/* The client's side once ready; NULL when it is not. */
static const struct nfips_tx *side(void *s, int dir)
{
	const struct nfips_tx *const *txs;

	return app_ssh_ops.ready(s, dir, false, &txs) == 1 ? txs[0] : NULL;
}

/* Feeds @d cut at @cut1 and @cut2 (if inside) to direction 0. */
static void *run(const uint8_t *d, uint32_t n, uint32_t cut1, uint32_t cut2)
{
	void *s = app_ssh_ops.state_new(NULL);
	const uint8_t *srv_nk;
	uint8_t nk[16];
	uint32_t k;

	if (!s)
		abort();
	app_ssh_ops.data(s, 1, (const uint8_t *)SRV, (uint32_t)strlen(SRV), 0);
	k = record(nk, 21, 0);
	srv_nk = nk;
	if (cut1 > n)
		cut1 = n;
	if (cut2 > n || cut2 < cut1)
		cut2 = cut1;
	app_ssh_ops.data(s, 0, d, cut1, 0);
	app_ssh_ops.data(s, 0, d + cut1, cut2 - cut1, 0);
	app_ssh_ops.data(s, 0, d + cut2, n - cut2, 0);
	app_ssh_ops.data(s, 1, srv_nk, k, 0);
	return s;
}

static void splits(void)
{
	uint8_t d[1024];
	uint32_t n = client_session(d), i, j, bad = 0;

	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j += (i % 7) ? n : 3) {
			void *s = run(d, n, i, j);
			const struct nfips_tx *c = side(s, 0), *v = side(s, 1);

			if (!c || !v || !buf_is(c, NFIPS_BUF_SSH_PROTO, "2.0") ||
			    !buf_is(c, NFIPS_BUF_SSH_SOFTWARE, "PuTTY_Release_0.78") ||
			    !buf_is(v, NFIPS_BUF_SSH_PROTO, "1.99") ||
			    !buf_is(v, NFIPS_BUF_SSH_SOFTWARE, "OpenSSH_3.5p1") ||
			    !app_ssh_ops.no_payload(s) || !app_ssh_ops.idle(s)) {
				if (!bad++)
					tap_diag("cut at %u and %u", i, j);
			}
			app_ssh_ops.state_free(s);
		}
	}
	tap_ok(&T, !bad, "a session cut anywhere: the same banners, payload inspection ends (%u bad)",
	       bad);
}

/* One client banner alone: its buffers as Suricata's parser gives them. */
static void banner(const char *line, const char *proto, const char *sw)
{
	void *s = app_ssh_ops.state_new(NULL);
	const struct nfips_tx *c;

	app_ssh_ops.data(s, 0, (const uint8_t *)line, (uint32_t)strlen(line), 0);
	c = side(s, 0);
	tap_ok(&T, proto ? c && buf_is(c, NFIPS_BUF_SSH_PROTO, proto) &&
	       buf_is(c, NFIPS_BUF_SSH_SOFTWARE, sw) : !c,
	       "banner '%.*s': proto %s, software %s", (int)strcspn(line, "\r\n"), line,
	       proto ? proto : "(not done)", sw ? sw : "(none)");
	app_ssh_ops.state_free(s);
}

static void banners(void)
{
	banner("SSH-2.0-OpenSSH_9.0\r\n", "2.0", "OpenSSH_9.0");
	banner("SSH-2.0-\n", "2.0", NULL);
	banner("SSH-2.0- comment\r\n", "2.0", " comment");
	banner("SSH-2.0-a b\rX", "2.0", "a");
	banner("SSH-2.0-x\r", NULL, NULL);		/* a last CR: no end yet */
	banner("SSH-2.0\r\n", NULL, NULL);		/* no second dash */
	banner("SSH--x\r\n", NULL, NULL);		/* empty version */
	banner("ssh-2.0-x\r\n", NULL, NULL);		/* the parser wants upper case */
	banner("SSH-3.9-Go-x_crypto\r\n", "3.9", "Go-x_crypto");
}

/* A banner that never ends is kept up to its bound, then dropped. */
static void endless(void)
{
	void *s = app_ssh_ops.state_new(NULL);
	uint8_t chunk[4096];
	const struct nfips_tx *c;
	uint32_t i;

	memset(chunk, 'A', sizeof(chunk));
	app_ssh_ops.data(s, 0, (const uint8_t *)"SSH-2.0-", 8, 0);
	for (i = 0; i < 600; i++)	/* 2.4 MB: past the 1 MiB bound */
		app_ssh_ops.data(s, 0, chunk, sizeof(chunk), 0);
	/* with the bound passed the direction is dropped: no NEWKEYS seen */
	app_ssh_ops.data(s, 0, (const uint8_t *)"\r\n\0\0\0\x0c\x0a\x15", 8, 0);
	c = side(s, 0);
	tap_ok(&T, !c, "a banner line past 1 MiB is dropped, not kept (its NEWKEYS is not seen)");
	app_ssh_ops.state_free(s);
	/* and 200 bytes at a time, no end of line: the long-banner path */
	s = app_ssh_ops.state_new(NULL);
	app_ssh_ops.data(s, 0, (const uint8_t *)"SSH-2.0-", 8, 0);
	for (i = 0; i < 2; i++)
		app_ssh_ops.data(s, 0, chunk, 200, 0);
	app_ssh_ops.data(s, 0, (const uint8_t *)"\r\n\0\0\0\x0c\x0a\x15", 8, 0);
	app_ssh_ops.data(s, 0, chunk, 10, 0);
	c = side(s, 0);
	tap_ok(&T, c && buf_is(c, NFIPS_BUF_SSH_PROTO, "2.0"),
	       "a long banner reaches 'banner done' with its NEWKEYS");
	app_ssh_ops.state_free(s);
}

/* The alert's "ssh" object of @tx. */
static const char *eve_of(const struct nfips_tx *tx, struct nfips_sbuf *b)
{
	struct nfips_json j;

	nfips_sbuf_reset(b);
	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	tx->eve(tx, &j, 0);
	nfips_json_obj_end(&j);
	return b->s && !b->oom ? b->s : "";
}

/* What Suricata's alert writes of the banners; a long one cut at 256. */
static void eve_obj(void)
{
	static const char cli[] = "SSH-2.0-OpenSSH_9.0\r\n";
	char srv[400], want[400];
	struct nfips_sbuf b = { 0 };
	const struct nfips_tx *tx;
	void *s = app_ssh_ops.state_new(NULL);

	if (!s)
		abort();
	app_ssh_ops.data(s, 0, (const uint8_t *)cli, sizeof(cli) - 1, 0);
	tx = side(s, 0);
	tap_ok(&T, tx && tx->tx_id(tx) == 0 &&
	       !strcmp(eve_of(tx, &b), "{\"ssh\":{\"client\":{\"proto_version\":\"2.0\","
		       "\"software_version\":\"OpenSSH_9.0\"}}}"),
	       "alert object: the client's banner, no server before its banner (%s)", b.s);
	memset(srv, 'A', sizeof(srv));
	memcpy(srv, "SSH-2.0-", 8);
	memcpy(srv + 8 + 300, "\r\n", 2);
	app_ssh_ops.data(s, 1, (const uint8_t *)srv, 8 + 300 + 2, 0);
	memset(want, 'A', 256);
	snprintf(want + 256, sizeof(want) - 256, "[truncated]\"}}}");
	tap_ok(&T, tx && strstr(eve_of(tx, &b), "\"server\":{\"proto_version\":\"2.0\","
				"\"software_version\":\"") && strstr(b.s, want),
	       "a software version past 256 bytes: cut, [truncated] appended");
	app_ssh_ops.state_free(s);
	nfips_sbuf_free(&b);
}

static void corrupt(void)
{
	uint8_t d[1024], x[1024];
	uint32_t n = client_session(d), i, k;
	struct nfips_sbuf b = { 0 };

	srand(7);
	for (i = 0; i < 3000; i++) {
		void *s;

		memcpy(x, d, n);
		for (k = 0; k < 1 + (uint32_t)rand() % 8; k++)
			x[(uint32_t)rand() % n] = (uint8_t)rand();
		s = run(x, n, (uint32_t)rand() % n, (uint32_t)rand() % n);
		for (k = 0; k < 2; k++) {
			const struct nfips_tx *tx = side(s, (int)k);

			if (tx)
				(void)eve_of(tx, &b);
		}
		app_ssh_ops.state_free(s);
	}
	nfips_sbuf_free(&b);
	tap_ok(&T, 1, "3,000 corrupted sessions and their alert objects: no sanitizer report");
}

int main(void)
{
	splits();
	banners();
	endless();
	eve_obj();
	corrupt();
	return tap_done(&T);
}
