// SPDX-License-Identifier: GPL-2.0
/*
 * Flow table (ctl/lib/flow.c): one flow for both directions, the client
 * by handshake or first packet, timeouts by capture time, eviction when
 * full, TCP session reuse, stable flow ids. Built with the sanitizers.
 */
#include <netinet/in.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"

static struct tap T;

struct ends {
	int n[4];	/* by enum nfips_flow_end */
};

static void on_end(void *arg, struct nfips_flowrec *f, enum nfips_flow_end why,
		   uint64_t now)
{
	struct ends *e = arg;

	(void)f;
	(void)now;
	e->n[why]++;
}

static struct nfips_decoded mk(uint8_t proto, uint8_t a, uint16_t sp, uint8_t b,
			       uint16_t dp, uint8_t flags)
{
	struct nfips_decoded d;

	memset(&d, 0, sizeof(d));
	d.pkt.family = 4;
	d.pkt.proto = proto;
	d.pkt.src[0] = 10;
	d.pkt.src[3] = a;
	d.pkt.dst[0] = 10;
	d.pkt.dst[3] = b;
	d.pkt.sport = sp;
	d.pkt.dport = dp;
	d.pkt.tcp_flags = flags;
	return d;
}

#define SEC 1000000ull

/* Looks the packet up and accounts it at time @now (seconds). */
static struct nfips_flowrec *pkt(struct nfips_flowtab *t, struct nfips_decoded d,
				 uint64_t now, int *dir, bool *created)
{
	struct nfips_flowrec *f;
	struct nfips_flow_update up;

	d.pkt.ts_usec = now * SEC;
	f = nfips_flowtab_get(t, &d, now * SEC, dir, created);
	if (f)
		nfips_flow_update(t, f, *dir, &d.pkt, 60, &up);
	return f;
}

int main(void)
{
	struct ends e = { 0 };
	struct nfips_flowtab_cfg cfg = { .max_flows = 4 };
	struct nfips_flowtab *t = nfips_flowtab_new(&cfg, on_end, &e);
	struct nfips_flowtab_stats st;
	struct nfips_flowrec *f1, *f2;
	uint64_t id1;
	bool created;
	int dir, i;

	/* Handshake: the SYN sender is the client. */
	f1 = pkt(t, mk(IPPROTO_TCP, 9, 80, 1, 40000, NFIPS_TH_SYN), 100, &dir, &created);
	tap_ok(&T, f1 && created && dir == 0, "SYN creates the flow, its sender is the client");
	f2 = pkt(t, mk(IPPROTO_TCP, 1, 40000, 9, 80, NFIPS_TH_SYN | NFIPS_TH_ACK), 100,
		 &dir, &created);
	tap_ok(&T, f2 == f1 && !created && dir == 1, "the reply is the same flow, to client");
	id1 = f1->id;
	tap_ok(&T, id1 && id1 < (1ull << 51), "flow id nonzero, 51 bits");

	/* A capture starting at the SYN/ACK: its sender is the server. */
	f2 = pkt(t, mk(IPPROTO_TCP, 2, 80, 3, 50000, NFIPS_TH_SYN | NFIPS_TH_ACK), 100,
		 &dir, &created);
	tap_ok(&T, created && dir == 1 && f2->cli[3] == 3 && f2->cli_port == 50000,
	       "SYN/ACK first: the client is its destination");

	/* Same tuple, same start: the same id in another table. */
	{
		struct nfips_flowtab *t2 = nfips_flowtab_new(NULL, NULL, NULL);

		f2 = pkt(t2, mk(IPPROTO_TCP, 9, 80, 1, 40000, NFIPS_TH_SYN), 100, &dir,
			 &created);
		tap_ok(&T, f2->id == id1, "flow id stable across tables");
		nfips_flowtab_free(t2);
	}

	/* UDP: established once both directions were seen; timeouts. */
	f2 = pkt(t, mk(IPPROTO_UDP, 5, 53, 6, 3333, 0), 100, &dir, &created);
	tap_ok(&T, created && dir == 0, "UDP: the first sender is the client");
	f2 = pkt(t, mk(IPPROTO_UDP, 5, 53, 6, 3333, 0), 129, &dir, &created);
	tap_ok(&T, !created, "UDP: 29 s later, same flow (new timeout 30 s)");
	f2 = pkt(t, mk(IPPROTO_UDP, 5, 53, 6, 3333, 0), 160, &dir, &created);
	tap_ok(&T, created && e.n[NFIPS_FLOW_END_TIMEOUT] >= 1,
	       "UDP: 31 s of silence, a new flow");

	/* Time going backwards expires nothing. */
	f2 = pkt(t, mk(IPPROTO_UDP, 5, 53, 6, 3333, 0), 10, &dir, &created);
	tap_ok(&T, !created, "capture time stepping back keeps the flow");

	/* Eviction when full (max 4 flows). */
	for (i = 0; i < 6; i++)
		pkt(t, mk(IPPROTO_ICMP, 20, 0, (uint8_t)(30 + i), 0, 0), 170, &dir, &created);
	nfips_flowtab_get_stats(t, &st);
	tap_ok(&T, st.active == 4 && e.n[NFIPS_FLOW_END_EVICTED] >= 2,
	       "full table: least recently seen flows evicted (active %llu)",
	       (unsigned long long)st.active);

	/* TCP reuse after a RST. */
	f1 = pkt(t, mk(IPPROTO_TCP, 7, 1000, 8, 22, NFIPS_TH_SYN), 170, &dir, &created);
	f1 = pkt(t, mk(IPPROTO_TCP, 8, 22, 7, 1000, NFIPS_TH_RST | NFIPS_TH_ACK), 170,
		 &dir, &created);
	f1 = pkt(t, mk(IPPROTO_TCP, 7, 1000, 8, 22, NFIPS_TH_SYN), 171, &dir, &created);
	tap_ok(&T, created && e.n[NFIPS_FLOW_END_REUSED] == 1,
	       "a SYN after a RST starts a new flow");

	nfips_flowtab_free(t);
	tap_ok(&T, e.n[NFIPS_FLOW_END_FLUSH] == 4, "freeing the table ends every flow");
	return tap_done(&T);
}
