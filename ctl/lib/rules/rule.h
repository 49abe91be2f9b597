/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snort/Suricata rule language: data model, parser and classifier.
 *
 * The parser turns rule text into one struct nfips_rule per rule. A rule the
 * engine cannot evaluate exactly (app-layer protocol, sticky buffer,
 * byte_test, ...) is still parsed in full so that its syntax is checked, and
 * carries a skip reason; it is never approximated. Nothing here has global
 * mutable state: variables and classtypes are tables the caller owns and
 * passes in, so nfipsctl and nfipsd can parse concurrently.
 *
 * Semantics of the values stored are those of Suricata; see
 * Documentation/rules.rst for the keyword reference.
 */
#ifndef NFIPS_RULE_H
#define NFIPS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors --------------------------------------------------------- */

/* Where and why parsing failed. line/col are 1-based; col counts bytes. */
struct nfips_err {
	const char *file;	/* borrowed from the caller; NULL for strings */
	uint32_t line, col;
	char msg[256];
};

/* "file:line:col: msg" (or "line:col: msg") into buf; returns buf. */
const char *nfips_err_str(const struct nfips_err *err, char *buf, size_t len);

/* ---- variables ($HOME_NET, $HTTP_PORTS, ...) ------------------------- */

struct nfips_var {
	char *name;	/* without '$' */
	char *value;	/* address or port expression, may use other variables */
};

struct nfips_vars {
	struct nfips_var *v;
	size_t n, cap;
};

/* Adds or replaces a variable; 0 or -ENOMEM / -EINVAL (bad name). */
int nfips_vars_set(struct nfips_vars *vars, const char *name, const char *value);
/* "NAME=VALUE" as given to --var. */
int nfips_vars_set_arg(struct nfips_vars *vars, const char *arg);
/* The address and port groups of suricata.yaml's defaults. */
int nfips_vars_defaults(struct nfips_vars *vars);
const char *nfips_vars_get(const struct nfips_vars *vars, const char *name);
void nfips_vars_free(struct nfips_vars *vars);

/* ---- classification.config ------------------------------------------ */

struct nfips_class {
	char *name;
	char *desc;
	uint32_t priority;
};

struct nfips_classes {
	struct nfips_class *v;
	size_t n;
};

/* 0, or -1 with err filled in (I/O or syntax, with its position). */
int nfips_classes_load(struct nfips_classes *cl, const char *path,
		       struct nfips_err *err);
int nfips_classes_parse(struct nfips_classes *cl, const char *name,
			const char *buf, size_t len, struct nfips_err *err);
const struct nfips_class *nfips_classes_find(const struct nfips_classes *cl,
					     const char *name);
void nfips_classes_free(struct nfips_classes *cl);

/*
 * The classification table to use when none is named (alert.category and
 * alert.severity come from it): NFIPS_CLASSIFICATION_DEFAULT if readable,
 * else the copy shipped beside the running program (the source tree's
 * policies/, or PREFIX/share/nfips/policies). Its path in @buf, or NULL
 * when there is none: callers warn, records then have an empty category
 * and severity 3.
 */
#define NFIPS_CLASSIFICATION_DEFAULT "/etc/nfips/classification.config"
const char *nfips_classes_default(char *buf, size_t len);

/* ---- header --------------------------------------------------------- */

enum nfips_action {
	NFIPS_ACTION_ALERT,
	NFIPS_ACTION_DROP,
	NFIPS_ACTION_REJECT,
	NFIPS_ACTION_PASS,
};

enum nfips_proto {
	NFIPS_PROTO_IP,
	NFIPS_PROTO_TCP,	/* packets and reassembled stream */
	NFIPS_PROTO_UDP,
	NFIPS_PROTO_ICMP,
	NFIPS_PROTO_TCP_PKT,	/* TCP, packet payloads only */
	NFIPS_PROTO_TCP_STREAM,	/* TCP, reassembled stream only */
	NFIPS_PROTO_OTHER,	/* app-layer or other: see proto_name, skipped */
};

/*
 * An inclusive range of a family's number space. Addresses are numbers in
 * host order (IPv4 in the low 32 bits); ports are 0..65535.
 */
struct nfips_range {
	unsigned __int128 lo, hi;
};

/*
 * A resolved address set: variables expanded, negations and lists
 * evaluated, sorted, disjoint and non-adjacent ranges per family.
 * "any" is v4 0..2^32-1 plus v6 0..2^128-1.
 */
#define NFIPS_ADDRSET_SMALL	4

struct nfips_addrset {
	struct nfips_range *v4, *v6;
	uint32_t n4, n6;
	bool any;
	bool negated;	/* a '!' in the expression or a variable it uses */
	/* n4 <= NFIPS_ADDRSET_SMALL: v4 again, in the rule (struct nfips_portset) */
	bool small4;
	uint32_t lo4[NFIPS_ADDRSET_SMALL], hi4[NFIPS_ADDRSET_SMALL];
	char *text;	/* as written in the rule */
};

