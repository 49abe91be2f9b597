// SPDX-License-Identifier: GPL-2.0
/*
 * TCP tracking and reassembly (ctl/lib/stream.c), without the engine:
 * what each packet hands over (new contiguous bytes, their stream offset,
 * established, stream_add), first-wins overlaps, gaps, depth, FIN/RST,
 * sequence wrap-around, memcap. Built with the sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"

static struct tap T;

enum { C = 0, S = 1 };	/* client to server, server to client */

struct sess {
	struct nfips_stream_ctx ctx;
	struct nfips_tcp t;
	struct nfips_tcp_result res;
	char got[2][4096];	/* new bytes handed over, per direction */
	size_t ngot[2];
	uint64_t last_off[2];	/* stream offset of the last new byte handed */
	bool tfo;		/* the next packets carry a Fast Open option */
};

static void sess_init(struct sess *s, uint32_t depth, uint32_t window, uint64_t memcap)
{
	struct nfips_stream_cfg cfg = { .depth = depth, .ooo_max = window, .memcap = memcap };

	memset(s, 0, sizeof(*s));
	nfips_stream_ctx_init(&s->ctx, &cfg);
}

static void sess_free(struct sess *s)
{
	nfips_tcp_release(&s->ctx, &s->t);
}

/* One packet; returns the number of new bytes handed to the engine. */
static size_t seg(struct sess *s, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
		  const char *data)
{
	struct nfips_pkt p = { .proto = 6, .tcp_tfo = s->tfo };
	const struct nfips_stream *st = &s->res.st;
	size_t n = 0;

	p.tcp_flags = flags;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.payload = (const uint8_t *)data;
	p.payload_len = data ? (uint32_t)strlen(data) : 0;
	nfips_tcp_packet(&s->ctx, &s->t, dir, &p, &s->res);
	if (s->res.inspect) {
		n = st->len - st->new_from;
		memcpy(s->got[dir] + s->ngot[dir], st->data + st->new_from, n);
		s->ngot[dir] += n;
		s->got[dir][s->ngot[dir]] = '\0';
		s->last_off[dir] = st->stream_off + st->len;
	}
	return n;
}

#define SYN NFIPS_TH_SYN
#define ACK NFIPS_TH_ACK
#define FIN NFIPS_TH_FIN
#define RST NFIPS_TH_RST
#define PA (NFIPS_TH_PSH | NFIPS_TH_ACK)

/* The three-way handshake: client ISN 100, server ISN 5000. */
static void handshake(struct sess *s, bool *est)
{
	seg(s, C, SYN, 100, 0, NULL);
	est[0] = s->res.established;
	seg(s, S, SYN | ACK, 5000, 101, NULL);
	est[1] = s->res.established;
	seg(s, C, ACK, 101, 5001, NULL);
	est[2] = s->res.established;
}

static void in_order(void)
{
	struct sess s;
	bool est[3];
	size_t n1, n2, from;

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	tap_ok(&T, !est[0] && !est[1] && !est[2],
	       "the handshake's bare ACK is not established yet");
	n1 = seg(&s, C, PA, 101, 5001, "GET /at");
	tap_ok(&T, s.res.established, "established from the packet after it");
	n2 = seg(&s, C, PA, 108, 5001, "tack HTTP/1.0");
	from = s.res.st.new_from;
	tap_ok(&T, n1 == 7 && n2 == 13 && from == 7 && s.res.st.len == 20 &&
	       !memcmp(s.res.st.data, "GET /attack HTTP/1.0", 20) &&
	       s.res.stream_add && s.res.st.anchored && s.res.st.stream_off == 0,
	       "in order: the whole stream, new bytes from the segment boundary");
	seg(&s, S, PA, 5001, 121, "200 OK");
	tap_ok(&T, !strcmp(s.got[S], "200 OK"), "server direction reassembled apart");
	sess_free(&s);
}

