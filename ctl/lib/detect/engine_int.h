/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by engine.c and engine_thr.c; not a public API. */
#ifndef NFIPS_ENGINE_INT_H
#define NFIPS_ENGINE_INT_H

#include "ac.h"
#include "engine.h"
#include "eval.h"
#include "util/util.h"

/* One flowbits keyword, names resolved to bit numbers. */
/* One flowint keyword, names resolved to variable numbers. */
struct firef {
	uint8_t op;		/* enum nfips_flowint_op */
	uint32_t idx;
	int32_t var;		/* the operand's variable; -1: value (or undeclared: 0) */
	uint32_t value;
};

struct fbref {
	enum nfips_flowbit_cmd cmd;
	bool any;
	uint32_t n;
	uint32_t *bits;
};

/* One xbits keyword, its name resolved to a bit number. */
struct xbref {
	enum nfips_flowbit_cmd cmd;
	enum nfips_xbit_track track;
	uint32_t idx;
	uint32_t expire;
};

/*
 * A signature as Suricata orders them. A bidirectional rule whose source
 * and destination differ is two signatures (the second reversed), as in
 * Suricata's SigInit; they share the rule and its threshold state.
 */
struct sig {
	const struct nfips_rule *r;
	uint32_t rule;		/* index among loaded rules (threshold key) */
	bool rev;
	uint8_t fbtype;		/* Suricata's flowbits ordering class */
	uint8_t proto_mask;	/* PM_* packets it can match */
	uint8_t outlook;	/* SO_*: what of a flow it needs (engine_interest.c) */
	struct fbref *fb;
	uint32_t nfb;
	uint8_t hbtype, iptype;	/* Suricata's hostbits/ippairbits ordering class */
	struct xbref *xb;
	uint32_t nxb;
	struct firef *fi;
	uint32_t nfi;
	uint8_t fitype;		/* Suricata's flowint ordering class */
};

#define PM_TCP	0x1
#define PM_UDP	0x2
#define PM_ICMP	0x4
#define PM_OTHER 0x8

/*
 * struct sig's outlook: its rule's alproto (low bits) and whether it has
 * payload keywords or app-layer buffers, kept in the signature so that a
 * flow's interest (engine_interest.c) is a scan of the array.
 */
#define SO_ALPROTO	0x0f
#define SO_PAYLOAD	0x10
#define SO_APP		0x20

uint8_t nfips_sig_outlook(const struct nfips_rule *r);

/* A match of this packet, waiting for thresholds and pass (finalize). */
struct qent {
	uint32_t sig;
	bool stream;
	bool log;	/* finalize: an alert to raise */
	const struct nfips_tx *tx;	/* an app-layer match's; NULL: none */
};

struct thr_entry {
	uint32_t rule;
	uint8_t kind;		/* track */
	uint8_t used;
	uint8_t a[16], b[16];	/* address(es) of the key */
	uint64_t tv1;		/* window start, usec */
	uint64_t expires;	/* tv1 + the rule's window */
	uint32_t count;
};

struct thr_table {
	struct thr_entry *v;
	uint32_t cap, n, max;
	struct nfips_hkey key;	/* keys come from packets */
};

/* An xbit of a host or an address pair (engine_xbits.c). */
struct xb_entry {
	uint8_t used;		/* slot taken (the key below) */
	uint8_t set;		/* 0 after unset */
	uint8_t kind;		/* host or pair, | 0x10 for IPv6 */
	uint32_t idx;		/* bit number */
	uint8_t a[16], b[16];	/* host, or the pair's lower and higher address */
	uint64_t expire;	/* second after which it reads as unset */
};

struct xb_table {
	struct xb_entry *v;
	uint32_t cap, n, max;
	struct nfips_hkey key;	/* keys come from packets */
};

/* An interval index of IP-only signatures (engine_iponly.c). */
struct ipidx {
	unsigned __int128 *at;	/* interval starts, ascending */
	uint32_t *first;	/* interval i lists list[first[i] .. first[i + 1]) */
	uint32_t *list;		/* positions in e->iponly */
	uint32_t n;
};

#define NPORTS_MAX 11	/* port groups of a group (engine_group.c) */

/* A fast-pattern matcher and its patterns' signatures. */
struct pmatch {
	struct nfips_ac *ac;			/* NULL: no pattern */
	uint32_t *pat_first, *pat_sigs;		/* pattern -> sigs (CSR) */
	uint32_t *pat_len;
	uint32_t npats;
	bool payload;		/* all its signatures have payload keywords */
};

/*
 * A signature group of the packet/stream prefilter (engine_group.c): the
 * signatures that can match packets of one PM_ class in one flow
 * direction, through their fast patterns or (without one) always.
 */