#define NFIPS_PORTSET_SMALL	4

struct nfips_portset {
	struct nfips_range *v;
	uint32_t n;
	bool any;
	/*
	 * n <= NFIPS_PORTSET_SMALL: v's ranges again, in the rule itself, so
	 * that the header check of a candidate (every packet, thousands of
	 * rules) does not miss the cache on v too.
	 */
	bool small;
	uint16_t lo[NFIPS_PORTSET_SMALL], hi[NFIPS_PORTSET_SMALL];
	char *text;
};

/* ---- options -------------------------------------------------------- */

/* Every option as written, in rule order (value NULL when it had none). */
struct nfips_option {
	char *name;
	char *value;
	uint32_t line, col;
};

/* Content flags. */
#define NFIPS_C_NEGATED		(1u << 0)
#define NFIPS_C_NOCASE		(1u << 1)
#define NFIPS_C_DEPTH		(1u << 2)
#define NFIPS_C_OFFSET		(1u << 3)
#define NFIPS_C_DISTANCE	(1u << 4)
#define NFIPS_C_WITHIN		(1u << 5)
#define NFIPS_C_STARTSWITH	(1u << 6)
#define NFIPS_C_ENDSWITH	(1u << 7)
#define NFIPS_C_FAST_PATTERN	(1u << 8)
#define NFIPS_C_FP_ONLY		(1u << 9)	/* fast_pattern:only */
#define NFIPS_C_FP_CHOP		(1u << 10)	/* fast_pattern:off,len */
#define NFIPS_C_RAWBYTES	(1u << 11)	/* no-op, kept for display */
/*
 * The value is a byte_extract variable: the field holds its index
 * (struct nfips_byteextract.var), as Suricata's DETECT_CONTENT_*_VAR.
 */
#define NFIPS_C_DEPTH_VAR	(1u << 12)
#define NFIPS_C_OFFSET_VAR	(1u << 13)
#define NFIPS_C_DISTANCE_VAR	(1u << 14)
#define NFIPS_C_WITHIN_VAR	(1u << 15)
#define NFIPS_C_RELATIVE	(NFIPS_C_DISTANCE | NFIPS_C_WITHIN)
#define NFIPS_C_VARS		(NFIPS_C_DEPTH_VAR | NFIPS_C_OFFSET_VAR | \
				 NFIPS_C_DISTANCE_VAR | NFIPS_C_WITHIN_VAR)

/*
 * A content and its modifiers. depth counts from offset (the match must
 * lie in [offset, offset + depth)); distance/within count from the end of
 * the previous content or pcre match, as in Suricata. A modifier given as
 * a byte_extract variable (NFIPS_C_*_VAR) holds the variable's index; a
 * constant depth given after an offset variable holds depth plus that
 * index, as Suricata's parser leaves it (detect-depth.c), which the
 * evaluator reproduces.
 */
struct nfips_content {
	uint8_t *bytes;
	uint32_t len;
	uint32_t flags;
	uint32_t depth, offset;
	int32_t distance, within;
	uint32_t fp_off, fp_len;	/* NFIPS_C_FP_CHOP */
};

#define NFIPS_P_NEGATED		(1u << 0)
#define NFIPS_P_RELATIVE	(1u << 1)	/* R */
#define NFIPS_P_MATCH_LIMIT	(1u << 2)	/* O: no PCRE match limits */

struct nfips_pcre {
	char *source;		/* between the delimiters, as written */
	char *modifiers;	/* after the last '/' */
	uint32_t flags;		/* NFIPS_P_* */
	uint32_t options;	/* PCRE2 compile options */
	void *code;		/* pcre2_code * (8-bit), owned */
};

#define NFIPS_I_NEGATED		(1u << 0)
#define NFIPS_I_RELATIVE	(1u << 1)
#define NFIPS_I_RAWBYTES	(1u << 2)
#define NFIPS_I_VAR		(1u << 3)	/* n is a byte_extract variable */

struct nfips_isdataat {
	uint32_t n;
	uint32_t flags;
};

/* byte_test / byte_jump flags. */
#define NFIPS_B_RELATIVE	(1u << 0)
#define NFIPS_B_LITTLE		(1u << 1)	/* default big endian */
#define NFIPS_B_STRING		(1u << 2)	/* ASCII number, see base */
#define NFIPS_B_NEGATED		(1u << 3)	/* byte_test: '!' before op */
#define NFIPS_B_BITMASK		(1u << 4)	/* byte_test */
#define NFIPS_B_ALIGN		(1u << 5)	/* byte_jump: round up to 4 */
#define NFIPS_B_BEGIN		(1u << 6)	/* byte_jump: from_beginning */
#define NFIPS_B_END		(1u << 7)	/* byte_jump: from_end */
#define NFIPS_B_NBYTES_VAR	(1u << 8)	/* nbytes is a variable index */
#define NFIPS_B_OFFSET_VAR	(1u << 9)	/* offset is a variable index */
#define NFIPS_B_VALUE_VAR	(1u << 10)	/* byte_test: value is one */
#define NFIPS_B_MULTIPLIER	(1u << 11)	/* byte_extract: multiplier given */