static void out_of_order(void)
{
	struct sess s;
	bool est[3];
	size_t n;

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	n = seg(&s, C, PA, 106, 5001, "WORLD");
	tap_ok(&T, n == 0 && s.res.stream_add && !s.res.inspect,
	       "early segment waits: stream_add, nothing to inspect");
	n = seg(&s, C, PA, 101, 5001, "HELLO");
	tap_ok(&T, n == 10 && s.res.st.new_from == 0 &&
	       !strcmp(s.got[C], "HELLOWORLD") && s.ctx.st.out_of_order == 1,
	       "filling the hole hands over both segments at once");
	n = seg(&s, C, PA, 101, 5001, "HELLO");
	tap_ok(&T, n == 0 && s.res.stream_add && s.ctx.st.retransmits == 1,
	       "retransmission: counted, nothing new, still stream_add");
	sess_free(&s);
}

static void overlaps(void)
{
	struct sess s;
	bool est[3];

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "AAAA");
	seg(&s, C, PA, 103, 5001, "XXBB");	/* "XX" overlaps "AA" */
	tap_ok(&T, !strcmp(s.got[C], "AAAABB") && s.ctx.st.overlap_diff == 2 &&
	       s.ctx.st.overlaps == 1,
	       "overlap with in-order data: first bytes win");
	seg(&s, C, PA, 111, 5001, "CCCC");	/* 111..114 waits */
	seg(&s, C, PA, 109, 5001, "DDYYYYEE");	/* 109..116: YYYY under CCCC */
	tap_ok(&T, s.ngot[C] == 6, "hole at 107 still open");
	seg(&s, C, PA, 107, 5001, "ZZ");
	tap_ok(&T, !strcmp(s.got[C], "AAAABBZZDDCCCCEE") && s.ctx.st.overlap_diff == 6,
	       "overlap inside the window: first bytes win (%s)", s.got[C]);
	sess_free(&s);
}

static void gaps(void)
{
	struct sess s;
	bool est[3];
	struct nfips_stream st;
	char big[80];

	/* A 64-byte window: a hole that outlasts 64 bytes is a gap. */
	sess_init(&s, 0, 64, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "ATT");		/* 101..103 */
	seg(&s, C, PA, 106, 5001, "CK-after-gap");	/* 104, 105 lost */
	tap_ok(&T, !strcmp(s.got[C], "ATT"), "data after a hole waits");
	memset(big, 'z', 60);
	big[60] = '\0';
	seg(&s, C, PA, 118, 5001, big);			/* ends beyond the window */
	tap_ok(&T, s.ctx.st.gaps == 1 && s.res.st.new_from == 0 &&
	       s.res.st.stream_off == 5 &&
	       !memcmp(s.res.st.data, "CK-after-gap", 12) && s.res.st.len == 72,
	       "gap: stream restarts after the hole at stream offset 5");
	tap_ok(&T, !memmem(s.res.st.data, s.res.st.len, "ATTACK", 6),
	       "no data before the gap in the buffer");
	sess_free(&s);

	/* A lone segment far beyond the window is not stream data... */
	sess_init(&s, 0, 64, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "abc");
	seg(&s, C, PA, 100000, 5001, "bogus");
	tap_ok(&T, !s.res.stream_add && s.ctx.st.out_of_window == 1,
	       "segment beyond the window, nothing acknowledged: a packet, not stream");
	seg(&s, C, PA, 104, 5001, "def");
	tap_ok(&T, !strcmp(s.got[C], "abcdef"), "the stream goes on unharmed");
	/* ...unless the receiver acknowledged data past the hole. */
	seg(&s, S, ACK, 5001, 300, NULL);
	seg(&s, C, PA, 400, 5001, "resumed");
	tap_ok(&T, s.res.stream_add && s.res.inspect && s.res.st.stream_off == 299 &&
	       !memcmp(s.res.st.data, "resumed", 7) && s.ctx.st.gaps == 1,
	       "data lost by the capture (acknowledged): gap, stream resumes");
	sess_free(&s);

	/* A hole inside the window that the receiver acknowledged: a gap at
	 * once (it would wait for the flow's end otherwise). */
	sess_init(&s, 0, 64, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "abc");		/* 101..103 */
	seg(&s, S, ACK, 5001, 110, NULL);		/* 104..109 lost */
	seg(&s, C, PA, 110, 5001, "after");
	tap_ok(&T, s.res.inspect && s.res.st.stream_off == 9 && s.res.st.len == 5 &&
	       !memcmp(s.res.st.data, "after", 5) && s.ctx.st.gaps == 1,
	       "acknowledged hole inside the window: gap, stream resumes at once");
	sess_free(&s);

	/* A hole never filled: flushed at flow end. */
	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "one");
	seg(&s, C, PA, 110, 5001, "three");
	seg(&s, C, PA, 120, 5001, "four");
	tap_ok(&T, nfips_tcp_flush(&s.ctx, &s.t, C, &st) && st.len == 5 &&
	       !memcmp(st.data, "three", 5) && st.stream_off == 9 && st.new_from == 0 &&
	       st.anchored, "flush: first run after the hole");
	tap_ok(&T, nfips_tcp_flush(&s.ctx, &s.t, C, &st) && st.len == 4 &&
	       !memcmp(st.data, "four", 4) && st.stream_off == 19,
	       "flush: next run after the next hole");
	tap_ok(&T, !nfips_tcp_flush(&s.ctx, &s.t, C, &st) && s.ctx.st.gaps == 2,
	       "flush: nothing more");
	sess_free(&s);
}

