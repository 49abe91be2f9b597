// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: flows. The table of TCP and UDP flows first, then TCP
 * sequencing (where a segment sits in its direction's stream, whether it
 * is scanned, continued or let through past the depth), then the flow
 * verdicts (inspect here, queue to the daemon, bypass, drop).
 *
 * Per-flow state for TCP and UDP. A fixed table per namespace,
 * allocated when the hooks go on so that the packet path never allocates,
 * remembers for each flow its verdict (inspect, queue to the daemon,
 * bypass, drop: Documentation/design.rst) and, for TCP, for each
 * direction where the next in-order segment starts, the matcher's state
 * there and how much of the stream was scanned. That lets a pattern split
 * across segments match, and the scan stop at the stream depth (as
 * Suricata's stream.reassembly.depth does).
 *
 * An entry belongs to one connection: a SYN that makes a new conntrack
 * entry starts the flow's entry afresh, and so does a SYN that reopens
 * the connection on the same conntrack entry (hooks.c), so a verdict never
 * outlives its connection into the next one on the same addresses and
 * ports. A conntrack entry made mid-stream (conntrack lost the flow and
 * picked it up again) continues the flow's entry, verdict and stream
 * (NAT, which changes the reply tuple after the first packet, changes
 * nothing here). Buckets of
 * NFIPS_FLOW_WAYS entries; a new flow takes an empty entry, else the
 * idlest of those that hold no established flow: one whose handshake
 * conntrack has not seen completed (TCP) or that had no reply (UDP), one
 * that closed, or one idle for NFIPS_FLOW_LIVE. Spoofed SYNs therefore
 * only ever push out each other, never a live connection; a new flow that
 * finds no such entry goes without one (counted: flows_untracked). An
 * entry is held with a lock bit while one packet of the flow is scanned: a
 * packet of the same flow on another CPU waits for it (one segment's scan)
 * rather than be scanned out of the flow's order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/reciprocal_div.h>
#include <linux/slab.h>
#include "match.h"
#include "stream.h"

#define NFIPS_FLOW_WAYS		4
/* An entry used more recently than this is a live flow when evicted. */
#define NFIPS_FLOW_LIVE		(60 * HZ)

#define NFIPS_FLOW_F_KEEP	(NFIPS_FLOW_F_ANCHORED | NFIPS_FLOW_F_DAEMON)

static size_t flows_bytes(u32 buckets)
{
	return struct_size_t(struct nfips_flows, slot,
			     (size_t)buckets * NFIPS_FLOW_WAYS);
}

/*
 * The namespace's table: max_flows (userns_max_flows in a namespace of
 * an unprivileged user, main.c) rounded down to a power of two, charged
 * to the caller's memory cgroup and to the module's budget. NULL when
 * that is 0 (every packet scanned on its own), or when the budget or
 * memory does not allow it: the kernel log says which, status reports a
 * table of 0 flows. max_flows is bounded (main.c) so that the table can
 * be allocated at all.
 */
struct nfips_flows *nfips_flows_alloc(struct nfips_net *nn)
{
	u32 max_flows = nfips_net_max_flows(nn);
	bool userns = nfips_net_unprivileged(nn);
	struct nfips_flows *ft;
	u32 buckets;
	size_t size;

	if (max_flows < NFIPS_FLOW_WAYS)
		return NULL;
	buckets = rounddown_pow_of_two(max_flows / NFIPS_FLOW_WAYS);
	size = flows_bytes(buckets);
	if (!nfips_mem_charge(userns, size)) {
		pr_warn_ratelimited("no flow table: %zu bytes past %s; segments scanned alone\n",
				    size, userns ? "userns_max_total_mem or max_total_mem" :
				    "max_total_mem");
		return NULL;
	}
	ft = kvzalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ft) {
		nfips_mem_uncharge(userns, size);
		pr_warn_ratelimited("no flow table: no memory for %zu bytes; segments scanned alone\n",
				    size);
		return NULL;
	}
	ft->mask = buckets - 1;
	ft->userns = userns;
	ft->seed = get_random_u32();
	return ft;
}

void nfips_flows_free(struct nfips_flows *ft)
{
	if (!ft)
		return;
	nfips_mem_uncharge(ft->userns, flows_bytes(ft->mask + 1));
	kvfree(ft);
}

u32 nfips_flows_size(const struct nfips_flows *ft)
{
	return ft ? (ft->mask + 1) * NFIPS_FLOW_WAYS : 0;
}

static bool flow_trylock(struct nfips_flow *f)
{
	return !test_and_set_bit_lock(NFIPS_FLOW_BUSY, &f->busy);
}

static struct nfips_flow *bucket_of(struct nfips_flows *ft, u32 hash)
{
	return &ft->slot[((hash >> 1) & ft->mask) * NFIPS_FLOW_WAYS];
}

/* Whether a new flow may take @f's entry. */
static bool flow_evictable(const struct nfips_flow *f, unsigned long now)
{
	u8 flags = READ_ONCE(f->flags);

	if (!READ_ONCE(f->hash))
		return true;
	if ((flags & NFIPS_FLOW_F_CLOSED) || !(flags & NFIPS_FLOW_F_KEEP))
		return true;
	return !time_before(now, READ_ONCE(f->last) + NFIPS_FLOW_LIVE);
}

/* A fresh start for a new connection on @f (held). */
static void flow_init(struct nfips_flow *f)
{
	f->serial = 0;
	WRITE_ONCE(f->verdict, NFIPS_FLOW_INSPECT);
	WRITE_ONCE(f->flags, 0);
	f->epoch = 0;
	f->ct_state = 0;
	f->ct_id = 0;
	memset(f->dir, 0, sizeof(f->dir));
}

/* A new connection on the flow of @f (held): the entry starts afresh. */
void nfips_flow_restart(struct nfips_net *nn, struct nfips_flow *f)
{
	flow_init(f);
	this_cpu_inc(nn->stats->flows);
}

/*
 * The entry of the flow @key, held; @new_ct: the packet begins a
 * connection with a conntrack entry of its own. A new entry (*@fresh) is inspected, with both
 * directions unsynchronised: the caller chooses its verdict. Without
 * @create only an existing entry is returned. NULL when there is none:
 * scan the packet alone. BH context.
 */
struct nfips_flow *nfips_flow_get(struct nfips_net *nn,
				  struct nfips_flows *ft,
				  const struct nfips_flow_key *key, u32 hash,
				  bool new_ct, bool create, bool *fresh)
{
	struct nfips_flow *bucket, *f, *victim = NULL;
	unsigned long now = jiffies;
	unsigned int i;

	*fresh = false;
	bucket = bucket_of(ft, hash);
	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (READ_ONCE(f->hash) != hash)
			continue;
		/* Held for one packet's scan by another CPU at most. */
		while (!flow_trylock(f))
			cpu_relax();
		/* Checked again under the bit: the entry may have changed. */
		if (f->hash == hash && !memcmp(&f->key, key, sizeof(*key))) {
			WRITE_ONCE(f->last, now);
			if (new_ct) {
				/* Another connection on the same ports. */
				nfips_flow_restart(nn, f);
				*fresh = true;
			}
			return f;
		}
		nfips_flow_put(f);
	}
	if (!create)
		return NULL;

	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (!READ_ONCE(f->hash)) {
			victim = f;
			break;
		}
		if (!flow_evictable(f, now))
			continue;
		if (!victim || time_before(READ_ONCE(f->last),
					   READ_ONCE(victim->last)))
			victim = f;
	}
	if (!victim) {
		this_cpu_inc(nn->stats->flows_untracked);
		return NULL;
	}
	if (!flow_trylock(victim))
		return NULL;
	/* Checked again under the bit: it may have become established. */
	if (!flow_evictable(victim, now)) {
		nfips_flow_put(victim);
		this_cpu_inc(nn->stats->flows_untracked);
		return NULL;
	}
	if (victim->hash && !(victim->flags & NFIPS_FLOW_F_CLOSED) &&
	    time_before(now, victim->last + NFIPS_FLOW_LIVE))
		this_cpu_inc(nn->stats->flows_evicted);
	this_cpu_inc(nn->stats->flows);
	victim->key = *key;
	WRITE_ONCE(victim->last, now);
	flow_init(victim);
	WRITE_ONCE(victim->hash, hash);
	*fresh = true;
	return victim;
}

