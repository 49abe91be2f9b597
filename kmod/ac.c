// SPDX-License-Identifier: GPL-2.0
/*
 * Aho-Corasick multi-pattern matcher, one source for nfips.ko and userspace.
 *
 * Case-sensitive and case-insensitive patterns live in two automata scanned
 * side by side in one pass: one automaton over both kinds would need either
 * a case-expanded trie (exponential in the letters of a nocase pattern) or
 * a verification of the exact bytes after a folded match, which a stream
 * cannot do once the start of the match lies in an earlier packet.
 *
 * Each automaton is a DFA over byte classes. States near the root, where a
 * scan spends nearly all of its time, have dense rows (one transition per
 * class); deeper states, mostly long single-path tails, keep only their
 * trie edges and a failure link. Documentation/matcher.rst explains the
 * layout and its numbers.
 *
 * A state is named by a "code": for a dense state the offset of its row in
 * the dense table, for a sparse state sparse_base plus its offset in the
 * sparse pool. Codes are grouped so that one comparison tells the common
 * case (dense, no output) from the rest:
 *   [0, out_off)              dense, no output
 *   [out_off, sparse_base)    dense, reports output
 *   [sparse_base, end_code)   sparse (output flagged in the node)
 * Within the first group, breadth-first order puts the root (code 0), then
 * the states of depth 1 and 2, so that depth_end[] tells their depth.
 *
 * In front of both automata sits a filter (ac_filter.c, after Hyperscan's
 * FDR) that tells from the bytes at a position whether a pattern may begin
 * there. While both automata are at depth <= 2, the scan jumps to the next
 * position where one may, restarting from the root: no match can begin in
 * between, and none in progress began before (it would make the automaton
 * deeper). Skipped bytes cost a table load each that does not depend on
 * the previous one, not the dependent load that bounds the automaton.
 */
#include "ac.h"
#include "ac_filter.h"

#define AC_NONE		0xffffffffU
/* Dense rows for the shallow states get at most this much memory. */
#define AC_DENSE_BYTES	(2U << 20)
/* Sparse node: edge count, failure code, outset, class bytes, next codes. */
#define SP_HDR		3
#define SP_FAIL		1
#define SP_OUT		2

struct ac_outset {
	u32 start;	/* first id in ids[] */
	u32 count;	/* ids ending exactly at this state */
	u32 next;	/* outset of the longest suffix state with output */
};

struct ac_dfa {
	u32 ncls;
	u32 depth_end[3];	/* codes below depth_end[k] have depth <= k */
	u32 out_off;
	u32 sparse_base;
	u32 end_code;
	u32 nstates;
	u32 *dense;
	u32 *pool;
	struct ac_outset *outsets;
	u32 *ids;
	u8 cls[256];
};

struct nfips_ac {
	struct ac_dfa dfa[2];	/* case-sensitive, nocase */
	struct ac_filter filter;
	size_t mem;
	int simd;		/* what nfips_ac_scan() uses */
};

/* Trie node used while building only. */
struct bnode {
	u32 child;	/* first child, 0 if none (the root is never a child) */
	u32 sibling;
	u32 fail;
	u32 dict;	/* nearest proper suffix node with output, 0 if none */
	u32 out_head;	/* own ids, as a list in build->out_next, AC_NONE-ended */
	u32 out_tail;
	u32 code;
	u32 outset;
	u32 nchild;
	u16 depth;
	u8 cls;
};

struct build {
	struct bnode *n;
	u32 nnodes;
	u32 *order;		/* nodes in breadth-first order */
	u32 *out_id;		/* per own-output entry: pattern id */
	u32 *out_next;
	u32 nout;
	u32 noutsets;
};

static void dfa_free(struct ac_dfa *d)
{
	ac_free(d->dense);
	ac_free(d->pool);
	ac_free(d->outsets);
	ac_free(d->ids);
}

static bool selected(const struct nfips_ac_pattern *p, bool nocase)
{
	return !!(p->flags & NFIPS_AC_NOCASE) == nocase;
}

/*
 * Classes: bytes no pattern uses share one, every used byte gets its own
 * (folded first in the nocase automaton).
 */