enum nfips_bt_op {
	NFIPS_BT_LT, NFIPS_BT_GT, NFIPS_BT_EQ, NFIPS_BT_AND, NFIPS_BT_XOR,
	NFIPS_BT_GE, NFIPS_BT_LE,
};

/*
 * byte_test: read nbytes (binary 1..8, or a string of 1..23 characters in
 * base 8/10/16, 0 = strtoull's automatic base) at offset (from the buffer
 * start, or from the previous match end with relative), mask and shift it
 * by bitmask, compare with value.
 */
struct nfips_bytetest {
	uint8_t nbytes, base, shift;
	enum nfips_bt_op op;
	uint32_t flags;		/* NFIPS_B_* */
	int32_t offset;
	uint64_t value;
	uint32_t bitmask;
};

/*
 * byte_jump: read a number as byte_test does, multiply, align, add
 * post_offset and move the relative position that far past the number
 * (or from the buffer start/end).
 */
struct nfips_bytejump {
	uint8_t nbytes, base;
	uint32_t flags;		/* NFIPS_B_* */
	int32_t offset;
	uint32_t multiplier;
	int32_t post_offset;
};

/*
 * byte_extract: read a number as byte_test does (binary 1..8 bytes, or a
 * string of at most 23/20/14 characters in base 8/10/16, decimal by
 * default), multiply it, round it up to a multiple of align (2 or 4) and
 * store it in variable @var (the rule's byte_extracts numbered from 0 in
 * rule order, Suricata's local_id); the relative position moves past the
 * bytes read (the characters used, for a string).
 */
struct nfips_byteextract {
	uint8_t nbytes, base, align;
	uint8_t var;
	uint32_t flags;		/* NFIPS_B_RELATIVE, _LITTLE, _STRING, _ALIGN, _MULTIPLIER */
	int32_t offset;
	uint32_t multiplier;
	char *name;
};

/*
 * base64_decode[:bytes N][, offset N][, relative] (detect-base64-decode.c):
 * decodes up to @bytes (0 given: 65535) of its buffer from @offset (after
 * the previous match with relative) as RFC 4648, stopping at the first
 * byte outside the alphabet; the rule's base64_data keywords then inspect
 * what was decoded, and if they match the buffer's inspection ends in a
 * match (Suricata 7's "terminal list").
 */
struct nfips_b64decode {
	uint32_t bytes, offset;
	bool relative;
};

/* Most byte_extract variables in one rule (Suricata's index is 8 bits). */
#define NFIPS_MAX_BYTE_VARS	256

enum nfips_match_type {
	NFIPS_MATCH_CONTENT,
	NFIPS_MATCH_PCRE,
	NFIPS_MATCH_ISDATAAT,
	NFIPS_MATCH_BYTE_TEST,
	NFIPS_MATCH_BYTE_JUMP,
	NFIPS_MATCH_BYTE_EXTRACT,
	NFIPS_MATCH_BASE64_DECODE,
};

/*
 * Set by nfips_rule_classify() on a content or pcre when a later relative
 * keyword depends on it in a way that makes trying its next occurrence
 * worthwhile when the rest of the rule fails (Suricata's WITHIN_NEXT /
 * RELATIVE_NEXT).
 */
#define NFIPS_M_RETRY		(1u << 0)
/* Some later relative keyword is anchored on it (RELATIVE_NEXT). */
#define NFIPS_M_RELNEXT		(1u << 1)

/*
 * Inspection buffers (Suricata's detection lists). NFIPS_BUF_PAYLOAD is
 * the packet payload or reassembled stream; the others are application-
 * layer buffers an app-layer parser fills per transaction (rule_buf.c
 * names them and says which direction and protocol each belongs to).
 */