/*
 * NFIPS_CMD_FLOW_VERDICT: sets the verdict of the flow @key if the table
 * has it. Process context; waits for the entry's bit, which a packet
 * holds only while it is scanned. -ENOENT when the flow has no entry,
 * -ESTALE when @ct_id (0: not given) is not its conntrack entry's: the
 * verdict was for another connection on the same addresses and ports.
 */
int nfips_flow_set_verdict(struct nfips_flows *ft,
			   const struct nfips_flow_key *key, u32 ct_id,
			   u8 verdict)
{
	u32 hash = nfips_flow_hash(ft, key);
	struct nfips_flow *bucket = bucket_of(ft, hash), *f;
	unsigned int i;
	int ret = -ENOENT;

	local_bh_disable();
	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (READ_ONCE(f->hash) != hash)
			continue;
		while (!flow_trylock(f))
			cpu_relax();
		if (f->hash == hash && !memcmp(&f->key, key, sizeof(*key))) {
			if (ct_id && ct_id != f->ct_id) {
				ret = -ESTALE;
			} else {
				WRITE_ONCE(f->verdict, verdict);
				WRITE_ONCE(f->flags,
					   (f->flags | NFIPS_FLOW_F_DAEMON) &
					   ~(NFIPS_FLOW_F_ABSENT |
					     NFIPS_FLOW_F_OVERLOAD));
				ret = 0;
			}
		}
		nfips_flow_put(f);
		if (ret != -ENOENT)
			break;
	}
	local_bh_enable();
	return ret;
}