static void depth(void)
{
	struct sess s;
	bool est[3];

	sess_init(&s, 10, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "0123456");
	seg(&s, C, PA, 108, 5001, "789abc");
	tap_ok(&T, !strcmp(s.got[C], "0123456789") && s.ctx.st.depth == 1,
	       "depth: bytes up to the depth inspected");
	seg(&s, C, PA, 114, 5001, "more");
	tap_ok(&T, !s.res.stream_add && !s.res.inspect && s.ctx.mem == 0,
	       "after the depth: packets not added, buffers freed");
	sess_free(&s);
}

static void fin_rst(void)
{
	struct sess s;
	bool est[3];

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA | FIN, 101, 5001, "bye");
	seg(&s, C, PA, 104, 5001, "late");
	tap_ok(&T, !strcmp(s.got[C], "bye") && s.t.state == NFIPS_TCP_CLOSING,
	       "no data after the FIN");
	seg(&s, S, FIN | ACK, 5001, 105, NULL);
	tap_ok(&T, s.t.state == NFIPS_TCP_CLOSED && s.res.established,
	       "FINs both ways: closed, still established");
	tap_ok(&T, nfips_tcp_reuse(&s.t, &(struct nfips_pkt){ .tcp_flags = SYN }),
	       "a new SYN on a closed session starts a new flow");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, RST, 900000000, 0, NULL);
	tap_ok(&T, !s.t.reset && s.ctx.st.bad_rst == 1, "RST outside the window ignored");
	seg(&s, S, RST | ACK, 5001, 101, NULL);
	seg(&s, C, PA, 101, 5001, "after");
	tap_ok(&T, s.t.reset && !s.res.stream_add && !s.ngot[C],
	       "after a valid RST: no reassembly");
	sess_free(&s);
}