enum nfips_buf_id {
	NFIPS_BUF_PAYLOAD,
	NFIPS_BUF_HTTP_URI,		/* normalised: path?query#fragment */
	NFIPS_BUF_HTTP_URI_RAW,
	NFIPS_BUF_HTTP_METHOD,
	NFIPS_BUF_HTTP_REQUEST_LINE,
	NFIPS_BUF_HTTP_REQUEST_BODY,	/* dechunked, decompressed */
	NFIPS_BUF_HTTP_RESPONSE_BODY,	/* file.data, http.response_body */
	NFIPS_BUF_HTTP_HEADER,		/* "Name: value\r\n"..., no cookies */
	NFIPS_BUF_HTTP_HEADER_RAW,
	NFIPS_BUF_HTTP_HEADER_NAMES,
	NFIPS_BUF_HTTP_COOKIE,
	NFIPS_BUF_HTTP_USER_AGENT,
	NFIPS_BUF_HTTP_HOST,		/* libhtp's host name (no port) */
	NFIPS_BUF_HTTP_HOST_RAW,
	NFIPS_BUF_HTTP_ACCEPT,
	NFIPS_BUF_HTTP_ACCEPT_ENC,
	NFIPS_BUF_HTTP_ACCEPT_LANG,
	NFIPS_BUF_HTTP_CONNECTION,
	NFIPS_BUF_HTTP_CONTENT_TYPE,
	NFIPS_BUF_HTTP_CONTENT_LEN,
	NFIPS_BUF_HTTP_REFERER,
	NFIPS_BUF_HTTP_START,
	NFIPS_BUF_HTTP_PROTOCOL,
	NFIPS_BUF_HTTP_STAT_CODE,
	NFIPS_BUF_HTTP_STAT_MSG,
	NFIPS_BUF_HTTP_RESPONSE_LINE,
	NFIPS_BUF_HTTP_SERVER,
	NFIPS_BUF_HTTP_LOCATION,
	NFIPS_BUF_DNS_QUERY,		/* one per question of a request */
	NFIPS_BUF_TLS_SNI,
	NFIPS_BUF_TLS_CERT_SUBJECT,
	NFIPS_BUF_TLS_CERT_ISSUER,
	NFIPS_BUF_TLS_CERT_SERIAL,
	NFIPS_BUF_TLS_CERT_FINGERPRINT,
	NFIPS_BUF_TLS_CERTS,		/* each certificate of the chain (multi) */
	NFIPS_BUF_JA3_HASH,
	NFIPS_BUF_JA3_STRING,
	NFIPS_BUF_JA3S_HASH,
	NFIPS_BUF_JA3S_STRING,
	NFIPS_BUF_JA4_HASH,
	NFIPS_BUF_SSH_PROTO,
	NFIPS_BUF_SSH_SOFTWARE,
	NFIPS_BUF_COUNT
};

/* Application-layer protocols a rule can require (header or buffers). */
enum nfips_alproto {
	NFIPS_ALPROTO_NONE,
	NFIPS_ALPROTO_HTTP,
	NFIPS_ALPROTO_DNS,	/* UDP and TCP */
	NFIPS_ALPROTO_TLS,
	NFIPS_ALPROTO_SSH,
	NFIPS_ALPROTO_FTP,	/* the command channel */
	NFIPS_ALPROTO_SMTP,
	NFIPS_ALPROTO_COUNT
};

/* Directions a buffer exists in (NFIPS_FLOW_TO_SERVER / _TO_CLIENT bits). */
struct nfips_bufdef {
	const char *name;	/* sticky buffer keyword */
	enum nfips_alproto alproto;
	uint32_t dirs;
};

/* The buffer's description; NULL for an out-of-range id. */
const struct nfips_bufdef *nfips_buf_def(uint32_t id);
/*
 * Whether a transaction has several of buffer @id (Suricata's
 * multi-buffers, dns.query: one per question, tls.certs: one per
 * certificate of the chain; struct nfips_tx's get_nth): a rule's list on
 * it matches when its keywords all match one of them.
 */
bool nfips_buf_multi(uint32_t id);

/*
 * Transforms (Suricata 7's detect-transform-*.c): after a sticky buffer
 * keyword, each turns the buffer into the one the next transform and the
 * buffer's content, pcre and bsize see, in rule order.
 */
enum nfips_xform_type {
	NFIPS_XF_TO_LOWERCASE,
	NFIPS_XF_TO_UPPERCASE,
	NFIPS_XF_STRIP_WHITESPACE,	/* drops isspace() bytes */
	NFIPS_XF_COMPRESS_WHITESPACE,	/* a run of them: its first only */
	NFIPS_XF_URL_DECODE,		/* %HH and '+' */
	NFIPS_XF_DOTPREFIX,		/* "." + buffer */
	NFIPS_XF_TO_MD5,		/* the binary digests */
	NFIPS_XF_TO_SHA1,
	NFIPS_XF_TO_SHA256,
	NFIPS_XF_PCREXFORM,		/* the first capture of a match */
	NFIPS_XF_XOR,			/* with a repeated key */
	NFIPS_XF_HEADER_LOWERCASE,	/* header names of "Name: value" lines */
	NFIPS_XF_STRIP_PSEUDO_HEADERS,	/* lines starting with ':' */
};

struct nfips_xform {
	enum nfips_xform_type type;
	uint8_t *key;		/* xor */
	uint32_t keylen;
	char *source;		/* pcrexform's regex */
	void *code;		/* its pcre2_code * (8-bit), owned */
};

/* Suricata's DETECT_TRANSFORMS_MAX. */
#define NFIPS_MAX_XFORMS	16

/* The transforms of one buffer of a rule. */
struct nfips_xforms {
	uint32_t buf;		/* enum nfips_buf_id */
	uint32_t n;
	struct nfips_xform x[NFIPS_MAX_XFORMS];
};