static void make_classes(struct ac_dfa *d, const struct nfips_ac_pattern *p,
			 u32 np, bool nocase)
{
	bool used[256] = { false };
	u32 i, j, nused = 0, next;

	for (i = 0; i < np; i++)
		for (j = 0; selected(&p[i], nocase) && j < p[i].len; j++)
			used[nocase ? nfips_ac_fold(p[i].bytes[j]) : p[i].bytes[j]] = true;
	for (i = 0; i < 256; i++)
		nused += used[i];
	/* With every byte in use there is no room for (nor need of) class 0. */
	next = nused == 256 ? 0 : 1;
	for (i = 0; i < 256; i++)
		d->cls[i] = used[i] ? next++ : 0;
	if (nocase)
		for (i = 'A'; i <= 'Z'; i++)
			d->cls[i] = d->cls[nfips_ac_fold(i)];
	d->ncls = next;
}

static u32 find_child(const struct build *b, u32 node, u8 c)
{
	u32 k;

	for (k = b->n[node].child; k; k = b->n[k].sibling)
		if (b->n[k].cls == c)
			return k;
	return 0;
}

static int trie_insert(struct build *b, const struct ac_dfa *d,
		       const struct nfips_ac_pattern *p, u32 max_nodes)
{
	u32 node = 0, j, k;

	for (j = 0; j < p->len; j++) {
		u8 c = d->cls[p->bytes[j]];

		k = find_child(b, node, c);
		if (!k) {
			if (b->nnodes >= max_nodes)
				return -ENOSPC;
			k = b->nnodes++;
			memset(&b->n[k], 0, sizeof(b->n[k]));
			b->n[k].out_head = AC_NONE;
			b->n[k].cls = c;
			b->n[k].depth = j + 1;
			b->n[k].sibling = b->n[node].child;
			b->n[node].child = k;
			b->n[node].nchild++;
		}
		node = k;
	}
	/* Append, so duplicate patterns report in the order given. */
	b->out_id[b->nout] = p->id;
	b->out_next[b->nout] = AC_NONE;
	if (b->n[node].out_head == AC_NONE)
		b->n[node].out_head = b->nout;
	else
		b->out_next[b->n[node].out_tail] = b->nout;
	b->n[node].out_tail = b->nout++;
	return 0;
}

static bool has_output(const struct bnode *n)
{
	return n->out_head != AC_NONE || n->dict;
}

/* Breadth-first: failure and dictionary links, in an order where every
 * node's failure target comes first.
 */
static int link_trie(struct build *b)
{
	u32 head = 0, tail = 0, k;
	int ret;

	b->order[tail++] = 0;
	while (head < tail) {
		u32 u = b->order[head++];

		for (k = b->n[u].child; k; k = b->n[k].sibling) {
			u32 f = b->n[u].fail;
			u32 t = 0;

			if (u) {
				while (!(t = find_child(b, f, b->n[k].cls)) && f)
					f = b->n[f].fail;
			}
			b->n[k].fail = t;
			b->n[k].dict = b->n[t].out_head != AC_NONE ?
				       t : b->n[t].dict;
			b->order[tail++] = k;
		}
		if (!(head & 1023)) {
			ret = ac_yield();
			if (ret)
				return ret;
		}
	}
	return 0;
}

static u32 sparse_words(u32 nchild)
{
	return SP_HDR + (nchild + 3) / 4 + nchild;
}

/* Lays out codes: dense non-output, dense output, then sparse nodes. */
static int assign_codes(struct build *b, struct ac_dfa *d, u32 *ndense,
			size_t *pool_words)
{
	u64 budget_states = AC_DENSE_BYTES / (sizeof(u32) * d->ncls);
	u32 i, k, depth_limit, nd = 0, pass;
	u64 code, sparse = 0;

	/* Dense up to the deepest level that still fits the budget. */
	depth_limit = 0;
	for (i = 0; i < b->nnodes; i++) {
		u32 dep = b->n[b->order[i]].depth;

		if (i + 1 < b->nnodes && b->n[b->order[i + 1]].depth == dep)
			continue;
		if (i + 1 > budget_states && dep > 0)
			break;
		depth_limit = dep;
	}
	b->noutsets = 0;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			d->out_off = nd * d->ncls;
		for (i = 0; i < b->nnodes; i++) {
			struct bnode *n = &b->n[b->order[i]];

			if (n->depth > depth_limit || has_output(n) != pass)
				continue;
			n->code = nd++ * d->ncls;
			for (k = n->depth; !pass && k < 3; k++)
				d->depth_end[k] = nd * d->ncls;
			n->outset = pass ? b->noutsets++ : AC_NONE;
		}
	}
	code = (u64)nd * d->ncls;
	d->sparse_base = code;
	for (i = 0; i < b->nnodes; i++) {
		struct bnode *n = &b->n[b->order[i]];

		if (n->depth <= depth_limit)
			continue;
		n->code = code + sparse;
		n->outset = has_output(n) ? b->noutsets++ : AC_NONE;
		sparse += sparse_words(n->nchild);
	}
	if (code + sparse >= AC_NONE)
		return -EFBIG;
	d->end_code = code + sparse;
	*ndense = nd;
	*pool_words = sparse;
	return 0;
}