static void wrap_midstream(void)
{
	struct sess s;

	sess_init(&s, 0, 0, 0);
	seg(&s, C, SYN, 0xfffffffd, 0, NULL);
	seg(&s, S, SYN | ACK, 7, 0xfffffffe, NULL);
	seg(&s, C, ACK, 0xfffffffe, 8, NULL);
	seg(&s, C, PA, 0x00000001, 8, "def");		/* early, after the wrap */
	seg(&s, C, PA, 0xfffffffe, 8, "abc");
	tap_ok(&T, !strcmp(s.got[C], "abcdef"), "sequence numbers wrap around 2^32");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	seg(&s, C, PA, 777, 888, "mid");
	tap_ok(&T, !s.res.established && !s.res.stream_add && !s.res.inspect &&
	       s.t.state == NFIPS_TCP_NONE && s.ctx.mem == 0,
	       "no handshake, midstream off (Suricata's default): no session, a packet");
	seg(&s, S, PA, 888, 780, "reply");
	tap_ok(&T, !s.res.established && !s.res.stream_add, "... either way");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	s.ctx.cfg.midstream = true;
	seg(&s, C, PA, 777, 888, "mid");
	tap_ok(&T, !s.res.established && s.t.midstream && !strcmp(s.got[C], "mid"),
	       "midstream on: picked up, first packet reassembled, not yet established");
	seg(&s, S, PA, 888, 780, "reply");
	tap_ok(&T, s.res.established && !strcmp(s.got[S], "reply"),
	       "midstream on: established from the second packet, server direction from the ACK");
	sess_free(&s);
}

/* Data on the SYN (Suricata 7: only with Fast Open, only if acknowledged). */
static void syn_data(void)
{
	struct sess s;

	sess_init(&s, 0, 0, 0);
	seg(&s, C, SYN, 100, 0, "xxxxxx");
	tap_ok(&T, !s.res.stream_add && !s.res.inspect,
	       "SYN data without Fast Open: a packet, not the stream");
	seg(&s, S, SYN | ACK, 5000, 101, NULL);
	seg(&s, C, ACK, 101, 5001, NULL);
	seg(&s, C, PA, 101, 5001, "ATTACK");
	tap_ok(&T, s.res.stream_add && !strcmp(s.got[C], "ATTACK") && !s.ctx.st.retransmits,
	       "... the bytes at ISN + 1 are the stream's, not a retransmission");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	s.tfo = true;
	seg(&s, C, SYN, 100, 0, "ATTA");
	tap_ok(&T, s.res.stream_add && !strcmp(s.got[C], "ATTA"),
	       "Fast Open SYN data goes to the stream");
	s.tfo = false;
	seg(&s, S, SYN | ACK, 5000, 105, NULL);
	tap_ok(&T, !s.res.established, "Fast Open: the SYN/ACK is not established");
	seg(&s, C, ACK, 105, 5001, NULL);
	tap_ok(&T, s.res.established, "Fast Open: established from the packet after the SYN/ACK");
	seg(&s, C, PA, 105, 5001, "CK");
	tap_ok(&T, !strcmp(s.got[C], "ATTACK") && s.res.st.len == 6 && s.res.st.new_from == 4,
	       "acknowledged Fast Open data stays: the stream goes on after it");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	s.tfo = true;
	seg(&s, C, SYN, 100, 0, "xxxxxx");
	s.tfo = false;
	seg(&s, S, SYN | ACK, 5000, 101, NULL);
	seg(&s, C, ACK, 101, 5001, NULL);
	seg(&s, C, PA, 101, 5001, "ATTACK");
	tap_ok(&T, s.res.inspect && s.res.st.len == 6 && s.res.st.new_from == 0 &&
	       s.res.st.stream_off == 0 && !memcmp(s.res.st.data, "ATTACK", 6),
	       "Fast Open data the SYN/ACK did not acknowledge: stream restarts at ISN + 1");
	sess_free(&s);

	/* A SYN answered by a SYN (four-way handshake), the SYN repeated. */
	sess_init(&s, 0, 0, 0);
	seg(&s, C, SYN, 100, 0, "xxxxxx");
	seg(&s, S, SYN, 5000, 0, NULL);
	seg(&s, C, SYN | ACK, 100, 5001, "xxxxxx");
	tap_ok(&T, !s.res.stream_add && s.t.state == NFIPS_TCP_SYN_RECV,
	       "four-way handshake: the client's SYN/ACK, its data a packet");
	seg(&s, S, ACK, 5001, 101, NULL);
	tap_ok(&T, s.t.state == NFIPS_TCP_ESTABLISHED && !s.res.established,
	       "four-way handshake: the server's ACK completes it");
	seg(&s, C, PA, 101, 5001, "ATTACK");
	tap_ok(&T, s.res.established && !strcmp(s.got[C], "ATTACK"),
	       "four-way handshake: data at ISN + 1 inspected, established");
	sess_free(&s);

	/* The handshake's ACK with data is established. */
	sess_init(&s, 0, 0, 0);
	seg(&s, C, SYN, 100, 0, NULL);
	seg(&s, S, SYN | ACK, 5000, 101, NULL);
	seg(&s, C, PA, 101, 5001, "GET /");
	tap_ok(&T, s.res.established && !strcmp(s.got[C], "GET /"),
	       "the handshake's last packet with data is established");
	sess_free(&s);
}

