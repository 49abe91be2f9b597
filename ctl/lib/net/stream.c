// SPDX-License-Identifier: GPL-2.0
/*
 * TCP tracking and reassembly; see stream.h for the model and bounds.
 * Sequence numbers compare modulo 2^32 (RFC 793); absolute stream
 * offsets (next_abs, data_abs) are 64-bit and never wrap.
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"

static inline int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void nfips_stream_ctx_init(struct nfips_stream_ctx *ctx,
			   const struct nfips_stream_cfg *cfg)
{
	memset(ctx, 0, sizeof(*ctx));
	if (cfg)
		ctx->cfg = *cfg;
	if (!ctx->cfg.depth)
		ctx->cfg.depth = NFIPS_STREAM_DEPTH;
	if (!ctx->cfg.ooo_max)
		ctx->cfg.ooo_max = NFIPS_STREAM_OOO_MAX;
	if (ctx->cfg.ooo_max > NFIPS_STREAM_MAX)
		ctx->cfg.ooo_max = NFIPS_STREAM_MAX;
	ctx->cfg.ooo_max = (ctx->cfg.ooo_max + 63) & ~63u;
	if (ctx->cfg.depth > NFIPS_STREAM_MAX)
		ctx->cfg.depth = NFIPS_STREAM_MAX;
	if (!ctx->cfg.memcap)
		ctx->cfg.memcap = NFIPS_STREAM_MEMCAP;
}

static void mem_add(struct nfips_stream_ctx *ctx, uint64_t n)
{
	ctx->mem += n;
	if (ctx->mem > ctx->st.mem_peak)
		ctx->st.mem_peak = ctx->mem;
}

static bool mem_ok(const struct nfips_stream_ctx *ctx, uint64_t n)
{
	return ctx->mem + n <= ctx->cfg.memcap;
}

static uint64_t ooo_size(const struct nfips_stream_ctx *ctx)
{
	return ctx->cfg.ooo_max + ctx->cfg.ooo_max / 8;
}

static void drop_data(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d)
{
	free(d->data);
	ctx->mem -= d->cap;
	d->data = NULL;
	d->len = d->cap = 0;
}

static void drop_ooo(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d)
{
	if (d->ooo) {
		free(d->ooo);
		free(d->ooo_map);
		ctx->mem -= ooo_size(ctx);
	}
	d->ooo = NULL;
	d->ooo_map = NULL;
	d->ooo_head = d->ooo_bytes = 0;
}

static void dir_init(struct nfips_tcp_dir *d, uint32_t seq)
{
	d->known = true;
	d->next_seq = seq;
}

/* Stops reassembly of the direction for good (depth, memcap). */
static void dir_done(struct nfips_tcp_dir *d)
{
	d->done = true;
}

/* ---- the contiguous data -------------------------------------------- */

/* Takes @n in-order bytes at next_seq, as far as depth and memcap allow. */
static void append(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d,
		   const uint8_t *p, uint32_t n)
{
	uint64_t depth = ctx->cfg.depth;
	uint32_t take = n, cap;
	uint8_t *nd;

	if (d->done || d->next_abs >= depth)
		take = 0;
	else if (d->next_abs + n > depth)
		take = (uint32_t)(depth - d->next_abs);
	if (take && d->len + take > d->cap) {
		cap = d->cap ? d->cap : 4096;
		while (cap < d->len + take)
			cap *= 2;	/* len + take <= depth <= 2^32 - 1 */
		if (cap > depth)
			cap = (uint32_t)depth;
		if (!mem_ok(ctx, cap - d->cap) || !(nd = realloc(d->data, cap))) {
			ctx->st.memcap++;
			dir_done(d);
			take = 0;
		} else {
			mem_add(ctx, cap - d->cap);
			d->data = nd;
			d->cap = cap;
		}
	}
	if (take) {
		memcpy(d->data + d->len, p, take);
		d->len += take;
	}
	d->next_seq += n;
	d->next_abs += n;
	if (!d->done && d->next_abs >= depth) {
		ctx->st.depth++;
		dir_done(d);
	}
}