/*
 * The receiver of the other direction acknowledged up to @ack: if that
 * direction has no offsets yet, they count from there. Only the receiver
 * knows which bytes it took: a SYN, or segments it threw away, cannot move
 * offset 0 back and so put data within the depth past it. Only an ack of
 * bytes seen here since the direction's SYN (or first byte) counts: an
 * old one, from an earlier connection on the same ports, would put the
 * new connection's start past the depth. The SYN-ACK (@synack) says
 * which SYN the receiver took, when SYNs with different sequence numbers
 * crossed: the direction starts there if it carried nothing yet.
 */
static void stream_anchor(struct nfips_flow_dir *od, u32 ack, bool synack)
{
	if (od->anchored || !od->synced)
		return;
	if (synack && od->next == od->start) {
		od->start = ack;
		od->next = ack;
		od->ast = 0;
	}
	if ((s32)(ack - od->start) < 0 || (s32)(od->next - ack) < 0)
		return;
	od->anchored = true;
	od->pos = od->next - ack;
}

/*
 * The receiver acknowledged bytes past the ones seen here in order: they
 * went through without the entry (conntrack found them invalid, or the
 * flow had no entry then; scanned alone). Continue from what the receiver
 * has, or every later segment would look ahead of a hole for ever: the
 * sender resends from the receiver's acknowledgment, never from before.
 * Only an ack of data counts, never a SYN-ACK's (it acknowledges a SYN,
 * perhaps of a new connection on the same conntrack entry: its distance
 * from this one's bytes means nothing), nor one from before the
 * direction's start.
 */
static void stream_catch_up(struct nfips_flow_dir *od, u32 ack)
{
	s32 d = (s32)(ack - od->next);

	if (!od->synced || d <= 0 || (s32)(ack - od->start) < 0)
		return;
	od->pos += d;
	od->next = ack;
	od->ast = 0;
}

/*
 * Positions a TCP segment in its flow. Every segment is scanned whole; an
 * in-order one continues the flow's matcher state (*@ast), so a pattern
 * split across segments matches. One that overlaps what was scanned is
 * scanned on its own and its new tail, from *@skip, continued: the bytes
 * scanned before need not be the ones the receiver kept. A retransmission
 * of scanned bytes is scanned on its own and leaves the flow alone (the
 * original may have been dropped). A segment ahead of a hole within the
 * depth (NFIPS_STREAM_AHEAD) leaves the flow alone too: the bytes before it are
 * still to come, and only in order can a pattern across the hole be seen.
 * Offsets, for the depth, count by sequence number from where the
 * receiver's acknowledgments placed them (stream_anchor()). A SYN restarts
 * its direction only while conntrack says the connection is new or in its
 * handshake (@syn_ok): on an established one, 6.1 conntrack lets a SYN
 * through without a window check.
 */
