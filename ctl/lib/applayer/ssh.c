// SPDX-License-Identifier: GPL-2.0
/*
 * SSH over TCP, as Suricata 7's rust/src/ssh reads it: each direction's
 * banner line ("SSH-protoversion-softwareversion comments"), then its
 * binary packets skipped by their length until SSH_MSG_NEWKEYS, after
 * which the direction is encrypted. When both directions sent NEWKEYS the
 * flow's payload is no longer inspected (Suricata's NO_INSPECTION).
 *
 * Detection (app-layer-ssh.c): "SSH-" at offset 0, case-insensitive, in
 * either direction, on any port. The banner parser itself wants "SSH-"
 * in upper case: a flow detected by "ssh-" fails to parse.
 *
 * The parser is fed the stream in the pieces the reassembly hands over,
 * and keeps what Suricata's parser asks to see again (its "incomplete"
 * results): a banner line until its end of line, or until 256 bytes
 * without one (a long banner: what arrived so far is the banner, the rest
 * of the line is skipped); a record header until its 6 bytes.
 *
 * A flow has one transaction, as in Suricata; each side's ssh.proto and
 * ssh.software are set once, when its banner is read, and the side is
 * handed out once it reaches progress "banner done" (its banner line
 * ended, or its NEWKEYS was seen after a long banner).
 */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "proto.h"
#include "util/util.h"

enum { SSH_IN_PROGRESS, SSH_WAIT_EOL, SSH_BANNER_DONE, SSH_FINISHED };

#define SSH_MAX_BANNER_LEN	256u
#define SSH_RECORD_HEADER_LEN	6u
#define SSH_MSG_NEWKEYS		21u
/*
 * Bytes kept for the parser at most (a banner line never ending): past
 * this the direction is not parsed any more. Suricata keeps them up to
 * its stream depth (1 MiB by default).
 */
#define SSH_PENDING_MAX		(1u << 20)

struct ssh_state;

/* One side (0 client, 1 server) of the flow's transaction, as the engine sees it. */
struct ssh_side {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct ssh_state *s;
	int dir;
};

struct ssh_dir {
	uint8_t flags;		/* SSH_IN_PROGRESS ... SSH_FINISHED */
	uint32_t record_left;	/* bytes of the current record still to skip */
	struct bytes pend;	/* bytes the parser wants to see again */
	uint32_t need;		/* pend must hold this many before the next call */
	struct bytes proto, sw;	/* ssh.proto, ssh.software */
	bool has_sw;
};

struct ssh_state {
	struct ssh_side side[2];
	struct ssh_dir dir[2];
	bool broken;		/* a parse error: no more parsing (both directions) */
	bool no_payload;	/* NEWKEYS seen in both directions */
	bool taken[2];		/* handed to the engine */
	const struct nfips_tx *ready_one;
};

/* What a parser call did, as Suricata's AppLayerResult. */
struct result {
	int status;		/* 0 ok (all consumed), 1 incomplete, -1 error */
	uint32_t consumed, needed;
};

static const struct result R_OK = { 0, 0, 0 };
static const struct result R_ERR = { -1, 0, 0 };

static struct result incomplete(uint32_t consumed, uint32_t needed)
{
	return (struct result){ 1, consumed, needed };
}

static int detect(const uint8_t *d, uint32_t n, bool to_server)
{
	static const char pat[] = "SSH-";
	uint32_t i;

	(void)to_server;
	for (i = 0; i < 4; i++) {
		if (i == n)
			return -1;
		if ((d[i] >= 'a' && d[i] <= 'z' ? d[i] - 32 : d[i]) != pat[i])
			return 0;
	}
	return 1;
}

/*
 * parser.rs ssh_parse_line: the line up to "\n", "\r\n" or a "\r" that
 * is not the last byte; its length in *len and the bytes after its end
 * in *next. False: no end of line yet.
 */
static bool parse_line(const uint8_t *d, uint32_t n, uint32_t *len, uint32_t *next)
{
	uint32_t i;

	for (i = 0; i < n && d[i] != '\n' && d[i] != '\r'; i++)
		;
	if (i == n)
		return false;
	*len = i;
	if (d[i] == '\n') {
		*next = i + 1;
		return true;
	}
	if (i + 1 == n)
		return false;	/* "\r" last: "\r\n" or a lone "\r" */
	*next = d[i + 1] == '\n' ? i + 2 : i + 1;
	return true;
}

/*
 * parser.rs ssh_parse_banner on @d: "SSH-", the protocol version (one
 * byte or more up to a "-"), "-", the software version: up to the first
 * blank, CR or LF; the rest of @d when there is none or when it starts
 * with one. False when it does not parse (an invalid banner).
 */