/* The stream restarts @k bytes further on, after a hole. */
static void skip(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d, uint32_t k)
{
	ctx->st.gaps++;
	d->next_seq += k;
	d->next_abs += k;
	d->data_abs = d->next_abs;
	d->len = 0;
	d->gen++;
	if (!d->done && d->next_abs >= ctx->cfg.depth) {
		ctx->st.depth++;
		dir_done(d);
	}
}

/* Counts bytes of [seq, seq + n), all before next_seq, that differ. */
static void compare_old(struct nfips_stream_ctx *ctx, const struct nfips_tcp_dir *d,
			uint32_t seq, const uint8_t *p, uint32_t n)
{
	uint32_t start = d->next_seq - d->len;	/* seq of data[0] */
	int32_t off = sdiff(seq, start);
	uint32_t i;

	if (d->data_abs + d->len != d->next_abs)
		return;		/* truncated at depth: nothing to compare */
	if (off < 0) {
		if ((uint32_t)-(int64_t)off >= n)
			return;
		p += -(int64_t)off;
		n -= (uint32_t)-(int64_t)off;
		off = 0;
	}
	for (i = 0; i < n && (uint32_t)off + i < d->len; i++)
		ctx->st.overlap_diff += d->data[(uint32_t)off + i] != p[i];
}

/* ---- the out-of-order window ---------------------------------------- */

static inline bool bit(const uint64_t *m, uint32_t i)
{
	return m[i / 64] >> (i % 64) & 1;
}

static bool ooo_alloc(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d)
{
	uint32_t w = ctx->cfg.ooo_max;

	if (d->ooo)
		return true;
	if (!mem_ok(ctx, ooo_size(ctx)))
		return false;
	d->ooo = malloc(w);
	d->ooo_map = calloc(w / 64, sizeof(uint64_t));
	if (!d->ooo || !d->ooo_map) {
		free(d->ooo);
		free(d->ooo_map);
		d->ooo = NULL;
		d->ooo_map = NULL;
		return false;
	}
	mem_add(ctx, ooo_size(ctx));
	d->ooo_head = 0;
	return true;
}

/* Writes [rel, rel + n) of the window (rel + n <= ooo_max), first-wins. */
static bool ooo_write(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d,
		      uint32_t rel, const uint8_t *p, uint32_t n)
{
	uint32_t w = ctx->cfg.ooo_max, i, idx = d->ooo_head + rel;
	bool overlap = false;

	if (idx >= w)
		idx -= w;
	for (i = 0; i < n; i++) {
		if (!bit(d->ooo_map, idx)) {
			d->ooo[idx] = p[i];
			d->ooo_map[idx / 64] |= 1ull << (idx % 64);
			d->ooo_bytes++;
		} else {
			overlap = true;
			ctx->st.overlap_diff += d->ooo[idx] != p[i];
		}
		if (++idx == w)
			idx = 0;
	}
	return overlap;
}

/* Moves the bytes present at the head of the window to the data. */
static void ooo_drain(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d)
{
	uint32_t w = ctx->cfg.ooo_max, h, n, i;

	while (d->ooo_bytes && bit(d->ooo_map, d->ooo_head)) {
		h = d->ooo_head;
		for (n = 0; h + n < w && bit(d->ooo_map, h + n); n++)
			;
		append(ctx, d, d->ooo + h, n);
		for (i = h; i < h + n; i++)
			d->ooo_map[i / 64] &= ~(1ull << (i % 64));
		d->ooo_bytes -= n;
		d->ooo_head = h + n == w ? 0 : h + n;
	}
	if (!d->ooo_bytes)
		drop_ooo(ctx, d);
}

/*
 * Skips the hole at the head of the window up to the next byte present,
 * or @limit bytes if that comes first.
 */
static void ooo_skip_hole(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d,
			  uint32_t limit)
{
	uint32_t w = ctx->cfg.ooo_max, idx = d->ooo_head, k = 0;

	while (k < limit && !bit(d->ooo_map, idx)) {
		k++;
		if (++idx == w)
			idx = 0;
	}
	d->ooo_head = idx;
	skip(ctx, d, k);
}