static void memcap(void)
{
	struct sess s;
	bool est[3];

	sess_init(&s, 0, 0, 100);		/* smaller than one buffer */
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "data");
	tap_ok(&T, !s.res.inspect && s.ctx.st.memcap == 1 && s.ctx.mem == 0,
	       "memcap: reassembly stops, nothing held");
	seg(&s, C, PA, 105, 5001, "more");
	tap_ok(&T, !s.res.stream_add, "memcap: later packets are inspected as packets");
	sess_free(&s);
}

/* A finished direction (data complete to its FIN) or a reset session lets go of its buffer. */
static void release(void)
{
	struct sess s;
	bool est[3];
	uint64_t mem;

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "GET / HTTP/1.0\r\n\r\n");
	seg(&s, S, PA | FIN, 5001, 119, "HTTP/1.0 200 OK\r\n\r\nbody");
	tap_ok(&T, s.res.inspect && s.t.dir[S].data && s.ctx.mem > 0,
	       "release: the data of the FIN packet is handed over first");
	mem = s.ctx.mem;
	seg(&s, C, ACK, 119, 5025, NULL);
	tap_ok(&T, !s.t.dir[S].data && s.t.dir[C].data && s.ctx.mem < mem,
	       "release: the finished direction's buffer goes at the next packet");
	seg(&s, S, PA, 5001, 119, "HTTP/1.0 200 OK");
	tap_ok(&T, !s.res.inspect && s.res.stream_add && s.ctx.st.retransmits == 1,
	       "release: a retransmission afterwards is still one, with nothing to inspect");
	seg(&s, C, PA | FIN, 119, 5026, "x");
	seg(&s, S, ACK, 5026, 121, NULL);
	tap_ok(&T, !s.t.dir[C].data && s.ctx.mem == 0, "release: both directions finished");
	sess_free(&s);

	sess_init(&s, 0, 0, 0);
	handshake(&s, est);
	seg(&s, C, PA, 101, 5001, "abc");
	seg(&s, C, PA, 110, 5001, "later");	/* waits behind a hole */
	seg(&s, S, RST, 5001, 0, NULL);
	seg(&s, C, ACK, 115, 5001, NULL);
	tap_ok(&T, !s.t.dir[C].data && s.t.dir[C].ooo_bytes == 5,
	       "release: a reset session keeps only data waiting behind a hole");
	{
		struct nfips_stream st;

		tap_ok(&T, nfips_tcp_flush(&s.ctx, &s.t, C, &st) && st.len == 5 &&
		       !memcmp(st.data, "later", 5) && st.stream_off == 9,
		       "release: ... which the flow-end flush still inspects");
	}
	sess_free(&s);
}

int main(void)
{
	in_order();
	out_of_order();
	overlaps();
	gaps();
	depth();
	fin_rst();
	wrap_midstream();
	syn_data();
	memcap();
	release();
	return tap_done(&T);
}