static bool parse_banner(struct ssh_dir *h, const uint8_t *d, uint32_t n)
{
	const uint8_t *dash, *sw, *end = d + n;
	uint32_t k;

	if (n < 4 || memcmp(d, "SSH-", 4))
		return false;
	dash = memchr(d + 4, '-', n - 4);
	if (!dash || dash == d + 4)
		return false;
	sw = dash + 1;
	for (k = 0; sw + k < end && sw[k] != ' ' && sw[k] != '\r' && sw[k] != '\n'; k++)
		;
	if (!k || sw + k == end)
		k = (uint32_t)(end - sw);
	if (bytes_add(&h->proto, d + 4, (size_t)(dash - d - 4)) || bytes_add(&h->sw, sw, k))
		return false;
	h->has_sw = k > 0;
	return true;
}

/* ssh.rs parse_record: the binary packets of a direction after its banner. */
static struct result parse_record(struct ssh_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct ssh_dir *h = &s->dir[dir], *o = &s->dir[!dir];
	const uint32_t il = n;
	uint32_t pkt_len;

	if (h->record_left) {
		if (h->record_left > n) {
			h->record_left -= n;
			return R_OK;
		}
		d += h->record_left;
		n -= h->record_left;
		h->record_left = 0;
	}
	while (n) {
		if (n < 4)
			return incomplete(il - n, SSH_RECORD_HEADER_LEN);
		pkt_len = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		if (pkt_len <= 1)
			return R_ERR;	/* invalid_record */
		if (n < SSH_RECORD_HEADER_LEN)
			return incomplete(il - n, SSH_RECORD_HEADER_LEN);
		if ((uint64_t)n - SSH_RECORD_HEADER_LEN >= (uint64_t)pkt_len - 2) {
			/* a whole record */
			if (d[5] == SSH_MSG_NEWKEYS) {
				h->flags = SSH_FINISHED;
				if (o->flags >= SSH_FINISHED)
					s->no_payload = true;
			}
			d += SSH_RECORD_HEADER_LEN + (pkt_len - 2);
			n -= SSH_RECORD_HEADER_LEN + (pkt_len - 2);
			continue;
		}
		/* its header only: the rest is skipped as it comes */
		h->record_left = pkt_len - 2 - (n - SSH_RECORD_HEADER_LEN);
		if (d[5] == SSH_MSG_NEWKEYS)
			h->flags = SSH_FINISHED;
		return R_OK;
	}
	return R_OK;
}

/* An incomplete result of parse_record after @used bytes of banner. */
static struct result after_banner(struct result r, uint32_t used)
{
	if (r.status == 1)
		r.consumed += used;
	return r;
}

/* ssh.rs parse_banner. */
static struct result banner(struct ssh_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct ssh_dir *h = &s->dir[dir];
	uint32_t len, next;

	if (h->flags == SSH_WAIT_EOL) {
		if (!parse_line(d, n, &len, &next))
			return incomplete(0, n + 1);
		return after_banner(parse_record(s, dir, d + next, n - next), next);
	}
	if (parse_line(d, n, &len, &next)) {
		if (!parse_banner(h, d, len))
			return R_ERR;	/* invalid_banner */
		h->flags = SSH_BANNER_DONE;
		return after_banner(parse_record(s, dir, d + next, n - next), next);
	}
	if (n < SSH_MAX_BANNER_LEN)
		return incomplete(0, n + 1);
	/* a long banner without its end of line yet: what came is the banner */
	if (!parse_banner(h, d, n))
		return R_ERR;
	h->flags = SSH_WAIT_EOL;
	return R_OK;
}

static struct result parse(struct ssh_state *s, int dir, const uint8_t *d, uint32_t n)
{
	if (s->dir[dir].flags < SSH_BANNER_DONE)
		return banner(s, dir, d, n);
	return parse_record(s, dir, d, n);
}

/*
 * The next @n bytes of a direction: with what the parser wanted to see
 * again, the parser runs once it has the bytes it asked for, as
 * Suricata's app-layer calls it.
 */
static void data(void *p, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	struct ssh_state *s = p;
	struct ssh_dir *h = &s->dir[dir];
	struct result r;
	uint32_t len;

	(void)ts;
	if (s->broken || !n)
		return;
	if (h->pend.len) {
		if (h->pend.len + (uint64_t)n > SSH_PENDING_MAX || bytes_add(&h->pend, d, n)) {
			s->broken = true;
			return;
		}
		if (h->pend.len < h->need)
			return;
		d = h->pend.p;
		n = h->pend.len;
	}
	r = parse(s, dir, d, n);
	if (r.status < 0) {
		/* Suricata stops parsing the flow (StreamTcpDisableAppLayer) */
		s->broken = true;
		h->pend.len = 0;
		return;
	}
	if (r.status == 0) {
		h->pend.len = 0;
		h->need = 0;
		return;
	}
	len = n - r.consumed;
	if (d == h->pend.p) {
		memmove(h->pend.p, h->pend.p + r.consumed, len);
		h->pend.len = len;
	} else if (len > SSH_PENDING_MAX || bytes_add(&h->pend, d + r.consumed, len)) {
		s->broken = true;
		return;
	}
	h->need = r.needed;
}