/* ---- segments ------------------------------------------------------- */

/*
 * Takes a segment into the stream. False when it lies wholly beyond the
 * out-of-order window with nothing waiting and no acknowledgement from
 * the receiver that data before it exists: then it is not stream data
 * (a bogus or injected segment must not move the stream) and the packet
 * is inspected on its own.
 */
static bool add_segment(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d,
			uint32_t seq, const uint8_t *p, uint32_t n)
{
	uint32_t w = ctx->cfg.ooo_max, old, part;
	bool overlap = false, waited = false;
	int32_t rel;

	rel = sdiff(seq, d->next_seq);
	if (rel > 0 && (uint64_t)rel >= w && !d->ooo_bytes &&
	    !(d->acked_known && sdiff(d->acked, d->next_seq) > 0)) {
		ctx->st.out_of_window++;
		return false;
	}
	ctx->st.segments++;
	/*
	 * Bytes before @seq that the receiver already acknowledged will not
	 * come again: the capture lost them. A gap now, as Suricata's on the
	 * acknowledgement, rather than a hole waiting for the flow's end
	 * (past the window, the loop below makes the gap).
	 */
	if (rel > 0 && (uint64_t)rel < w && d->acked_known &&
	    sdiff(d->acked, d->next_seq) > 0) {
		old = (uint32_t)sdiff(d->acked, d->next_seq);
		if (old > (uint32_t)rel)
			old = (uint32_t)rel;
		if (d->ooo_bytes) {
			ooo_skip_hole(ctx, d, old);
			ooo_drain(ctx, d);
		} else {
			skip(ctx, d, old);
		}
	}
	if (d->fin) {		/* nothing after the FIN */
		rel = sdiff(d->fin_seq, seq);
		if (rel <= 0)
			return true;
		if ((uint32_t)rel < n)
			n = (uint32_t)rel;
	}
	while (n && !d->done) {
		rel = sdiff(seq, d->next_seq);
		if (rel < 0) {
			old = (uint32_t)-(int64_t)rel;
			if (old >= n) {
				compare_old(ctx, d, seq, p, n);
				if (!overlap)
					ctx->st.retransmits++;
				return true;
			}
			compare_old(ctx, d, seq, p, old);
			overlap = true;
			seq += old;
			p += old;
			n -= old;
			rel = 0;
		}
		if (rel == 0 && !d->ooo_bytes) {
			append(ctx, d, p, n);
			break;
		}
		if (rel == 0 || (uint64_t)rel + n <= w) {
			if (!ooo_alloc(ctx, d)) {
				ctx->st.memcap++;
				dir_done(d);
				break;
			}
			part = (uint64_t)rel + n <= w ? n : w - (uint32_t)rel;
			overlap |= ooo_write(ctx, d, (uint32_t)rel, p, part);
			waited |= rel > 0;
			ooo_drain(ctx, d);
			seq += part;
			p += part;
			n -= part;
			continue;
		}
		/* The hole at next_seq outlasted the window: a gap. */
		if (d->ooo_bytes) {
			ooo_skip_hole(ctx, d, (uint32_t)rel);
			ooo_drain(ctx, d);
		} else {
			skip(ctx, d, (uint32_t)rel);
		}
	}
	if (overlap)
		ctx->st.overlaps++;
	if (waited)
		ctx->st.out_of_order++;
	return true;
}

/* ---- session -------------------------------------------------------- */

/*
 * A direction that can get no more stream data, its data complete up to
 * its FIN with nothing waiting, or the session reset, needs its buffer no
 * longer: it goes at the next packet of the session (the engine had the
 * last data with the previous one). A flow that timed out keeps nothing
 * either. Data waiting behind a hole of a reset session stays for the
 * flow-end flush (after the hole, the stream restarts anyway).
 */
static void release_finished(struct nfips_stream_ctx *ctx, const struct nfips_tcp *t,
			     struct nfips_tcp_dir *d)
{
	if (!d->data || !(t->reset || (d->fin && d->next_seq == d->fin_seq && !d->ooo_bytes)))
		return;
	drop_data(ctx, d);
	d->data_abs = d->next_abs;
}