static int fill_tables(struct build *b, struct ac_dfa *d)
{
	u32 i, k, m, pos = 0;
	int ret;

	for (i = 0; i < b->nnodes; i++) {
		struct bnode *n = &b->n[b->order[i]];

		if (n->outset != AC_NONE) {
			struct ac_outset *o = &d->outsets[n->outset];

			o->start = pos;
			o->count = 0;
			for (k = n->out_head; k != AC_NONE; k = b->out_next[k]) {
				d->ids[pos++] = b->out_id[k];
				o->count++;
			}
			o->next = n->dict ? b->n[n->dict].outset : AC_NONE;
		}
		if (n->code < d->sparse_base) {
			u32 *row = d->dense + n->code;

			/* Missing edges go where the failure state goes. */
			if (b->order[i] == 0)
				for (m = 0; m < d->ncls; m++)
					row[m] = 0;
			else
				memcpy(row, d->dense + b->n[n->fail].code,
				       d->ncls * sizeof(u32));
			for (k = n->child; k; k = b->n[k].sibling)
				row[b->n[k].cls] = b->n[k].code;
		} else {
			u32 *w = d->pool + (n->code - d->sparse_base);
			u8 *cls = (u8 *)(w + SP_HDR);
			u32 *next = w + SP_HDR + (n->nchild + 3) / 4;

			w[0] = n->nchild;
			w[SP_FAIL] = b->n[n->fail].code;
			w[SP_OUT] = n->outset;
			memset(cls, 0, (n->nchild + 3) / 4 * sizeof(u32));
			for (m = 0, k = n->child; k; k = b->n[k].sibling, m++) {
				cls[m] = b->n[k].cls;
				next[m] = b->n[k].code;
			}
		}
		if (!(i & 1023)) {
			ret = ac_yield();
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void *alloc_array(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	/* Never zero bytes: a NULL return must mean failure. */
	return ac_alloc(n && size ? n * size : 1);
}

/*
 * Builds one automaton from the patterns whose nocase flag equals @nocase.
 * @max_nodes bounds its states; @mem is increased by what it keeps.
 */
static int dfa_build(struct ac_dfa *d, const struct nfips_ac_pattern *pats,
		     u32 npats, bool nocase, u32 max_nodes, size_t *mem)
{
	struct build b = { 0 };
	size_t bytes = 1, pool_words, sel = 0;
	u32 i, ndense;
	int ret;

	for (i = 0; i < npats; i++) {
		if (!selected(&pats[i], nocase))
			continue;
		bytes += pats[i].len;
		sel++;
	}
	memset(d, 0, sizeof(*d));
	if (!sel)
		return 0;
	make_classes(d, pats, npats, nocase);
	if (bytes > max_nodes)
		bytes = max_nodes + 1;	/* enough to hit the limit */
	ret = -ENOMEM;
	b.n = alloc_array(bytes, sizeof(*b.n));
	b.order = alloc_array(bytes, sizeof(*b.order));
	b.out_id = alloc_array(sel, sizeof(*b.out_id));
	b.out_next = alloc_array(sel, sizeof(*b.out_next));
	if (!b.n || !b.order || !b.out_id || !b.out_next)
		goto out;
	memset(&b.n[0], 0, sizeof(b.n[0]));
	b.n[0].out_head = AC_NONE;
	b.nnodes = 1;
	for (i = 0; i < npats; i++) {
		if (!selected(&pats[i], nocase))
			continue;
		ret = trie_insert(&b, d, &pats[i], max_nodes);
		if (!ret && !(i & 255))
			ret = ac_yield();
		if (ret)
			goto out;
	}
	ret = link_trie(&b);
	if (ret)
		goto out;
	ret = assign_codes(&b, d, &ndense, &pool_words);
	if (ret)
		goto out;
	ret = -ENOMEM;
	d->dense = alloc_array((size_t)ndense * d->ncls, sizeof(u32));
	d->pool = alloc_array(pool_words, sizeof(u32));
	d->outsets = alloc_array(b.noutsets, sizeof(*d->outsets));
	d->ids = alloc_array(b.nout, sizeof(u32));
	if (!d->dense || !d->pool || !d->outsets || !d->ids)
		goto out;
	ret = fill_tables(&b, d);
	if (ret)
		goto out;
	d->nstates = b.nnodes;
	*mem += ((size_t)ndense * d->ncls + pool_words + b.nout) * sizeof(u32) +
		b.noutsets * sizeof(struct ac_outset);
out:
	if (ret)
		dfa_free(d);
	ac_free(b.n);
	ac_free(b.order);
	ac_free(b.out_id);
	ac_free(b.out_next);
	return ret;
}

/*
 * A state's share of a build's peak: its trie node and breadth-first slot
 * while building, and in the tables built a sparse node's header, its
 * parent's edge to it, an output set and a pattern id (dfa_build()).
 * Dense rows, the filter and the structure itself are bounded apart.
 */
#define AC_STATE_PEAK	(sizeof(struct bnode) + 13 * sizeof(u32))
#define AC_ROW_MAX	(256 * sizeof(u32))

size_t nfips_ac_build_bytes(u64 states)
{
	/* Dense rows of both automata: a row per state at most, and their
	 * budget plus the root's row; the filter's table (bounded from above:
	 * this bound was once that of bigger tables, and limits rest on it)
	 * and its skip loop's shifts.
	 */
	u64 per = states * AC_ROW_MAX;
	u64 rows = per < AC_DENSE_BYTES + AC_ROW_MAX ? per :
		   AC_DENSE_BYTES + AC_ROW_MAX;
	u64 filter = 65536 + (per < 65536 ? 65536 : per < (1U << 20) ? per :
			      (1U << 20)) + AC_FILTER_DOMAIN;

	if (states > (1ULL << 40))
		return (size_t)-1;
	return states * AC_STATE_PEAK + 2 * rows + filter + sizeof(struct nfips_ac);
}

/* The most states a build within @bytes may make (at least 1: the root). */
static u32 states_within(size_t bytes, u32 max)
{
	u32 lo = 1, hi = max;

	if (nfips_ac_build_bytes(hi) <= bytes)
		return hi;
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (nfips_ac_build_bytes(mid) <= bytes)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * What nfips_ac_scan() uses: in the kernel the scalar code (callers that
 * hold the vector registers ask for more); in userspace the fastest,
 * measured once per process, and until then (also while measuring, which
 * builds an automaton too) the best the CPU has.
 */
static int simd_default(void)
{
#if AC_SIMD_DEFAULT
	static int fastest = -1;
	int s = __atomic_load_n(&fastest, __ATOMIC_ACQUIRE);

	if (s >= 0)
		return s;
	__atomic_store_n(&fastest, nfips_ac_simd_best(), __ATOMIC_RELEASE);
	s = nfips_ac_simd_fastest(NULL);
	__atomic_store_n(&fastest, s, __ATOMIC_RELEASE);
	return s;
#else
	return NFIPS_AC_SCALAR;
#endif
}

int nfips_ac_build(struct nfips_ac **out, const struct nfips_ac_pattern *pats,
		   u32 npats, const struct nfips_ac_limits *lim, u32 *bad)
{
	struct nfips_ac_limits none = { 0 };
	bool mem_bound = false;
	struct nfips_ac *ac;
	u32 i, max_nodes;
	int ret;

	if (!lim)
		lim = &none;
	*out = NULL;
	if (lim->max_patterns && npats > lim->max_patterns)
		return -E2BIG;
	for (i = 0; i < npats; i++) {
		if (!pats[i].len || pats[i].len > NFIPS_AC_MAX_LEN ||
		    (pats[i].flags & ~NFIPS_AC_NOCASE) || !pats[i].bytes) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
	}
	/* Codes are 32-bit; state counts far below that keep them so. */
	max_nodes = lim->max_states ? lim->max_states : 1U << 30;
	/*
	 * The build's memory bounds its states before anything is allocated:
	 * a set too large is refused at the state past the bound, its trie
	 * never bigger than the bound (dfa_build() sizes it so).
	 */
	if (lim->max_build_bytes) {
		u32 n = states_within(lim->max_build_bytes, max_nodes);

		if (n < max_nodes) {
			max_nodes = n;
			mem_bound = true;
		}
	}
	ac = ac_zalloc(sizeof(*ac));
	if (!ac)
		return -ENOMEM;
	ac->mem = sizeof(*ac);
	ac->simd = simd_default();
	ret = dfa_build(&ac->dfa[0], pats, npats, false, max_nodes, &ac->mem);
	if (ret)
		goto err;
	max_nodes -= ac->dfa[0].nstates;
	ret = dfa_build(&ac->dfa[1], pats, npats, true, max_nodes, &ac->mem);
	if (ret)
		goto err;
	ret = nfips_ac_filter_build(&ac->filter, pats, npats, &ac->mem);
	if (ret)
		goto err;
	if (lim->max_bytes && ac->mem > lim->max_bytes) {
		ret = -EFBIG;
		goto err;
	}
	*out = ac;
	return 0;
err:
	nfips_ac_free(ac);
	return ret == -ENOSPC && mem_bound ? -EFBIG : ret;
}

void nfips_ac_free(struct nfips_ac *ac)
{
	if (!ac)
		return;
	dfa_free(&ac->dfa[0]);
	dfa_free(&ac->dfa[1]);
	nfips_ac_filter_free(&ac->filter);
	ac_free(ac);
}

size_t nfips_ac_mem(const struct nfips_ac *ac)
{
	return ac->mem;
}

u32 nfips_ac_states(const struct nfips_ac *ac)
{
	return ac->dfa[0].nstates + ac->dfa[1].nstates;
}

const char *nfips_ac_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "pattern empty, longer than 255 bytes or with unknown flags";
	case -E2BIG:
		return "too many patterns";
	case -ENOSPC:
		return "too many automaton states";
	case -EFBIG:
		return "automaton larger than its memory limit";
	case -ENOMEM:
		return "out of memory";
	case -EINTR:
		return "interrupted by a fatal signal";
	default:
		return "unknown error";
	}
}

/* Transition from a sparse state: trie edge, else follow failure links. */
static u32 sparse_step(const struct ac_dfa *d, u32 s, u32 c)
{
	do {
		const u32 *w = d->pool + (s - d->sparse_base);
		const u8 *cls = (const u8 *)(w + SP_HDR);
		u32 n = w[0], i;

		for (i = 0; i < n; i++)
			if (cls[i] == c)
				return w[SP_HDR + (n + 3) / 4 + i];
		s = w[SP_FAIL];
	} while (s >= d->sparse_base);
	return d->dense[s + c];
}

/* Reports everything ending in state @s; returns nonzero to stop. */
static int report(const struct ac_dfa *d, u32 s, u32 end,
		  nfips_ac_match_fn fn, void *ctx)
{
	u32 os, k;

	if (s < d->sparse_base)
		os = (s - d->out_off) / d->ncls;
	else
		os = d->pool[s - d->sparse_base + SP_OUT];
	while (os != AC_NONE) {
		const struct ac_outset *o = &d->outsets[os];

		for (k = 0; k < o->count; k++)
			if (fn(ctx, d->ids[o->start + k], end))
				return 1;
		os = o->next;
	}
	return 0;
}

/*
 * What a scan reads of an automaton at every byte, copied out of it once:
 * the report callback may write anywhere, so the compiler would load
 * these from the automaton again after each step; in locals, whose
 * address never escapes, they stay in registers.
 */
struct ac_walk {
	const struct ac_dfa *d;
	const u32 *dense;
	const u8 *cls;
	u32 sparse_base;
	u32 out_off;
	u32 shallow;	/* depth_end[2] */
};

static inline struct ac_walk walk_of(const struct ac_dfa *d)
{
	return (struct ac_walk){ d, d->dense, d->cls, d->sparse_base,
				 d->out_off, d->depth_end[2] };
}

static inline u32 step(const struct ac_walk *w, u32 s, u8 byte)
{
	u32 c = w->cls[byte];

	if (likely(s < w->sparse_base))
		return w->dense[s + c];
	return sparse_step(w->d, s, c);
}

static inline bool may_report(const struct ac_walk *w, u32 s)
{
	if (likely(s < w->out_off))
		return false;
	return s < w->sparse_base ||
	       w->d->pool[s - w->sparse_base + SP_OUT] != AC_NONE;
}

static u32 depth(const struct ac_dfa *d, u32 s)
{
	return s < d->depth_end[0] ? 0 : s < d->depth_end[1] ? 1 : 2;
}

/*
 * Called with the automata at most @dep deep before consuming buf[i].
 * Returns where they must continue: i itself when a pattern may begin at
 * or after i - dep but before i (the current state is needed), else the
 * first later position where one may (or the last eight bytes, which the
 * filter cannot see whole), to be entered from the root.
 */
static inline u32 skip(struct ac_filter_cursor *fc, u32 i, u32 dep)
{
	u32 q;

	if (i < dep)	/* the partial match began in an earlier buffer */
		return i;
	q = nfips_ac_filter_at(fc, i - dep);
	return q < i ? i : q;
}

/*
 * Where the filter stops mattering: from len - 6 on, the window skip()
 * asks about (at most two bytes back) starts in the last eight bytes,
 * which the filter passes, so the automaton steps alone, without asking,
 * through a short payload's last bytes.
 */
static u32 filter_end(const struct nfips_ac *ac, u32 len)
{
	if (!ac->filter.table || len < AC_FILTER_SPAN)
		return 0;
	return len - (AC_FILTER_SPAN - 3);
}

static u32 scan_one(const struct nfips_ac *ac, const struct ac_dfa *d, u32 s,
		    const u8 *buf, u32 len, nfips_ac_match_fn fn, void *ctx,
		    int simd)
{
	const struct ac_walk w = walk_of(d);
	struct ac_filter_cursor fc;
	u32 i = 0, fend = filter_end(ac, len);

	nfips_ac_filter_start(&fc, &ac->filter, buf, len, simd);
	while (i < len) {
		if (i < fend && s < w.shallow) {
			u32 next = skip(&fc, i, depth(d, s));

			if (next != i) {
				i = next;
				s = 0;
			}
		}
		s = step(&w, s, buf[i++]);
		if (unlikely(may_report(&w, s)) && report(d, s, i, fn, ctx))
			break;
	}
	return s;
}

/* Both automata in one pass: their loads are independent and overlap. */
static void scan_two(const struct nfips_ac *ac, u32 *s0, u32 *s1,
		     const u8 *buf, u32 len, nfips_ac_match_fn fn, void *ctx,
		     int simd)
{
	const struct ac_dfa *d0 = &ac->dfa[0], *d1 = &ac->dfa[1];
	const struct ac_walk w0 = walk_of(d0), w1 = walk_of(d1);
	struct ac_filter_cursor fc;
	u32 a = *s0, b = *s1, i = 0, fend = filter_end(ac, len);

	nfips_ac_filter_start(&fc, &ac->filter, buf, len, simd);
	while (i < len) {
		if (i < fend && a < w0.shallow && b < w1.shallow) {
			u32 da = depth(d0, a), db = depth(d1, b);
			u32 next = skip(&fc, i, da > db ? da : db);

			if (next != i) {
				i = next;
				a = 0;
				b = 0;
			}
		}
		a = step(&w0, a, buf[i]);
		b = step(&w1, b, buf[i++]);
		if (unlikely(may_report(&w0, a)) && report(d0, a, i, fn, ctx))
			break;
		if (unlikely(may_report(&w1, b)) && report(d1, b, i, fn, ctx))
			break;
	}
	*s0 = a;
	*s1 = b;
}

nfips_ac_state nfips_ac_scan_simd(const struct nfips_ac *ac, nfips_ac_state st,
				  const u8 *buf, u32 len,
				  nfips_ac_match_fn fn, void *ctx, int simd)
{
	const struct ac_dfa *d0 = &ac->dfa[0], *d1 = &ac->dfa[1];
	u32 s0 = (u32)st, s1 = (u32)(st >> 32);

	/* A state from another automaton must not index out of bounds. */
	if ((s0 && s0 >= d0->end_code) || (s1 && s1 >= d1->end_code)) {
		s0 = 0;
		s1 = 0;
	}
	if (d0->nstates && d1->nstates)
		scan_two(ac, &s0, &s1, buf, len, fn, ctx, simd);
	else if (d0->nstates)
		s0 = scan_one(ac, d0, s0, buf, len, fn, ctx, simd);
	else if (d1->nstates)
		s1 = scan_one(ac, d1, s1, buf, len, fn, ctx, simd);
	return (u64)s1 << 32 | s0;
}

nfips_ac_state nfips_ac_scan(const struct nfips_ac *ac, nfips_ac_state st,
			     const u8 *buf, u32 len,
			     nfips_ac_match_fn fn, void *ctx)
{
	return nfips_ac_scan_simd(ac, st, buf, len, fn, ctx, ac->simd);
}

int nfips_ac_simd_best(void)
{
	if (ac_cpu_avx2())
		return NFIPS_AC_AVX2;
	return ac_cpu_sse2() ? NFIPS_AC_SSE2 : NFIPS_AC_SCALAR;
}