struct pgroup {
	const struct pmatch *m;			/* may be shared by groups */
	uint32_t *nofp, nnofp;			/* no fast pattern, in order */
	/* a packet with server port ports[i] takes sub[i] (a port group, or this one) */
	const uint16_t *ports;
	uint32_t nports;
	const struct pgroup *sub[NPORTS_MAX];
};

/*
 * e->grp: the groups [PM_ bit index * 2 + direction (0 to server)], then
 * the TCP and UDP groups' port groups (engine_group.c).
 */
#define NGROUPS 8
#define NGROUPS_ALL (NGROUPS + 2 * (11 + 3))

struct nfips_engine {
	struct sig *sigs;
	uint32_t nsigs;
	const struct nfips_rule **rules;	/* loaded, deduplicated */
	uint32_t nrules;

	uint32_t *iponly, niponly;		/* sig numbers, in order */
	struct ipidx ipidx[2][2];		/* [v4, v6][packet src, dst] */
	bool ipidx_ok;
	uint32_t *ipcand;			/* scratch: IP-only candidates */
	uint32_t *app, napp;			/* app-layer sigs, in order */
	struct nfips_ac *app_ac[NFIPS_BUF_COUNT];	/* their prefilter per buffer */
	uint8_t *app_cand;			/* per app sig: in app_clist */
	uint32_t *app_nofp[2], napp_nofp[2];	/* no fp, per direction (0 to server) */
	uint32_t *app_clist, napp_clist;	/* candidates of one transaction */
	/* distinct prefilter patterns -> app sigs (CSR), seen in one pass */
	uint32_t *app_pfirst, *app_psigs, app_npat, app_nps;
	uint8_t *app_pseen;
	uint32_t *app_plist, napp_plist;
	/* prefilters of transformed buffers: one per buffer and transform
	 * chain (Suricata's transformed lists have their own MPM) */
	struct app_xflist {
		const struct nfips_xforms *x;	/* a rule's: buf, transforms */
		uint32_t chain;			/* in e->xch */
		struct nfips_ac *ac;
	} *app_xfl;
	uint32_t napp_xfl;
	/* every distinct (buffer, transform chain) of the app sigs, its
	 * instances transformed once per hand-out (engine_appmemo.c) */
	struct xchain {
		const struct nfips_xforms *x;
		struct xinst {
			uint64_t stamp;	/* app_stamp of the hand-out it is of */
			uint8_t *d;
			uint32_t len, cap;
		} *v;			/* per instance of a multi-buffer */
		uint32_t nv;
	} *xch;
	uint32_t nxch;
	uint32_t **app_xid;	/* per app sig, per rule->xforms[i]: its chain */
	uint32_t *xid_flat;
	uint64_t app_stamp;	/* one per transaction hand-out inspected */
	struct nfips_hkey app_hkey;	/* buffers' observations (engine_appmemo.c) */

	/* packet and stream prefilter per group (engine_group.c) */
	struct pgroup grp[NGROUPS_ALL];
	struct pmatch pm[NGROUPS_ALL];		/* the distinct matchers */
	uint32_t npm;

	char **fbnames;
	uint32_t nfb;
	char **finames;				/* flowint names, sorted (the rules' strings) */
	uint32_t nfi;
	char **xbnames;				/* "h:name" / "p:name", sorted */
	uint32_t nxbnames;
	struct xb_table xb;

	bool no_prefilter;
	uint64_t serial;			/* unique per engine (struct nfips_txdet) */
	uint8_t *xbuf[2];			/* transforms' scratch (engine_xform.c) */
	uint32_t xbuf_cap[2];
	uint32_t alert_max;			/* packet-alert-max */
	nfips_suppress_fn suppress;		/* NULL: nothing suppressed */
	void *suppress_arg;
	struct nfips_eval *ev;
	struct thr_table thr;
	struct nfips_engine_stats stats;

	/* per-packet scratch */
	uint8_t *cand;				/* CAND_* per sig */
	uint32_t *cands, ncands;		/* sigs with a cand bit */
	uint32_t *order;			/* evaluation list */
	struct qent *queue;
	uint32_t nqueue, qcap;
};

#define CAND_PKT	0x1	/* fast pattern in the packet payload */
#define CAND_STREAM	0x2	/* ... in the stream data */

/*
 * Fast patterns seen in one direction's stream, for incremental
 * prefiltering of stream data given with new_from (engine_stream.c): the
 * matcher state after the last byte scanned and, per pattern, the stream
 * offset where its latest occurrence starts.
 */
struct seen {
	const struct pmatch *m;	/* the matcher of ac (one per stream) */
	nfips_ac_state ac;
	uint64_t end;		/* stream offset after the last byte scanned */
	bool valid;
	uint32_t n, cap;
	uint32_t *pat;
	uint64_t *start;
};