static bool rst_valid(const struct nfips_tcp_dir *d, uint32_t seq)
{
	int32_t rel;

	if (!d->known)
		return true;
	rel = sdiff(seq, d->next_seq);
	return rel >= -1 && rel <= (1 << 20);
}

/*
 * The SYN/ACK did not acknowledge the Fast Open data of the SYN: the
 * stream starts empty at ISN + 1, as if the SYN had carried nothing, so
 * that whatever the client sends there is new data.
 */
static void syn_data_unacked(struct nfips_stream_ctx *ctx, struct nfips_tcp_dir *d)
{
	d->next_seq -= (uint32_t)d->next_abs;
	d->next_abs = d->data_abs = 0;
	d->len = 0;
	d->gen++;
	d->syn_data = 0;
	drop_ooo(ctx, d);
}

/*
 * Session state from the SYN, SYN/ACK and ACK flags. Returns true when
 * this packet completed the handshake.
 */
static bool handshake(struct nfips_stream_ctx *ctx, struct nfips_tcp *t, int dir,
		      const struct nfips_pkt *p)
{
	struct nfips_tcp_dir *d = &t->dir[dir], *o = &t->dir[!dir];
	uint8_t fl = p->tcp_flags & (NFIPS_TH_SYN | NFIPS_TH_ACK);
	uint32_t seq = p->tcp_seq;
	bool done = false;

	switch (t->state) {
	case NFIPS_TCP_NONE:
		if (fl == NFIPS_TH_SYN) {
			t->state = NFIPS_TCP_SYN_SENT;
			t->tfo = p->tcp_tfo;
			dir_init(d, seq + 1);
		} else if (!ctx->cfg.midstream) {
			return false;	/* no session: packets inspected alone */
		} else if (fl == (NFIPS_TH_SYN | NFIPS_TH_ACK)) {
			t->state = NFIPS_TCP_SYN_RECV;
			dir_init(d, seq + 1);
			dir_init(o, p->tcp_ack);
		} else {
			/* Picked up mid-stream: established from the next packet. */
			t->state = NFIPS_TCP_ESTABLISHED;
			t->established = t->midstream = true;
			dir_init(d, seq);
			if (fl & NFIPS_TH_ACK)
				dir_init(o, p->tcp_ack);
		}
		break;
	case NFIPS_TCP_SYN_SENT:
		if (dir == 0 && fl == NFIPS_TH_SYN && !d->next_abs) {
			dir_init(d, seq + 1);		/* SYN again, maybe a new ISN */
			t->tfo |= p->tcp_tfo;
		} else if (dir == 1 && fl == NFIPS_TH_SYN) {
			/* Answered by a SYN: the client's SYN/ACK comes next. */
			t->four_whs = true;
			dir_init(d, seq + 1);
		} else if (dir == 0 && fl == (NFIPS_TH_SYN | NFIPS_TH_ACK) && t->four_whs) {
			t->state = NFIPS_TCP_SYN_RECV;
		} else if (dir == 1 && fl == (NFIPS_TH_SYN | NFIPS_TH_ACK)) {
			t->state = NFIPS_TCP_SYN_RECV;
			t->four_whs = false;	/* a three-way handshake after all */
			dir_init(d, seq + 1);
			if (t->tfo || p->tcp_tfo) {
				/* Suricata: a Fast Open session is established here. */
				t->tfo = t->established = true;
				if (o->syn_data && p->tcp_ack != o->next_seq)
					syn_data_unacked(ctx, o);
				o->syn_data = 0;
			}
		}
		break;
	case NFIPS_TCP_SYN_RECV:
		if (dir == 1 && fl == (NFIPS_TH_SYN | NFIPS_TH_ACK) && !d->next_abs &&
		    !t->four_whs) {
			dir_init(d, seq + 1);
		} else if (dir == (t->four_whs ? 1 : 0) && fl == NFIPS_TH_ACK) {
			t->state = NFIPS_TCP_ESTABLISHED;
			t->established = done = true;
		}
		break;
	}
	if (!d->known)
		dir_init(d, seq + (fl & NFIPS_TH_SYN ? 1 : 0));
	return done;
}