enum nfips_stream_pos nfips_stream_begin(struct nfips_net *nn,
					 const struct nfips_policy *p,
					 struct nfips_stream *s,
					 const struct nfips_pkt *pkt,
					 bool new_conn, bool syn_ok,
					 nfips_ac_state *ast, u32 *skip)
{
	struct nfips_flow_dir *fd = s->fd;
	struct nfips_flow_dir *od = &s->f->dir[fd == &s->f->dir[0]];
	u32 depth = READ_ONCE(nn->stream_depth);
	s32 done;

	if (s->f->serial != (u32)p->serial) {
		/* A matcher state means nothing to another automaton. */
		s->f->dir[0].ast = 0;
		s->f->dir[1].ast = 0;
		s->f->serial = p->serial;
	}
	s->seq = pkt->seq + pkt->syn;
	s->cont = true;
	s->off = 0;
	if (pkt->syn && !syn_ok) {
		/* The receiver ignores it (RFC 5961): so does the flow. */
		this_cpu_inc(nn->stats->syns_ignored);
		s->cont = false;
		return NFIPS_STREAM_SCAN;
	}
	if (pkt->syn) {
		/* Offsets wait for the receiver's ack of this SYN. */
		if (new_conn) {
			od->synced = false;
			WRITE_ONCE(od->anchored, false);
		}
		if (new_conn && pkt->ack) {
			/* A SYN-ACK begins it: it says where the SYN was. */
			od->synced = true;
			od->start = pkt->ack_seq;
			od->next = pkt->ack_seq;
			od->ast = 0;
		}
		fd->synced = true;
		WRITE_ONCE(fd->anchored, false);
		fd->next = s->seq;
		fd->start = s->seq;
		fd->ast = 0;
	}
	if (pkt->ack) {
		stream_anchor(od, pkt->ack_seq, pkt->syn);
		if (!pkt->syn)
			stream_catch_up(od, pkt->ack_seq);
	}
	if (!fd->synced)
		return NFIPS_STREAM_SCAN;
	done = (s32)(fd->next - s->seq);
	s->off = fd->pos - done;
	if (done < 0 && pkt->len &&
	    (!depth || !fd->anchored || fd->pos < depth)) {
		this_cpu_inc(nn->stats->ahead);
		s->cont = false;
		return NFIPS_STREAM_AHEAD;
	}
	if (depth && fd->anchored && s->off >= depth) {
		/* Keeping the place keeps offsets right however long the flow. */
		if (done <= 0) {
			fd->next = s->seq + pkt->len;
			fd->pos = s->off + pkt->len;
			fd->ast = 0;
		}
		this_cpu_add(nn->stats->depth_bytes, pkt->len);
		return NFIPS_STREAM_DEPTH;
	}
	if (done >= 0 && done < (s32)pkt->len) {
		*ast = fd->ast;
		*skip = done;
	} else if (done > 0) {
		s->cont = false;
	}
	return NFIPS_STREAM_SCAN;
}

/* The segment was let through: the flow continues after it. */
void nfips_stream_end(struct nfips_stream *s, const struct nfips_pkt *pkt,
		      nfips_ac_state ast)
{
	struct nfips_flow_dir *fd = s->fd;

	if (!fd->synced)
		fd->start = s->seq;
	fd->ast = ast;
	fd->next = s->seq + pkt->len;
	fd->pos = s->off + pkt->len;
	fd->synced = true;
}

/* The verdict of a flow that begins with @pkt; *@flags, *@epoch with it. */
u8 nfips_flow_start(struct nfips_net *nn, const struct nfips_policy *p,
		    const struct nfips_pkt *pkt, u8 *flags, u16 *epoch)
{
	u64 d;

	*flags = 0;
	*epoch = 0;
	if (!p->nsels || !nfips_sel_match(p, pkt))
		return NFIPS_FLOW_INSPECT;
	d = READ_ONCE(nn->daemon);
	if (!d) {
		*flags = NFIPS_FLOW_F_ABSENT;
		return NFIPS_FLOW_INSPECT;
	}
	if (READ_ONCE(nn->overload)) {
		*flags = NFIPS_FLOW_F_OVERLOAD;
		return NFIPS_FLOW_INSPECT;
	}
	*epoch = nfips_daemon_epoch(d);
	return NFIPS_FLOW_QUEUE;
}

/*
 * After the kernel's rules let the packet through: to the daemon's queue
 * for a queued flow, a flow spread by its hash; a flow chosen for the
 * daemon that cannot have it passes (or, fail-closed, is dropped).
 */
unsigned int nfips_flow_fate(struct nfips_net *nn, u8 fv, u8 flags, u32 hash)
{
	bool open = READ_ONCE(nn->fail_open);
	unsigned int v;
	u64 d;

	if (fv == NFIPS_FLOW_QUEUE) {
		d = READ_ONCE(nn->daemon);
		if (d) {
			this_cpu_inc(nn->stats->queued);
			v = NF_QUEUE_NR(nfips_daemon_queue(d) +
					reciprocal_scale(hash, nfips_daemon_queues(d)));
			if (open)
				v |= NF_VERDICT_FLAG_QUEUE_BYPASS;
			return v;
		}
		flags |= NFIPS_FLOW_F_ABSENT;
	}
	if (flags & NFIPS_FLOW_F_ABSENT)
		this_cpu_inc(nn->stats->daemon_absent);
	else if (flags & NFIPS_FLOW_F_OVERLOAD)
		this_cpu_inc(nn->stats->daemon_overload);
	else
		return NF_ACCEPT;
	return open ? NF_ACCEPT : NF_DROP;
}