/* Payload inspections in rule order: relative ones chain on this order. */
struct nfips_match {
	enum nfips_match_type type;
	uint32_t opt;		/* index into rule->opts */
	uint32_t mflags;	/* NFIPS_M_*, derived */
	uint32_t buf;		/* enum nfips_buf_id it inspects */
	uint32_t xf;		/* 1 + index into rule->xforms; 0: none */
	bool b64;		/* after base64_data: inspects what the base64_decode
				 * of buffer @buf decoded */
	union {
		struct nfips_content content;
		struct nfips_pcre pcre;
		struct nfips_isdataat isdataat;
		struct nfips_bytetest bytetest;
		struct nfips_bytejump bytejump;
		struct nfips_byteextract byteextract;
		struct nfips_b64decode b64decode;
	} u;
};


/* flow: keyword. */
#define NFIPS_FLOW_TO_SERVER		(1u << 0)	/* = from_client */
#define NFIPS_FLOW_TO_CLIENT		(1u << 1)	/* = from_server */
#define NFIPS_FLOW_ESTABLISHED		(1u << 2)
#define NFIPS_FLOW_NOT_ESTABLISHED	(1u << 3)
#define NFIPS_FLOW_STATELESS		(1u << 4)
#define NFIPS_FLOW_ONLY_STREAM		(1u << 5)
#define NFIPS_FLOW_NO_STREAM		(1u << 6)

enum nfips_flowbit_cmd {
	NFIPS_FB_SET,
	NFIPS_FB_ISSET,
	NFIPS_FB_ISNOTSET,
	NFIPS_FB_UNSET,
	NFIPS_FB_TOGGLE,
};

struct nfips_flowbit {
	enum nfips_flowbit_cmd cmd;
	bool any;	/* names joined by '|': true if any (else all) */
	uint32_t n;
	char **names;
};

/* flowint (detect-flowint.c): an unsigned 32-bit integer kept per flow. */
enum nfips_flowint_op {
	NFIPS_FI_SET,		/* =  (after a match) */
	NFIPS_FI_ADD,		/* +  (after a match; an unset variable starts at 0) */
	NFIPS_FI_SUB,		/* -  (after a match; only a set variable) */
	NFIPS_FI_EQ,		/* == and the rest: tests, false when unset */
	NFIPS_FI_NE,
	NFIPS_FI_LT,
	NFIPS_FI_LE,
	NFIPS_FI_GT,
	NFIPS_FI_GE,
	NFIPS_FI_ISSET,
	NFIPS_FI_NOTSET,
};

struct nfips_flowint {
	enum nfips_flowint_op op;
	char *name;
	char *var;		/* the operand is this flowint (0 when unset); NULL: value */
	uint32_t value;
};

/* xbits: bits kept per host (track ip_src / ip_dst) or per address pair. */
enum nfips_xbit_track {
	NFIPS_XB_IP_SRC,	/* the packet's source host */
	NFIPS_XB_IP_DST,	/* the packet's destination host */
	NFIPS_XB_IP_PAIR,	/* the two addresses, in either order */
};

struct nfips_xbit {
	enum nfips_flowbit_cmd cmd;	/* set, isset, isnotset, unset (no toggle) */
	enum nfips_xbit_track track;
	uint32_t expire;		/* seconds after the packet that set it */
	char *name;
};

enum nfips_cmp {
	NFIPS_CMP_EQ,		/* a */
	NFIPS_CMP_NE,		/* !a */
	NFIPS_CMP_LT,		/* <a */
	NFIPS_CMP_LE,		/* <=a */
	NFIPS_CMP_GT,		/* >a */
	NFIPS_CMP_GE,		/* >=a */
	NFIPS_CMP_RANGE,	/* a<>b or a-b: a < x < b (exclusive) */
};

struct nfips_u32cmp {
	enum nfips_cmp op;
	uint32_t a, b;
};

/* Packet header keywords. */
enum nfips_pkt_kw {
	NFIPS_PK_TTL,		/* IPv4 TTL / IPv6 hop limit */
	NFIPS_PK_TOS,		/* IPv4 only */
	NFIPS_PK_ID,		/* IPv4 identification */
	NFIPS_PK_FRAGBITS,	/* IPv4 R/D/M bits */
	NFIPS_PK_ITYPE,		/* ICMP/ICMPv6 type */
	NFIPS_PK_ICODE,
	NFIPS_PK_ICMP_ID,	/* echo-type messages only */
	NFIPS_PK_ICMP_SEQ,
	NFIPS_PK_FLAGS,		/* TCP flags */
	NFIPS_PK_SEQ,
	NFIPS_PK_ACK,
	NFIPS_PK_WINDOW,
	NFIPS_PK_STREAM_SIZE,	/* TCP sequence space used, needs the flow */
};

enum nfips_ssize_which {
	NFIPS_SSIZE_SERVER, NFIPS_SSIZE_CLIENT, NFIPS_SSIZE_BOTH, NFIPS_SSIZE_EITHER,
};