void nfips_tcp_packet(struct nfips_stream_ctx *ctx, struct nfips_tcp *t,
		      int dir, const struct nfips_pkt *p,
		      struct nfips_tcp_result *res)
{
	struct nfips_tcp_dir *d = &t->dir[dir], *o = &t->dir[!dir];
	uint8_t fl = p->tcp_flags;
	uint32_t seq, before_len, gen;
	bool was = t->established, completed, take;

	memset(res, 0, sizeof(*res));
	if (d->done && (d->data || d->ooo)) {
		drop_data(ctx, d);
		drop_ooo(ctx, d);
	}
	release_finished(ctx, t, d);
	release_finished(ctx, t, o);
	if (fl & NFIPS_TH_RST) {
		if (rst_valid(d, p->tcp_seq)) {
			t->reset = true;
			t->state = NFIPS_TCP_CLOSED;
		} else {
			ctx->st.bad_rst++;
		}
		res->established = t->established;
		return;
	}
	completed = handshake(ctx, t, dir, p);
	if (t->state == NFIPS_TCP_NONE)
		return;		/* no session (mid-stream pickup off) */
	if ((fl & NFIPS_TH_ACK) &&
	    (!o->acked_known || sdiff(p->tcp_ack, o->acked) > 0)) {
		o->acked = p->tcp_ack;
		o->acked_known = true;
	}
	seq = p->tcp_seq + (fl & NFIPS_TH_SYN ? 1 : 0);
	/* Data on a SYN only with Fast Open; never on a SYN/ACK (Suricata). */
	take = !(fl & NFIPS_TH_SYN) ||
	       (dir == 0 && !(fl & NFIPS_TH_ACK) && p->tcp_tfo &&
		t->state == NFIPS_TCP_SYN_SENT);
	if (p->payload_len && take && !t->reset && !d->done) {
		before_len = d->len;
		gen = d->gen;
		res->stream_add = add_segment(ctx, d, seq, p->payload,
					      p->payload_len);
		if (fl & NFIPS_TH_SYN)
			d->syn_data = p->payload_len;
		res->st.new_from = d->gen == gen ? before_len : 0;
		if (d->len > res->st.new_from) {
			res->inspect = true;
			res->st.data = d->data;
			res->st.len = d->len;
			res->st.anchored = true;
			res->st.stream_off = d->data_abs;
		}
	}
	if ((fl & NFIPS_TH_FIN) && !d->fin && !t->reset) {
		d->fin = true;
		d->fin_seq = seq + p->payload_len;
		if (o->fin)
			t->state = NFIPS_TCP_CLOSED;
		else if (t->state >= NFIPS_TCP_ESTABLISHED)
			t->state = NFIPS_TCP_CLOSING;
	}
	/* The handshake's last packet is established if it carries data. */
	res->established = was || (completed && p->payload_len);
}

bool nfips_tcp_flush(struct nfips_stream_ctx *ctx, struct nfips_tcp *t,
		     int dir, struct nfips_stream *st)
{
	struct nfips_tcp_dir *d = &t->dir[dir];

	while (!d->done && d->ooo_bytes) {
		ooo_skip_hole(ctx, d, UINT32_MAX);
		ooo_drain(ctx, d);
		if (!d->len)
			continue;
		memset(st, 0, sizeof(*st));
		st->data = d->data;
		st->len = d->len;
		st->anchored = true;
		st->stream_off = d->data_abs;
		return true;
	}
	return false;
}

bool nfips_tcp_reuse(const struct nfips_tcp *t, const struct nfips_pkt *p)
{
	return t->state == NFIPS_TCP_CLOSED &&
	       (p->tcp_flags & (NFIPS_TH_SYN | NFIPS_TH_ACK | NFIPS_TH_RST)) ==
	       NFIPS_TH_SYN;
}

void nfips_tcp_release(struct nfips_stream_ctx *ctx, struct nfips_tcp *t)
{
	int i;

	for (i = 0; i < 2; i++) {
		drop_data(ctx, &t->dir[i]);
		drop_ooo(ctx, &t->dir[i]);
	}
}
