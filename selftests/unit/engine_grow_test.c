// SPDX-License-Identifier: GPL-2.0
/*
 * The application-layer prefilter on a growing buffer (struct nfips_tx's
 * grows: a response body handed out again and again as it arrives): the
 * engine scans only the bytes added since the last hand-out, so it must
 * still make candidates of the patterns found in the bytes scanned
 * before, find a pattern that straddles the two, and scan everything
 * again when the buffer is not the one it scanned (shorter, or the side's
 * memory reset by a reload).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "rule_util.h"
#include "detect/engine.h"

struct body_tx {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct nfips_txdet det;
	const char *body;	/* NULL: not handed out yet */
};

static bool body_get(const struct nfips_tx *tx, uint32_t id, const uint8_t **data,
		     uint32_t *len)
{
	const struct body_tx *t = (const struct body_tx *)tx;

	if (id != NFIPS_BUF_HTTP_RESPONSE_BODY || !t->body)
		return false;
	*data = (const uint8_t *)t->body;
	*len = (uint32_t)strlen(t->body);
	return true;
}

/* The body may grow: a rule failing on it now may match later. */
static bool body_final(const struct nfips_tx *tx, uint32_t id)
{
	(void)tx;
	return id != NFIPS_BUF_HTTP_RESPONSE_BODY;
}

static char got[128];

static void on_alert(void *arg, const struct nfips_pkt *p, const struct nfips_flow *f,
		     const struct nfips_alert *a)
{
	size_t o = strlen(got);

	(void)arg;
	(void)p;
	(void)f;
	snprintf(got + o, sizeof(got) - o, "%s%u", o ? "," : "", a->rule->sid);
}

/* One response packet handing out @t with @body; the sids alerted. */
static const char *hand_out(struct nfips_engine *e, struct nfips_flowstate *fs,
			    struct body_tx *t, const char *body, uint64_t n)
{
	const struct nfips_tx *txs[1] = { &t->view };
	struct nfips_pkt p = { .family = 4, .proto = IPPROTO_TCP, .ttl = 64,
			       .sport = 80, .dport = 1234, .pcap_cnt = n,
			       .ts_usec = n * 1000 };
	struct nfips_flow f = { .state = fs, .to_server = false, .established = true,
				.alproto = NFIPS_ALPROTO_HTTP, .txs = txs, .ntxs = 1 };
	uint32_t a = htonl(0x0a000002), b = htonl(0x0a000001);

	memcpy(p.src, &a, 4);
	memcpy(p.dst, &b, 4);
	t->body = body;
	got[0] = 0;
	nfips_engine_packet(e, &p, &f, NULL, on_alert, NULL);
	return got;
}

#define EXPECT(e, fs, t, body, n, want, name) do {			\
	const char *g_ = hand_out(e, fs, t, body, n);			\
	if (strcmp(g_, want))						\
		tap_diag("got \"%s\", want \"%s\"", g_, want);		\
	tap_ok(&T, !strcmp(g_, want), "%s", name);			\
} while (0)

static void new_tx(struct body_tx *t, uint64_t grows)
{
	nfips_txdet_free(&t->det);
	memset(t, 0, sizeof(*t));
	t->view.get = body_get;
	t->view.final = body_final;
	t->view.det = &t->det;
	t->view.grows = grows;
}

static const char *const rules[] = {
	"alert http any any -> any any (flow:to_client; file.data; content:\"oldpattern\"; "
	"fast_pattern; content:\"tail\"; sid:1;)",
	"alert http any any -> any any (flow:to_client; file.data; content:\"straddling\"; sid:2;)",
	"alert http any any -> any any (flow:to_client; file.data; content:\"again\"; sid:3;)",
	NULL,
};

static void run(struct nfips_engine *e, struct nfips_engine *e2, uint64_t grows,
		const char *how)
{
	struct nfips_flowstate *fs = nfips_flowstate_new(e), *fs2;
	struct body_tx t = { 0 };
	char name[160];

	new_tx(&t, grows);
	snprintf(name, sizeof(name), "%s: no match in the first part", how);
	EXPECT(e, fs, &t, "<html> oldpattern ... strad", 1, "", name);
	snprintf(name, sizeof(name), "%s: a pattern of the bytes scanned before, "
		 "one straddling the parts", how);
	EXPECT(e, fs, &t, "<html> oldpattern ... straddling ... tail", 2, "1,2", name);
	snprintf(name, sizeof(name), "%s: alerted rules stay done", how);
	EXPECT(e, fs, &t, "<html> oldpattern ... straddling ... tail ... more", 3, "", name);
	fs2 = nfips_flowstate_renew(e2, fs);
	snprintf(name, sizeof(name), "%s: after a reload the side is scanned anew", how);
	EXPECT(e2, fs2, &t, "<html> oldpattern ... straddling ... tail", 6, "1,2", name);
	/* shorter than what was scanned (a parser breaking its promise is
	 * caught by the length at least): scanned whole */
	new_tx(&t, grows);
	snprintf(name, sizeof(name), "%s: a long body without match", how);
	EXPECT(e, fs, &t, "................................", 7, "", name);
	snprintf(name, sizeof(name), "%s: a shorter buffer is scanned whole", how);
	EXPECT(e, fs, &t, "again", 8, "3", name);
	nfips_flowstate_free(fs2);
	nfips_flowstate_free(fs);
	nfips_txdet_free(&t.det);
}

int main(void)
{
	struct nfips_rule *r[8];
	struct nfips_engine *e = NULL, *e2 = NULL;
	unsigned n, i;

	setup();
	for (n = 0; rules[n]; n++) {
		r[n] = parse(rules[n]);
		if (!r[n]) {
			tap_ok(&T, 0, "rule %u parses", n + 1);
			return tap_done(&T);
		}
	}
	if (nfips_engine_new(&e, r, n, NULL, &err) || nfips_engine_new(&e2, r, n, NULL, &err)) {
		tap_ok(&T, 0, "engines built: %s", err.msg);
		return tap_done(&T);
	}
	run(e, e2, 1ull << NFIPS_BUF_HTTP_RESPONSE_BODY, "growing body");
	run(e, e2, 0, "body scanned whole");
	nfips_engine_free(e);
	nfips_engine_free(e2);
	for (i = 0; i < n; i++)
		nfips_rule_free(r[i]);
	teardown();
	return tap_done(&T);
}