/*
 * detect-ssh-proto.c, detect-ssh-software.c: the side's banner fields,
 * once its progress is "banner done"; ssh.software only when the banner
 * had one.
 */
static bool ssh_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data,
		    uint32_t *len)
{
	const struct ssh_side *side = (const struct ssh_side *)view;
	const struct ssh_dir *h = &side->s->dir[side->dir];
	const struct bytes *b;

	if (h->flags < SSH_BANNER_DONE)
		return false;
	if (id == NFIPS_BUF_SSH_PROTO)
		b = &h->proto;
	else if (id == NFIPS_BUF_SSH_SOFTWARE && h->has_sw)
		b = &h->sw;
	else
		return false;
	if (!b->len)
		return false;
	*data = b->p;
	*len = b->len;
	return true;
}

/* A flow has one transaction (Suricata's SSHTransaction, tx_id 0). */
static uint64_t ssh_tx_id(const struct nfips_tx *view)
{
	(void)view;
	return 0;
}

/* Suricata's logger writes a banner field's first 256 bytes, then "[truncated]". */
static void banner_str(struct nfips_json *j, const char *key, const struct bytes *b)
{
	char buf[256 + sizeof("[truncated]")];

	if (b->len <= 256) {
		nfips_json_kstrn(j, key, (const char *)b->p, b->len);
		return;
	}
	memcpy(buf, b->p, 256);
	memcpy(buf + 256, "[truncated]", sizeof("[truncated]") - 1);
	nfips_json_kstrn(j, key, buf, sizeof(buf) - 1);
}

/*
 * Suricata 7's rust/src/ssh/logger.rs log_ssh as its alert writes it
 * (hassh off, its default): "client" and "server" once their banner
 * gave a protocol version; no "ssh" object before either did.
 */
static void ssh_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags)
{
	const struct ssh_state *s = ((const struct ssh_side *)view)->s;
	static const char *const names[2] = { "client", "server" };
	int d;

	(void)flags;
	if (!s->dir[0].proto.len && !s->dir[1].proto.len)
		return;
	nfips_json_obj(j, "ssh");
	for (d = 0; d < 2; d++) {
		const struct ssh_dir *h = &s->dir[d];

		if (!h->proto.len)
			continue;
		nfips_json_obj(j, names[d]);
		banner_str(j, "proto_version", &h->proto);
		if (h->sw.len)
			banner_str(j, "software_version", &h->sw);
		nfips_json_obj_end(j);
	}
	nfips_json_obj_end(j);
}

static void *state_new(void *ctx)
{
	struct ssh_state *s = calloc(1, sizeof(*s));
	int i;

	(void)ctx;
	if (!s)
		return NULL;
	for (i = 0; i < 2; i++) {
		s->side[i].view.get = ssh_get;
		s->side[i].view.tx_id = ssh_tx_id;
		s->side[i].view.eve = ssh_eve;
		s->side[i].s = s;
		s->side[i].dir = i;
	}
	return s;
}

static void state_free(void *p)
{
	struct ssh_state *s = p;
	int i;

	if (!s)
		return;
	for (i = 0; i < 2; i++) {
		bytes_free(&s->dir[i].pend);
		bytes_free(&s->dir[i].proto);
		bytes_free(&s->dir[i].sw);
	}
	free(s);
}

static uint32_t ready(void *p, int dir, bool eof, const struct nfips_tx *const **txs)
{
	struct ssh_state *s = p;

	/*
	 * A side once its progress reaches "banner done" (with the flow's
	 * end too: Suricata's progress of a direction does not change then).
	 */
	(void)eof;
	*txs = NULL;
	if (s->taken[dir] || s->dir[dir].flags < SSH_BANNER_DONE)
		return 0;
	s->taken[dir] = true;
	s->ready_one = &s->side[dir].view;
	*txs = (const struct nfips_tx *const *)&s->ready_one;
	return 1;
}

static bool no_payload(const void *p)
{
	return ((const struct ssh_state *)p)->no_payload;
}

/* Both directions encrypted and both sides handed out: nothing more. */
static bool idle(const void *p)
{
	const struct ssh_state *s = p;

	return s->no_payload && s->taken[0] && s->taken[1];
}

const struct app_proto_ops app_ssh_ops = {
	.alproto = NFIPS_ALPROTO_SSH,
	.detect = detect,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.ready = ready,
	.no_payload = no_payload,
	.idle = idle,
	.detected_dir_first = true,
};