/* Modifiers of flags: and fragbits:. */
enum nfips_bits_mod {
	NFIPS_BITS_EXACT,	/* exactly these (after the ignore mask) */
	NFIPS_BITS_PLUS,	/* + these and maybe others */
	NFIPS_BITS_ANY,		/* * any of these */
	NFIPS_BITS_NOT,		/* ! not all of these */
};

struct nfips_pktcheck {
	enum nfips_pkt_kw kw;
	struct nfips_u32cmp cmp;	/* numeric keywords */
	uint8_t bits, keep;		/* flags/fragbits: wanted, not ignored */
	enum nfips_bits_mod mod;
	enum nfips_ssize_which which;	/* stream_size */
	uint32_t opt;			/* index into rule->opts */
};

enum nfips_thr_type {
	NFIPS_THR_LIMIT,
	NFIPS_THR_THRESHOLD,
	NFIPS_THR_BOTH,
	NFIPS_THR_DETECTION_FILTER,
};

enum nfips_track {
	NFIPS_TRACK_BY_SRC,
	NFIPS_TRACK_BY_DST,
	NFIPS_TRACK_BY_RULE,
	NFIPS_TRACK_BY_BOTH,
};

struct nfips_threshold {
	enum nfips_thr_type type;
	enum nfips_track track;
	uint32_t count, seconds;
};

struct nfips_kv {
	char *key;
	char *value;
};

/*
 * A length test on a whole buffer: bsize on a sticky buffer, urilen on
 * the (raw or normalised) URI. Checked before the buffer's payload
 * keywords, as Suricata's are order-independent.
 */
/* Integer fields of a transaction that keywords test (dns.opcode, tls.version). */
enum nfips_txint_id {
	NFIPS_TXINT_DNS_OPCODE,
	NFIPS_TXINT_TLS_VERSION,	/* TLS 1.3 drafts (0x7fxx) as 0x0304 */
	NFIPS_TXINT_TLS_VERSION_RAW,	/* as the direction holds it */
};

/*
 * app-layer-event:http.NAME (Suricata 7.0.10's http_decoder_event_table,
 * in its order): the transaction's integer NFIPS_TXINT_HTTP_EVENT + event
 * is 1 when the event was raised on it (and absent otherwise).
 */
enum nfips_http_event {
	NFIPS_HTTP_EV_UNKNOWN_ERROR,
	NFIPS_HTTP_EV_GZIP_DECOMPRESSION_FAILED,
	NFIPS_HTTP_EV_REQUEST_FIELD_MISSING_COLON,
	NFIPS_HTTP_EV_RESPONSE_FIELD_MISSING_COLON,
	NFIPS_HTTP_EV_INVALID_REQUEST_CHUNK_LEN,
	NFIPS_HTTP_EV_INVALID_RESPONSE_CHUNK_LEN,
	NFIPS_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST,
	NFIPS_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE,
	NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST,
	NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE,
	NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST,
	NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE,
	NFIPS_HTTP_EV_100_CONTINUE_ALREADY_SEEN,
	NFIPS_HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST,
	NFIPS_HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST,
	NFIPS_HTTP_EV_INVALID_AUTHORITY_PORT,
	NFIPS_HTTP_EV_REQUEST_HEADER_INVALID,
	NFIPS_HTTP_EV_RESPONSE_HEADER_INVALID,
	NFIPS_HTTP_EV_MISSING_HOST_HEADER,
	NFIPS_HTTP_EV_HOST_HEADER_AMBIGUOUS,
	NFIPS_HTTP_EV_INVALID_REQUEST_FIELD_FOLDING,
	NFIPS_HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING,
	NFIPS_HTTP_EV_REQUEST_FIELD_TOO_LONG,
	NFIPS_HTTP_EV_RESPONSE_FIELD_TOO_LONG,
	NFIPS_HTTP_EV_FILE_NAME_TOO_LONG,
	NFIPS_HTTP_EV_REQUEST_LINE_INVALID,
	NFIPS_HTTP_EV_REQUEST_BODY_UNEXPECTED,
	NFIPS_HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH,
	NFIPS_HTTP_EV_REQUEST_URI_HOST_INVALID,
	NFIPS_HTTP_EV_REQUEST_HEADER_HOST_INVALID,
	NFIPS_HTTP_EV_REQUEST_AUTH_UNRECOGNIZED,
	NFIPS_HTTP_EV_REQUEST_HEADER_REPETITION,
	NFIPS_HTTP_EV_RESPONSE_HEADER_REPETITION,
	NFIPS_HTTP_EV_DOUBLE_ENCODED_URI,
	NFIPS_HTTP_EV_URI_DELIM_NON_COMPLIANT,
	NFIPS_HTTP_EV_METHOD_DELIM_NON_COMPLIANT,
	NFIPS_HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE,
	NFIPS_HTTP_EV_TOO_MANY_ENCODING_LAYERS,
	NFIPS_HTTP_EV_ABNORMAL_CE_HEADER,
	NFIPS_HTTP_EV_RESPONSE_MULTIPART_BYTERANGES,
	NFIPS_HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING,
	NFIPS_HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO,
	NFIPS_HTTP_EV_RESPONSE_INVALID_PROTOCOL,
	NFIPS_HTTP_EV_RESPONSE_INVALID_STATUS,
	NFIPS_HTTP_EV_REQUEST_LINE_INCOMPLETE,
	NFIPS_HTTP_EV_LZMA_MEMLIMIT_REACHED,
	NFIPS_HTTP_EV_COMPRESSION_BOMB,
	NFIPS_HTTP_EV_RANGE_INVALID,
	NFIPS_HTTP_EV_REQUEST_CHUNK_EXTENSION,
	NFIPS_HTTP_EV_REQUEST_TOO_MANY_HEADERS,
	NFIPS_HTTP_EV_RESPONSE_TOO_MANY_HEADERS,
	NFIPS_HTTP_EV_MULTIPART_GENERIC_ERROR,
	NFIPS_HTTP_EV_MULTIPART_NO_FILEDATA,
	NFIPS_HTTP_EV_MULTIPART_INVALID_HEADER,
	NFIPS_HTTP_EV_TOO_MANY_WARNINGS,
	NFIPS_HTTP_EV_FAILED_PROTOCOL_CHANGE,
	NFIPS_HTTP_EV_COUNT
};

