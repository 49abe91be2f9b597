/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace TCP tracking and reassembly, one struct nfips_tcp per flow.
 *
 * Direction 0 is client to server, 1 server to client (the flow table
 * decides who is the client). Each direction keeps:
 *
 *  - the contiguous, in-order data from the start of the stream (or from
 *    the last gap) up to the reassembly depth, so that the engine can
 *    match across segment boundaries with exact offsets;
 *  - an out-of-order window of ooo_max bytes after the next expected
 *    byte, where segments that arrive early wait for the hole before
 *    them. Bytes are taken first-wins: a byte seen once (in order or in
 *    the window) is never replaced by a retransmission or an overlapping
 *    segment.
 *
 * A hole that is not filled before a segment needs the window beyond
 * ooo_max bytes, before a segment after it comes while the receiver
 * already acknowledged bytes of it, or before the flow ends, is a gap:
 * the stream restarts at the first byte after it, with its absolute
 * stream offset kept, so that no match spans a gap. A segment wholly
 * beyond the window while nothing waits is taken only if the receiver
 * acknowledged data past the hole (the capture lost it); otherwise it
 * is out of window, left out of
 * the stream and inspected as a packet, so that one bogus segment cannot
 * move the stream. The bounds: ooo_max (default 256 KiB) and
 * depth (default 1 MiB, Suricata's stream.reassembly.depth) per
 * direction, and memcap (default 256 MiB) for all sessions of a flow
 * table together; a direction that would exceed the memcap stops stream
 * reassembly (its packets are then inspected one by one).
 *
 * Sessions start as Suricata 7's do. Data on a SYN goes into the stream
 * only with a TCP Fast Open option, and stays there only if the SYN/ACK
 * acknowledges it; otherwise the stream starts empty at ISN + 1 (so other
 * bytes sent there later are inspected, not taken for a retransmission).
 * Without Fast Open, data on a SYN or SYN/ACK is inspected as a packet
 * only. A SYN answered by a SYN is a four-way handshake. A session seen
 * without its handshake (no SYN) is tracked only with cfg.midstream;
 * otherwise its packets are inspected one by one, not established.
 */
#ifndef NFIPS_STREAM_H
#define NFIPS_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

#define NFIPS_STREAM_DEPTH	(1u << 20)
#define NFIPS_STREAM_OOO_MAX	(256u << 10)
#define NFIPS_STREAM_MEMCAP	(256ull << 20)
#define NFIPS_STREAM_MAX	(1u << 30)	/* largest depth or window */

struct nfips_stream_cfg {
	uint32_t depth;		/* 0: NFIPS_STREAM_DEPTH; at most _MAX */
	uint32_t ooo_max;	/* 0: NFIPS_STREAM_OOO_MAX; at most _MAX,
				 * rounded up to 64 */
	uint64_t memcap;	/* 0: NFIPS_STREAM_MEMCAP */
	bool midstream;		/* pick up sessions without a handshake
				 * (Suricata's stream.midstream, default off) */
};

struct nfips_stream_stats {
	uint64_t segments;	/* TCP segments with data, stream tracked */
	uint64_t retransmits;	/* segments that brought nothing new */
	uint64_t overlaps;	/* segments overlapping data already seen */
	uint64_t overlap_diff;	/* overlapping bytes that differed (kept first) */
	uint64_t out_of_order;	/* segments that waited in the window */
	uint64_t gaps;		/* holes skipped */
	uint64_t out_of_window;	/* segments beyond the window, not taken */
	uint64_t depth;		/* directions that reached the depth */
	uint64_t memcap;	/* directions stopped by the memcap */
	uint64_t bad_rst;	/* RSTs outside the window, ignored */
	uint64_t mem_peak;	/* most bytes held at once */
};

/* What all sessions of one flow table share; used by one thread. */
struct nfips_stream_ctx {
	struct nfips_stream_cfg cfg;	/* resolved: no zeros */
	uint64_t mem;			/* bytes held now */
	struct nfips_stream_stats st;
};

void nfips_stream_ctx_init(struct nfips_stream_ctx *ctx,
			   const struct nfips_stream_cfg *cfg);

enum nfips_tcp_state {
	NFIPS_TCP_NONE,
	NFIPS_TCP_SYN_SENT,
	NFIPS_TCP_SYN_RECV,
	NFIPS_TCP_ESTABLISHED,
	NFIPS_TCP_CLOSING,	/* a FIN seen */
	NFIPS_TCP_CLOSED,	/* FINs both ways, or a RST */
};

struct nfips_tcp_dir {
	bool known;		/* next_seq is valid */
	bool fin;		/* FIN seen: nothing after fin_seq */
	bool done;		/* no more reassembly (depth, memcap) */
	uint32_t next_seq;	/* the next byte expected */
	uint32_t fin_seq;
	bool acked_known;
	uint32_t acked;		/* highest ACK of this direction's data */
	uint32_t gen;		/* bumped when data restarts after a gap */
	uint64_t next_abs;	/* stream offset of next_seq */
	uint64_t data_abs;	/* stream offset of data[0] */
	uint8_t *data;		/* contiguous bytes from data_abs on */
	uint32_t len, cap;
	uint8_t *ooo;		/* window of ooo_max bytes at next_seq, lazily */
	uint64_t *ooo_map;	/* one bit per window byte: present */
	uint32_t ooo_head;	/* window index of next_seq */
	uint32_t ooo_bytes;	/* bytes present in the window */
	uint32_t syn_data;	/* Fast Open data of the SYN, until the SYN/ACK
				 * acknowledges it */
};

struct nfips_tcp {
	uint8_t state;		/* enum nfips_tcp_state */
	bool established;	/* the handshake completed (or midstream) */
	bool midstream;		/* picked up without a SYN */
	bool tfo;		/* TCP Fast Open (an option on the SYN or SYN/ACK) */
	bool four_whs;		/* the server answered the SYN with a SYN */
	bool reset;		/* a valid RST: no more data either way */
	struct nfips_tcp_dir dir[2];
};

/* What one packet did to the session. */
struct nfips_tcp_result {
	/*
	 * Suricata's FLOW_PKT_ESTABLISHED: the session was established before
	 * this packet (the handshake's last packet is established only if
	 * it carries data; a Fast Open session from the packet after the
	 * SYN/ACK; a session picked up mid-stream from its second packet).
	 */
	bool established;
	bool stream_add;	/* the payload went to reassembly */
	bool inspect;		/* @st holds new contiguous data */
	struct nfips_stream st;	/* valid until the next call on the session */
};

/*
 * Tracks one packet (@p->proto TCP) of direction @dir. @res says whether
 * the engine gets stream data with this packet.
 */
void nfips_tcp_packet(struct nfips_stream_ctx *ctx, struct nfips_tcp *t,
		      int dir, const struct nfips_pkt *p,
		      struct nfips_tcp_result *res);

/*
 * At the end of a flow: while data waits behind a hole in direction
 * @dir, skips the hole and returns true with the next contiguous run in
 * @st (to inspect with a pseudo packet), false when nothing is left.
 */
bool nfips_tcp_flush(struct nfips_stream_ctx *ctx, struct nfips_tcp *t,
		     int dir, struct nfips_stream *st);

/* True when a packet starts a new session on a closed one (a new SYN). */
bool nfips_tcp_reuse(const struct nfips_tcp *t, const struct nfips_pkt *p);

/* Releases the buffers (the struct itself belongs to the caller). */
void nfips_tcp_release(struct nfips_stream_ctx *ctx, struct nfips_tcp *t);

#endif /* NFIPS_STREAM_H */