struct nfips_flowstate {
	uint32_t nbits;
	bool seen[2];		/* a packet of this direction was evaluated */
	uint8_t action;		/* first drop or pass applied to the flow */
	uint8_t want_key;	/* want[] computed for this outlook (engine_interest.c); 0: not */
	uint8_t want[2];	/* NFIPS_WANT_* per direction, 0 to server */
	struct seen *fp[2];	/* per direction, allocated on first use */
	/*
	 * Per direction, the stream offset where Suricata's next raw stream
	 * chunk starts: the end of the data held when a transaction of that
	 * direction last completed (its raw reassembly trigger); app rules'
	 * payload windows start there (engine_app.c).
	 */
	uint64_t raw_mark[2];
	uint64_t *iset;		/* flowint: which are set (in the same allocation) */
	uint32_t *ints;		/* flowint values */
	uint64_t bits[];
};

#define FLOW_ACT_DROP	1
#define FLOW_ACT_PASS	2

/* engine.c */
/* Sorts @v's strings and drops repeats; the count left. */
uint32_t names_unique(char **v, uint32_t n);
/* engine.c: the signatures of pattern @pat of @m are candidates (@bit). */
void cand_mark(struct nfips_engine *e, const struct pmatch *m, uint32_t pat, uint8_t bit);

/* engine.c: appends to the packet's match queue; false when out of memory. */
bool queue_push(struct nfips_engine *e, uint32_t sig, bool stream,
		const struct nfips_tx *tx);
/* Header, flow, header keywords, flowbits and xbits tests, then payload. */
bool sig_matches(struct nfips_engine *e, const struct sig *s,
		 const struct nfips_pkt *p, const struct nfips_flow *f,
		 const struct nfips_flowstate *fs,
		 const struct nfips_stream *st, bool *stream_match);
/* flowbits set/unset/toggle of a signature that matched. */
void flowbits_update(const struct sig *s, struct nfips_flowstate *fs);

/* engine_xform.c: @xf applied to @b (its data then in the engine's
 * scratch, valid until the next call); false without memory. */
bool xform_apply(struct nfips_engine *e, const struct nfips_xforms *xf, struct nfips_buf *b);

/* engine_app.c */
/* app_tx_match's outcomes (Suricata's DETECT_ENGINE_INSPECT_SIG_*). */
enum app_result {
	APP_NO_MATCH,		/* not yet: try again when the tx progresses */
	APP_MATCH,
	APP_CANT_MATCH,		/* failed on a final buffer: never on this tx */
	APP_NO_MEM,		/* not now, for memory: as APP_NO_MATCH */
};
/*
 * Does app sig @c match transaction @tx (its buffers and length tests,
 * then its payload keywords: engine_app.c) on packet @p of flow @f, the
 * direction's stream @st held (NULL: none)?
 */
enum app_result app_tx_match(struct nfips_engine *e, uint32_t c, const struct nfips_tx *tx,
			     const struct nfips_pkt *p, const struct nfips_flow *f,
			     const struct nfips_stream *st);
/* One matcher per buffer over the app sigs' prefilter contents. */
int app_prefilter_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
			struct nfips_err *err);
void app_prefilter_free(struct nfips_engine *e);
/*
 * The app sigs (positions in e->app, ascending) that may match @tx in
 * direction @dir (0 to server) into e->app_clist; their number.
 */
uint32_t app_candidates(struct nfips_engine *e, const struct nfips_tx *tx, int dir);
/*
 * The app sigs on the transactions of @f (engine.h), queued as matches;
 * true when a match was lost for memory. @pm: the packet's PM_ bit index.
 */
bool app_run(struct nfips_engine *e, const struct nfips_pkt *p,
	     const struct nfips_flow *f, struct nfips_flowstate *fs,
	     const struct nfips_stream *st, uint8_t pm);

/* engine_appmemo.c */
/* The transform chains of the app sigs (e->xch, e->app_xid). */
int app_chains_build(struct nfips_engine *e);
void app_chains_free(struct nfips_engine *e);
/* The chain equal to @x (e->nxch when none). */
uint32_t app_chain_of(const struct nfips_engine *e, const struct nfips_xforms *x);
/*
 * Instance @inst (0 for a single buffer) of chain @chain: @b's bytes
 * transformed, once per hand-out (e->app_stamp); false without memory.
 */
bool app_xform(struct nfips_engine *e, uint32_t chain, uint32_t inst, struct nfips_buf *b);
/*
 * @tx is handed out again (its buffers may have changed); @win (NULL:
 * unknown) starts its payload window at its first hand-out.
 */