#define NFIPS_TXINT_HTTP_EVENT	0x100u	/* + enum nfips_http_event */

struct nfips_txcheck {
	uint32_t id;		/* enum nfips_txint_id */
	bool negate;
	uint64_t val;		/* equal (or not, negated) */
};

struct nfips_bufcheck {
	uint32_t buf;		/* enum nfips_buf_id */
	uint32_t xf;		/* as nfips_match's */
	struct nfips_u32cmp cmp;
};

/* Rule flags. */
#define NFIPS_R_BIDIR		(1u << 0)	/* <> */
#define NFIPS_R_NOALERT		(1u << 1)	/* noalert / flowbits:noalert */
#define NFIPS_R_FLOW		(1u << 2)	/* has a flow: keyword */
#define NFIPS_R_DSIZE		(1u << 3)
#define NFIPS_R_THRESHOLD	(1u << 4)	/* threshold or detection_filter */
#define NFIPS_R_TAG		(1u << 5)
#define NFIPS_R_TARGET_SRC	(1u << 6)
#define NFIPS_R_TARGET_DST	(1u << 7)
/*
 * Not from the rule text: a drop or reject rule that may act (a Block
 * approval valid now, set by nfips_policy_apply(); or nfipsctl policy
 * apply --approve-all). Without it the kernel lets the rule only alert.
 */
#define NFIPS_R_APPROVED	(1u << 8)

enum nfips_rule_class {
	NFIPS_CLASS_SKIPPED,
	NFIPS_CLASS_KERNEL,	/* decided by the fast pattern + header */
	NFIPS_CLASS_SLOW,	/* punted to the daemon */
};

struct nfips_rule {
	/* header */
	enum nfips_action action;
	enum nfips_proto proto;
	char *proto_name;		/* as written */
	struct nfips_addrset src, dst;
	struct nfips_portset sport, dport;
	uint32_t flags;			/* NFIPS_R_* */

	/* identity and description */
	uint32_t gid, sid, rev;
	char *msg;
	char *classtype;
	uint32_t priority;		/* effective: priority:, classtype, 3 */
	struct nfips_kv *metadata;
	uint32_t nmetadata;
	struct nfips_kv *refs;		/* reference:type,id */
	uint32_t nrefs;
	char *tag;			/* tag: value, kept for display */

	/* detection */
	struct nfips_option *opts;
	uint32_t nopts;
	struct nfips_match *matches;
	uint32_t nmatches;
	uint32_t flow;			/* NFIPS_FLOW_* */
	struct nfips_flowbit *flowbits;
	uint32_t nflowbits;
	struct nfips_xbit *xbits;
	uint32_t nxbits;
	struct nfips_flowint *flowints;
	uint32_t nflowints;
	struct nfips_u32cmp dsize;	/* NFIPS_R_DSIZE */
	struct nfips_pktcheck *pkt;	/* header keywords, rule order */
	uint32_t npkt;
	bool has_ipproto;		/* ip_proto: restricts the protocol */
	struct nfips_u32cmp ipproto;
	struct nfips_threshold threshold; /* NFIPS_R_THRESHOLD */
	/* application layer: the protocol the flow must have been detected
	 * as, the direction of its transactions it inspects (one of
	 * NFIPS_FLOW_TO_SERVER / _TO_CLIENT; 0 for a rule on the raw
	 * payload of such flows), its length tests, and a bit per buffer
	 * its matches or checks use (bit 0: the payload) */
	enum nfips_alproto alproto;
	uint32_t app_dir;
	struct nfips_bufcheck *bufchk;
	uint32_t nbufchk;
	uint64_t bufs;
	/* transforms: at most one chain per buffer (else the rule is skipped) */
	struct nfips_xforms *xforms;
	uint32_t nxforms;
	struct nfips_txcheck *txchk;	/* integer tests (rule_dns.c) */
	uint32_t ntxchk;

