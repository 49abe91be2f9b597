/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the rule parser's source files; not a public API. */
#ifndef NFIPS_RULE_INT_H
#define NFIPS_RULE_INT_H

#include "rule.h"

/*
 * A logical rule line can be joined from several physical lines (trailing
 * backslash): each segment records where its first byte came from, so
 * that an offset in the joined text maps back to file:line:col.
 */
struct srcseg {
	uint32_t off, line, col;
};

struct srcmap {
	const char *file;
	const struct srcseg *seg;
	uint32_t nseg;
};

/* State while parsing one rule. */
struct pstate {
	const char *s;			/* the logical line, NUL-terminated */
	size_t len;
	const struct srcmap *map;
	const struct nfips_parse_ctx *ctx;
	struct nfips_rule *r;
	struct nfips_err *err;

	int32_t last_content;		/* match index, -1 none */
	int32_t last_payload;		/* last content/pcre, for relative */
	uint32_t cur_opt;		/* index of the option being parsed */
	bool byte_math;			/* byte_math seen (skipped): its
					 * variables are accepted unchecked */
	uint32_t nbyte_extract;		/* byte_extracts so far */
	bool has_sid, has_rev, has_gid, has_msg, has_class, has_prio;
	bool has_fp;
	uint32_t sticky;		/* buffer of new payload keywords */
	bool file_data;			/* file.data / file_data, http_server_body or pcre /Q used */
	enum nfips_alproto hdr_alproto;	/* the header's (alert tls ...) */
	bool other_sticky;		/* a buffer rule_buf.c does not know
					 * (the rule is skipped) is active */
	uint32_t cur_xf;		/* 1 + chain of the sticky buffer; 0 none */
	int32_t b64_decode;		/* match index of the base64_decode, -1 */
	bool b64;			/* after base64_data (rule_b64.c) */
	uint32_t b64_buf;		/* the base64_decode's buffer */
};

/* Sets the error at offset @off of the logical line; returns -1. */
int perr(struct pstate *ps, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records the first skip reason; later ones are ignored. 0, or -1 (ENOMEM). */
int pskip(struct pstate *ps, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void map_pos(const struct srcmap *map, size_t off, uint32_t *line, uint32_t *col);

/* Header fields (rule_addr.c). @off is the field's offset in the line. */
int parse_addrset(struct pstate *ps, const char *text, size_t off,
		  struct nfips_addrset *out);
int parse_portset(struct pstate *ps, const char *text, size_t off,
		  struct nfips_portset *out);
void addrset_free(struct nfips_addrset *s);
void portset_free(struct nfips_portset *s);

/*
 * Option handlers: @val is the trimmed value (NULL if the option had
 * none), @voff its offset in the line. Return 0 or -1 (error set).
 */
typedef int (*opt_fn)(struct pstate *ps, const char *val, size_t voff);

/* rule_opts.c */
int parse_cmp(struct pstate *ps, const char *val, size_t voff,
	      const char *what, uint32_t max, struct nfips_u32cmp *c);
int opt_dispatch(struct pstate *ps, const char *name, size_t noff,
		 const char *val, size_t voff);
/* rule_content.c */
int opt_content(struct pstate *ps, const char *val, size_t voff);
int opt_content_mod(struct pstate *ps, const char *name, size_t noff,
		    const char *val, size_t voff);
int opt_pcre(struct pstate *ps, const char *val, size_t voff);
int opt_isdataat(struct pstate *ps, const char *val, size_t voff);
void match_free(struct nfips_match *m);
struct nfips_match *match_add(struct pstate *ps, size_t off,
			      enum nfips_match_type type);
/* rule_pkt.c: byte_test, byte_jump, byte_extract, header keywords, xbits;
 * 1 if not one of them. */
int opt_dispatch_pkt(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff);
/*
 * A byte_extract variable where a number may be: 0 when @s is not a name
 * (Suricata: not starting with a letter), 1 with its index in *idx, -1
 * with the error set when no earlier byte_extract has that name.
 */
int byte_var(struct pstate *ps, const char *s, size_t off, const char *what,
	     uint32_t *idx);
/* rule_buf.c: sticky buffers, content modifiers, bsize, urilen; 1 if
 * not one of them. rule_buf_finish() after the last option. */
int opt_dispatch_buf(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff);
int rule_buf_finish(struct pstate *ps);
/* rule_tls.c: tls.version; 1 if not one of them. */
int opt_dispatch_tls(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff);
/* rule_event.c: app-layer-event; 1 if not it. */
int opt_dispatch_event(struct pstate *ps, const char *name, size_t noff,
		       const char *val, size_t voff);
/* rule_dns.c: dns.opcode; 1 if not one of them. */
int opt_dispatch_dns(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff);
/*
 * rule_buf_finish's part for a DNS rule: @dirs the directions its
 * buffers allow, @napp its DNS keywords, @npay its payload keywords,
 * @off where the first DNS keyword is.
 */
int rule_dns_finish(struct pstate *ps, uint32_t dirs, uint32_t napp, uint32_t npay,
		    size_t off);
/* rule_xform.c: a transform keyword (1 if @name is none); their checks. */
int opt_dispatch_xform(struct pstate *ps, const char *name, size_t noff,
		       const char *val, size_t voff);
int xform_finish(struct pstate *ps);
bool xform_compatible(const struct nfips_rule *r, const struct nfips_match *m);
/* rule_b64.c: base64_decode and base64_data (1 if @name is neither). */
int opt_dispatch_b64(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff);
void xforms_free(struct nfips_rule *r);
/* The buffer a pcre flag (U, H, ...) selects, -1 if none. */
int pcre_flag_buf(char flag);
/* rule_kw.c: what the engine does not evaluate. NULL when not listed. */
const char *kw_unsupported(const char *name);	/* "buffer" or "keyword" */
bool kw_app_proto(const char *name);

/* Small helpers (rule.c). */
char *xstrndup(const char *s, size_t n);
int parse_u32(const char *s, uint32_t max, uint32_t *out);
int parse_i32(const char *s, int32_t *out);
const char *skip_ws(const char *s);
void *grow(void *arr, uint32_t n, size_t size);

#endif /* NFIPS_RULE_INT_H */