void app_memo_handout(const struct nfips_tx *tx, const uint64_t *win);
/* Stream offset where @tx's payload window starts; false when unknown. */
bool app_memo_window(const struct nfips_tx *tx, uint64_t *start);
/* Did app sig @c's payload keywords match @tx already (Suricata's stored
 * stream engine match)? With @set: they did now. */
bool app_memo_payload(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c,
		      bool set);
/* App sig @c did not match @tx before, and none of its buffers changed since. */
bool app_memo_skip(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c);
/* @c was evaluated on @tx: @waiting when it may match later (APP_NO_MATCH). */
void app_memo_result(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c,
		     bool waiting);
/* After a hand-out's evaluations. */
void app_memo_compact(const struct nfips_tx *tx);
/* One buffer of a transaction side, as last observed. */
struct bufobs {
	uint32_t seen;		/* hand-out of the last observation; 0 never */
	uint32_t changed;	/* last hand-out whose observation differed */
	uint64_t h;
};

/* A rule that did not match yet, and the hand-out it was evaluated at. */
struct pending {
	uint32_t sig;		/* position in e->app */
	uint32_t at;		/* UINT32_MAX: no longer pending */
};

struct nfips_txmemo {
	uint32_t handout;	/* hand-outs of the side so far */
	struct bufobs obs[NFIPS_BUF_COUNT];
	struct pending *p;	/* ascending sig up to nsorted, then appended */
	uint32_t np, nsorted, cap;
	bool win_set;		/* win: the payload window's stream offset */
	uint64_t win;
	uint8_t *paid;		/* per app sig: its payload keywords matched */
};

void app_memo_free(struct nfips_txmemo *m);

/*
 * The prefilter's progress in growing buffer @id of a transaction side
 * (struct nfips_tx's grows): the matcher state after its first len
 * bytes and the distinct patterns found in them (engine_app.c).
 */
struct nfips_txpf {
	uint64_t engine;	/* serial of the engine whose matcher it is of */
	uint32_t id;
	uint32_t len;
	nfips_ac_state st;
	uint32_t *pat, n, cap;
	struct nfips_txpf *next;
};

/* engine_stream.c */
/*
 * Marks the stream candidates of @st through matcher @m (its packet's
 * group's); with @pkt (the new bytes are the packet's payload) the packet
 * candidates too, and returns true if it did. The direction's state
 * starts over when @m is not the one it was scanned with.
 */
bool stream_candidates(struct nfips_engine *e, const struct pmatch *m,
			struct nfips_flowstate *fs, int dir,
			const struct nfips_stream *st, bool pkt);
bool stream_new_content(const struct nfips_rule *r, const struct nfips_stream *st);
void seen_free(struct seen *s);

/* engine_group.c */
/* The groups, their matchers, the engine's patterns and matcher_bytes. */
int groups_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
		 struct nfips_err *err);
void groups_free(struct nfips_engine *e);
/* The group of packet @p of class @pm (PM_ bit index) in flow @f (NULL: none). */
const struct pgroup *group_of(const struct nfips_engine *e, uint8_t pm,
			      const struct nfips_pkt *p, const struct nfips_flow *f);

/* engine_iponly.c */
int iponly_index_build(struct nfips_engine *e);
void iponly_index_free_one(struct ipidx *ix);
/* Positions in e->iponly, ascending, that may match @p (into @out). */
uint32_t iponly_candidates(struct nfips_engine *e, const struct nfips_pkt *p, uint32_t *out);

/* engine_xbits.c */
int xb_init(struct xb_table *t, uint32_t max);
void xb_free(struct xb_table *t);
/* isset/isnotset of the signature's xbits on packet @p. */
bool xbits_test(struct nfips_engine *e, const struct sig *s, const struct nfips_pkt *p);
/* set/unset after the signature matched; a set finding no room is lost. */
void xbits_update(struct nfips_engine *e, const struct sig *s, const struct nfips_pkt *p);

/* engine_flowint.c */
int flowint_build(struct nfips_engine *e);
uint8_t flowint_type(const struct nfips_rule *r);
/* the signature's flowint tests; false without a flow */
bool flowint_test(const struct sig *s, const struct nfips_flowstate *fs);
/* =, +, - after the signature matched */
void flowint_update(const struct sig *s, struct nfips_flowstate *fs);

/* engine_thr.c */
int thr_init(struct thr_table *t, uint32_t max);
void thr_free(struct thr_table *t);
/* Suricata's ThresholdHandlePacket: 1 alert, 2 silent, 0 suppressed. */
int thr_check(struct thr_table *t, uint32_t rule, const struct nfips_threshold *th,
	      const struct nfips_pkt *p);

#endif /* NFIPS_ENGINE_INT_H */