	/* NULL when the engine can evaluate the rule exactly */
	char *skip;

	uint32_t line;			/* where the rule starts */

	/* filled in by nfips_rule_classify() */
	enum nfips_rule_class cls;
	int32_t fp;			/* match index of the fast pattern, -1 none */
	uint32_t fp_off, fp_len;	/* the bytes of that content given to the matcher */
	bool fp_nocase;
	const char *why_slow;		/* first reason it is not kernel-decided */
	uint32_t eflags;		/* NFIPS_E_*: how the engine inspects it */
};

/*
 * Inspection class (Suricata's SIG_FLAG_REQUIRE_PACKET/STREAM and
 * signature types), set by nfips_rule_classify().
 */
#define NFIPS_E_PAYLOAD		(1u << 0)	/* has payload keywords */
#define NFIPS_E_PACKET		(1u << 1)	/* inspects packet payloads */
#define NFIPS_E_STREAM		(1u << 2)	/* inspects the TCP stream */
#define NFIPS_E_STREAM_ONLY	(1u << 3)	/* tcp-stream, only_stream (Suricata 7
						 * still inspects packets that
						 * did not go into the stream) */
#define NFIPS_E_IPONLY		(1u << 4)	/* once per flow direction */
#define NFIPS_E_PKTKW		(1u << 5)	/* has header keywords */
#define NFIPS_E_APP		(1u << 7)	/* inspects app-layer transactions */
#define NFIPS_E_LIKE_IPONLY	(1u << 6)	/* IP-only but for a negated address:
						 * every packet, its pass or drop
						 * acting on the flow */

/* ---- parsing -------------------------------------------------------- */

struct nfips_parse_ctx {
	const struct nfips_vars *vars;		/* may be NULL: no variables */
	const struct nfips_classes *classes;	/* NULL: classtype unchecked */
};

/*
 * Parses one rule (a single logical line). Returns 0 and the rule in @out,
 * or -1 with @err filled in (position relative to @text, line 1).
 */
int nfips_rule_parse(const char *text, const struct nfips_parse_ctx *ctx,
		     struct nfips_rule **out, struct nfips_err *err);

/*
 * Called once per rule statement of a file: with the rule (now owned by
 * the callee) and err NULL, or with rule NULL and the error. Nonzero
 * return stops the parse and is returned.
 */
typedef int (*nfips_rule_fn)(void *arg, struct nfips_rule *rule,
			     const struct nfips_err *err);

/*
 * Splits @buf into rules: '#' comment lines and blank lines are skipped, a
 * trailing backslash joins the next line. @name labels errors.
 */
int nfips_rules_parse_buf(const char *name, const char *buf, size_t len,
			  const struct nfips_parse_ctx *ctx,
			  nfips_rule_fn fn, void *arg);
/* As above for a file; -1 with @ioerr filled if it cannot be read. */
int nfips_rules_parse_file(const char *path, const struct nfips_parse_ctx *ctx,
			   nfips_rule_fn fn, void *arg, struct nfips_err *ioerr);

void nfips_rule_free(struct nfips_rule *rule);

/* Membership tests, shared with the evaluator. */
bool nfips_addrset_has4(const struct nfips_addrset *s, uint32_t addr);
bool nfips_addrset_has6(const struct nfips_addrset *s, const uint8_t addr[16]);
bool nfips_portset_has(const struct nfips_portset *s, uint16_t port);

const char *nfips_action_name(enum nfips_action a);
const char *nfips_class_name(enum nfips_rule_class c);

/* ---- classification ------------------------------------------------- */

/*
 * Chooses the fast pattern (the fast_pattern content, else the longest
 * positive content, the first of equals) and the class. Idempotent.
 */
void nfips_rule_classify(struct nfips_rule *rule);

/* The transforms of buffer @buf of @rule; NULL when it has none. */
const struct nfips_xforms *nfips_rule_xforms(const struct nfips_rule *rule, uint32_t buf);

/* Bytes of the fast pattern, or NULL when the rule has none. */
const uint8_t *nfips_rule_fp(const struct nfips_rule *rule, uint32_t *len);

/*
 * Fast patterns of at most this many bytes match too often to prefilter
 * well: the compiler gives the kernel a longer content of the same rule
 * instead when there is one (compile.c).
 */
#define NFIPS_SHORT_FP	2

/*
 * Whether the kernel's pattern for the rule (classified) is short: it has a
 * fast pattern and no positive content in the packet bytes is longer than
 * NFIPS_SHORT_FP.
 */
bool nfips_rule_short_fp(const struct nfips_rule *rule);

#endif /* NFIPS_RULE_H */
