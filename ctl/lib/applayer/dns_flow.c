// SPDX-License-Identifier: GPL-2.0
/*
 * A flow's DNS (dns.h), as Suricata 7.0's DNSState: every message parsed
 * becomes a transaction of its direction (a request when sent to the
 * server, with its QR bit clear; a response when sent to the client,
 * whatever its QR bit says); a message that does not parse makes none. Over
 * UDP each datagram is one message and a bad one changes nothing for the
 * next; over TCP messages are framed by a 2-byte length (a zero length is
 * skipped) and the first one that does not parse ends the flow's parsing,
 * as Suricata disables the application layer of the session then; after
 * lost bytes the partial message is dropped and the next bytes are read
 * as the start of a message (dns.rs parse_request_tcp after a gap).
 *
 * What a rule reads of a transaction: dns.query, one buffer per question
 * of a request (the name as the labels joined by '.', case kept; an empty
 * name ends the list, as rs_dns_tx_get_query_name stops there), and the
 * header's opcode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "proto.h"
#include "util/util.h"

#define DNS_TCP_MAX	(2u + 65535u)

struct dns_tx {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct nfips_dns *s;
	uint16_t flags;
	uint16_t msg_id;	/* the header's id */
	uint64_t id;		/* Suricata's tx_id: transactions of the flow before it */
	bool response;
	uint8_t *msg;		/* the message (with questions), for its names */
	uint32_t len;
	uint32_t *qoff;		/* start of each question's name */
	uint32_t nq;
	struct dns_tx *next;
};

struct dns_dir {
	uint8_t *buf;		/* TCP: bytes of a message not complete yet */
	uint32_t len;
	struct dns_tx *head, *tail;	/* parsed, not handed out */
	const struct nfips_tx **out;	/* handed out by the last dns_ready */
	uint32_t nout, cap;
};

struct nfips_dns {
	struct dns_dir dir[2];
	uint64_t ntx;		/* transactions made so far, both directions */
	bool broken;		/* TCP: a message did not parse */
	uint8_t name[DNS_NAME_BUF];	/* the name a get returned last */
};

static bool dns_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data,
		    uint32_t *len)
{
	(void)view;
	(void)id;
	*data = NULL;
	*len = 0;
	return false;	/* DNS has only multi-buffers and integers */
}

static bool dns_get_nth(const struct nfips_tx *view, uint32_t id, uint32_t i,
			const uint8_t **data, uint32_t *len)
{
	const struct dns_tx *t = (const struct dns_tx *)view;
	uint32_t next;

	if (id != NFIPS_BUF_DNS_QUERY || t->response || i >= t->nq)
		return false;
	if (dns_name(t->msg, t->len, t->qoff[i], t->len, t->s->name, len, &next) || !*len)
		return false;
	*data = t->s->name;
	return true;
}

static bool dns_get_int(const struct nfips_tx *view, uint32_t id, uint64_t *v)
{
	const struct dns_tx *t = (const struct dns_tx *)view;

	if (id != NFIPS_TXINT_DNS_OPCODE)
		return false;
	*v = (t->flags >> 11) & 0xf;
	return true;
}

/* ---- an alert's "dns" object ---------------------------------------- */

static uint64_t dns_tx_id(const struct nfips_tx *view)
{
	return ((const struct dns_tx *)view)->id;
}

/* Suricata's dns_rrtype_string; NULL: written as its number. */
static const char *rrtype_name(uint16_t t)
{
	static const char *const low[] = {
		NULL, "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL",
		"WKS", "PTR", "HINFO", "MINFO", "MX", "TXT", "RP", "AFSDB", "X25",
		"ISDN", "RT", "NSAP", "NSAPPTR", "SIG", "KEY", "PX", "GPOS", "AAAA",
		"LOC", NULL, NULL, NULL, "SRV", "ATMA", "NAPTR", "KX", "CERT", "A6",
		"DNAME", NULL, "OPT", "APL", "DS", "SSHFP", "IPSECKEY", "RRSIG",
		"NSEC", "DNSKEY", "DHCID", "NSEC3", "NSEC3PARAM", "TLSA", NULL, NULL,
		"HIP", NULL, NULL, NULL, "CDS", "CDNSKEY",
	};

	if (t < sizeof(low) / sizeof(low[0]))
		return low[t];
	switch (t) {
	case 99: return "SPF";
	case 249: return "TKEY";
	case 250: return "TSIG";
	case 254: return "MAILA";
	case 255: return "ANY";
	case 256: return "URI";
	}
	return NULL;
}

static void rrtype(struct nfips_json *j, uint16_t t)
{
	const char *name = rrtype_name(t);
	char num[8];

	if (!name) {
		snprintf(num, sizeof(num), "%u", t);
		name = num;
	}
	nfips_json_kstr(j, "rrtype", name);
}

/*
 * Question @i's name into j's "rrname" (rrname_truncated when cut); its
 * type. A response keeps no offsets: its first question follows the header.
 */
static bool question(const struct dns_tx *t, uint32_t i, struct nfips_json *j, uint16_t *type)
{
	const uint32_t off = t->qoff ? t->qoff[i] : DNS_HDR_LEN;
	uint32_t len, next;
	bool trunc;

	if (dns_name_trunc(t->msg, t->len, off, t->len, t->s->name, &len, &next,
			   &trunc) || next + 2 > t->len)
		return false;
	*type = (uint16_t)(t->msg[next] << 8 | t->msg[next + 1]);
	nfips_json_kstrn(j, "rrname", (const char *)t->s->name, len);
	if (trunc)
		nfips_json_kbool(j, "rrname_truncated", true);
	return true;
}

static void flag_bools(struct nfips_json *j, uint16_t flags)
{
	static const struct { uint16_t bit; const char *name; } f[] = {
		{ 0x8000, "qr" }, { 0x0400, "aa" }, { 0x0200, "tc" },
		{ 0x0100, "rd" }, { 0x0080, "ra" }, { 0x0040, "z" },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (flags & f[i].bit)
			nfips_json_kbool(j, f[i].name, true);
}

static const char *rcode_name(uint16_t flags)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};

	return (flags & 0xf) < sizeof(names) / sizeof(names[0]) ? names[flags & 0xf] : NULL;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The name at @pos of the message into j's @key; false when it does not decode. */
static bool kname(const struct dns_tx *t, struct nfips_json *j, const char *key, uint32_t pos,
		  uint32_t end, uint32_t *next)
{
	uint32_t len;

	if (dns_name(t->msg, t->len, pos, end, t->s->name, &len, next))
		return false;
	nfips_json_kstrn(j, key, (const char *)t->s->name, len);
	return true;
}

/* log.rs dns_log_json_answer_detail: one record's rrname, rrtype, ttl, data. */
static void record_detail(const struct dns_tx *t, struct nfips_json *j, uint32_t pos,
			  uint16_t type, uint32_t ttl, uint32_t rd, uint32_t rdlen)
{
	const uint8_t *p = t->msg + rd;
	const uint32_t end = rd + rdlen;
	uint32_t next, k;
	char buf[64];

	if (type == 16) {
		/* TXT: an entry per string (7.0.10's parser splits them) */
		for (k = 0; k < rdlen && k + 1u + p[k] <= rdlen; k += 1u + p[k]) {
			nfips_json_obj(j, NULL);
			kname(t, j, "rrname", pos, t->len, &next);
			rrtype(j, type);
			nfips_json_kuint(j, "ttl", ttl);
			nfips_json_kstrn(j, "rdata", (const char *)p + k + 1, p[k]);
			nfips_json_obj_end(j);
		}
		return;
	}
	nfips_json_obj(j, NULL);
	kname(t, j, "rrname", pos, t->len, &next);
	rrtype(j, type);
	nfips_json_kuint(j, "ttl", ttl);
	switch (type) {
	case 1:		/* A, AAAA: dns_print_addr */
	case 28:
		if (rdlen == 4) {
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
			nfips_json_kstr(j, "rdata", buf);
		} else if (rdlen == 16) {
			int i, k = 0;

			for (i = 0; i < 16; i += 2)
				k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%s%02x%02x",
					      i ? ":" : "", p[i], p[i + 1]);
			nfips_json_kstr(j, "rdata", buf);
		}
		break;
	case 2:		/* NS, CNAME, PTR: the name */
	case 5:
	case 12:
		kname(t, j, "rdata", rd, end, &next);
		break;
	case 15:	/* MX: the exchange's name */
		if (rdlen >= 2)
			kname(t, j, "rdata", rd + 2, end, &next);
		break;
	case 10:	/* NULL: the bytes */
		nfips_json_kstrn(j, "rdata", (const char *)p, rdlen);
		break;
	case 6: {	/* SOA */
		uint32_t n2;

		nfips_json_obj(j, "soa");
		if (kname(t, j, "mname", rd, end, &next) && kname(t, j, "rname", next, end, &n2) &&
		    end - n2 >= 20) {
			nfips_json_kuint(j, "serial", rd32(t->msg + n2));
			nfips_json_kuint(j, "refresh", rd32(t->msg + n2 + 4));
			nfips_json_kuint(j, "retry", rd32(t->msg + n2 + 8));
			nfips_json_kuint(j, "expire", rd32(t->msg + n2 + 12));
			nfips_json_kuint(j, "minimum", rd32(t->msg + n2 + 16));
		}
		nfips_json_obj_end(j);
		break;
	}
	case 33:	/* SRV */
		if (rdlen >= 6) {
			nfips_json_obj(j, "srv");
			nfips_json_kuint(j, "priority", rd16(p));
			nfips_json_kuint(j, "weight", rd16(p + 2));
			nfips_json_kuint(j, "port", rd16(p + 4));
			kname(t, j, "name", rd + 6, end, &next);
			nfips_json_obj_end(j);
		}
		break;
	case 44:	/* SSHFP */
		if (rdlen >= 2) {
			uint32_t i;

			/* the fingerprint in lower hex, bytes separated by ':' */
			char *hex = malloc(3u * rdlen + 1);

			if (!hex) {
				j->b->oom = true;
				break;
			}
			hex[0] = '\0';
			for (i = 2, k = 0; i < rdlen; i++)
				k += (uint32_t)snprintf(hex + k, 4, "%s%02x", i > 2 ? ":" : "", p[i]);
			nfips_json_obj(j, "sshfp");
			nfips_json_kstr(j, "fingerprint", hex);
			nfips_json_kuint(j, "algo", p[0]);
			nfips_json_kuint(j, "type", p[1]);
			nfips_json_obj_end(j);
			free(hex);
		}
		break;
	}
	nfips_json_obj_end(j);
}

/*
 * A response's "authorities" (dns_log_json_answer): each authority
 * record in detail, the message walked past its questions and answers
 * (it parsed whole, or it would be no transaction).
 */
static void authorities(const struct dns_tx *t, struct nfips_json *j)
{
	const uint8_t *m = t->msg;
	uint32_t pos = DNS_HDR_LEN, i, an, ns, rdlen, owner;
	bool open = false;
	uint16_t qd, type;

	if (t->len < DNS_HDR_LEN)
		return;
	qd = rd16(m + 4);
	an = rd16(m + 6);
	ns = rd16(m + 8);
	if (!ns)
		return;
	for (i = 0; i < qd; i++) {
		if (dns_name(m, t->len, pos, t->len, NULL, NULL, &pos) || t->len - pos < 4)
			return;
		pos += 4;
	}
	for (i = 0; i < an + ns; i++) {
		owner = pos;
		if (dns_name(m, t->len, pos, t->len, NULL, NULL, &pos) || t->len - pos < 10)
			break;
		type = rd16(m + pos);
		rdlen = rd16(m + pos + 8);
		pos += 10;
		if (t->len - pos < rdlen)
			break;
		if (i >= an) {
			if (!open)
				nfips_json_arr(j, "authorities");
			open = true;
			record_detail(t, j, owner, type, rd32(m + pos - 6), pos, rdlen);
		}
		pos += rdlen;
	}
	if (open)
		nfips_json_arr_end(j);
}

/*
 * Suricata 7.0's alert "dns" object (output-json-alert.c AlertJsonDns,
 * rust/src/dns/log.rs with every rrtype and neither the detailed nor the
 * grouped answer format): "version" 2, a request's "query" list, a
 * response's "answer" (its header and authority records) when it has a
 * question.
 */
static void dns_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags)
{
	const struct dns_tx *t = (const struct dns_tx *)view;
	const uint32_t opcode = (t->flags >> 11) & 0xf;
	uint16_t type;
	uint32_t i;
	char buf[8];

	(void)flags;
	nfips_json_obj(j, "dns");
	nfips_json_kuint(j, "version", 2);
	if (!t->response && t->nq) {
		nfips_json_arr(j, "query");
		for (i = 0; i < t->nq; i++) {
			nfips_json_obj(j, NULL);
			nfips_json_kstr(j, "type", "query");
			nfips_json_kuint(j, "id", t->msg_id);
			if (question(t, i, j, &type))
				rrtype(j, type);
			nfips_json_kuint(j, "tx_id", t->id);
			if (t->flags & 0x0040)
				nfips_json_kbool(j, "z", true);
			nfips_json_kuint(j, "opcode", opcode);
			nfips_json_obj_end(j);
		}
		nfips_json_arr_end(j);
	}
	if (t->response && t->nq) {
		const char *rc = rcode_name(t->flags);

		nfips_json_obj(j, "answer");
		nfips_json_kuint(j, "version", 2);
		nfips_json_kstr(j, "type", "answer");
		nfips_json_kuint(j, "id", t->msg_id);
		snprintf(buf, sizeof(buf), "%x", t->flags);
		nfips_json_kstr(j, "flags", buf);
		flag_bools(j, t->flags);
		nfips_json_kuint(j, "opcode", opcode);
		if (question(t, 0, j, &type))
			rrtype(j, type);
		if (!rc) {
			snprintf(buf, sizeof(buf), "%u", t->flags & 0xf);
			rc = buf;
		}
		nfips_json_kstr(j, "rcode", rc);
		authorities(t, j);
		nfips_json_obj_end(j);
	}
	nfips_json_obj_end(j);
}

static void tx_free(struct dns_tx *t)
{
	if (!t)
		return;
	free(t->msg);
	free(t->qoff);
	free(t);
}

struct nfips_dns *dns_new(void)
{
	return calloc(1, sizeof(struct nfips_dns));
}

static void dir_free(struct dns_dir *d)
{
	struct dns_tx *t, *n;
	uint32_t i;

	for (t = d->head; t; t = n) {
		n = t->next;
		tx_free(t);
	}
	for (i = 0; i < d->nout; i++)
		tx_free((struct dns_tx *)d->out[i]);
	free(d->out);
	free(d->buf);
}

void dns_free(struct nfips_dns *s)
{
	if (!s)
		return;
	dir_free(&s->dir[0]);
	dir_free(&s->dir[1]);
	free(s);
}

/* One message of direction @dir: a transaction, or false when it does not parse. */
static bool message(struct nfips_dns *s, int dir, const uint8_t *m, uint32_t n)
{
	struct dns_dir *d = &s->dir[dir];
	struct dns_hdr h;
	struct dns_tx *t;

	if (dns_parse(m, n, dir == 1, &h, NULL))
		return false;
	if (dir == 0 && (h.flags & 0x8000))
		return false;	/* NotRequest: no transaction */
	t = calloc(1, sizeof(*t));
	if (!t)
		return true;	/* not inspected, the parsing goes on */
	t->view.get = dns_get;
	t->view.get_nth = dns_get_nth;
	t->view.get_int = dns_get_int;
	t->view.tx_id = dns_tx_id;
	t->view.eve = dns_eve;
	/*
	 * view.final and view.det stay NULL: a message is a transaction
	 * complete when parsed, every buffer final, handed out once (a rule
	 * that fails on it fails for good, one that matches alerts once).
	 */
	t->s = s;
	t->flags = h.flags;
	t->msg_id = h.id;
	t->id = s->ntx++;
	t->response = dir == 1;
	/*
	 * A response's message too, for the alert's "answer": its first
	 * question, which starts right after the header (not parsed again
	 * here: the record decodes it, when there is one).
	 */
	if (h.qd) {
		t->msg = malloc(n);
		t->qoff = t->response ? NULL : malloc(h.qd * sizeof(*t->qoff));
		if (!t->msg || (!t->response && !t->qoff)) {
			tx_free(t);
			return true;
		}
		memcpy(t->msg, m, n);
		t->len = n;
		t->nq = h.qd;
		if (!t->response)
			dns_parse(m, n, false, &h, t->qoff);
	}
	if (d->tail)
		d->tail->next = t;
	else
		d->head = t;
	d->tail = t;
	return true;
}

void dns_udp(struct nfips_dns *s, int dir, const uint8_t *d, uint32_t n)
{
	if (s && n)
		message(s, dir, d, n);
}

bool dns_gap(struct nfips_dns *s, int dir)
{
	if (!s)
		return false;
	s->dir[dir].len = 0;
	return true;
}

/*
 * dns.rs parse_request_tcp / parse_response_tcp over @d: complete
 * messages are parsed, what is left waits for more. The number of bytes
 * used, or -1 when a message does not parse.
 */
static int64_t frames(struct nfips_dns *s, int dir, const uint8_t *d, uint32_t n)
{
	uint32_t used = 0, size;

	while (n - used >= 2) {
		size = (uint32_t)(d[used] << 8 | d[used + 1]);
		if (!size) {
			used += 2;
			continue;
		}
		if (n - used < size + 2)
			break;
		if (!message(s, dir, d + used + 2, size))
			return -1;
		used += size + 2;
	}
	return used;
}

void dns_tcp(struct nfips_dns *s, int dir, const uint8_t *d, uint32_t n)
{
	struct dns_dir *dd;
	int64_t used;
	uint32_t take;

	if (!s || s->broken || !n)
		return;
	dd = &s->dir[dir];
	while (n) {
		if (!dd->len) {
			used = frames(s, dir, d, n);
			if (used < 0)
				goto broken;
			d += used;
			n -= (uint32_t)used;
			if (n) {
				/* at most one partial message: < DNS_TCP_MAX */
				if (!dd->buf && !(dd->buf = malloc(DNS_TCP_MAX)))
					goto broken;
				memcpy(dd->buf, d, n);
				dd->len = n;
			}
			return;
		}
		/* complete the held message first, a byte at a time if needed */
		take = dd->len < 2 ? 2 - dd->len :
		       (uint32_t)(dd->buf[0] << 8 | dd->buf[1]) + 2 - dd->len;
		if (take > n)
			take = n;
		memcpy(dd->buf + dd->len, d, take);
		dd->len += take;
		d += take;
		n -= take;
		used = frames(s, dir, dd->buf, dd->len);
		if (used < 0)
			goto broken;
		if ((uint32_t)used == dd->len)
			dd->len = 0;
		else if (used)
			goto broken;	/* cannot happen: one message at most */
	}
	return;
broken:
	s->broken = true;
}

uint32_t dns_ready(struct nfips_dns *s, int dir, const struct nfips_tx *const **txs)
{
	struct dns_dir *d;
	struct dns_tx *t;
	uint32_t i, n = 0;

	*txs = NULL;
	if (!s)
		return 0;
	d = &s->dir[dir];
	for (i = 0; i < d->nout; i++)
		tx_free((struct dns_tx *)d->out[i]);
	d->nout = 0;
	for (t = d->head; t; t = t->next)
		n++;
	if (!n)
		return 0;
	if (n > d->cap) {
		const struct nfips_tx **o = realloc(d->out, n * sizeof(*o));

		if (!o)
			return 0;	/* kept for the next call */
		d->out = o;
		d->cap = n;
	}
	for (t = d->head; t; t = t->next)
		d->out[d->nout++] = &t->view;
	d->head = d->tail = NULL;
	*txs = d->out;
	return d->nout;
}

/* DNS's operations (proto.h): TCP framing on the stream, UDP datagrams. */
static int detect_tcp(const uint8_t *d, uint32_t n, bool to_server)
{
	bool req;

	(void)to_server;
	if (dns_probe_tcp(d, n, &req) == 1)
		return 1;
	/* past the probe's depth and not DNS: Suricata masks the probe */
	return n > DNS_HDR_LEN + 2 ? 0 : -1;
}

static void *state_new(void *ctx)
{
	(void)ctx;
	return dns_new();
}

static void state_free(void *s)
{
	dns_free(s);
}

static void tcp_data(void *s, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	(void)ts;
	dns_tcp(s, dir, d, n);
}

static void udp_data(void *s, int dir, const uint8_t *d, uint32_t n)
{
	dns_udp(s, dir, d, n);
}

static bool gap(void *s, int dir, uint64_t n, uint64_t ts)
{
	(void)n;
	(void)ts;
	return dns_gap(s, dir);
}

static uint32_t ready(void *s, int dir, bool eof, const struct nfips_tx *const **txs)
{
	(void)eof;	/* each message is whole when it is parsed */
	return dns_ready(s, dir, txs);
}

const struct app_proto_ops app_dns_ops = {
	.alproto = NFIPS_ALPROTO_DNS,
	.port = 53,	/* suricata.yaml's detection-ports for DNS */
	.detect = detect_tcp,
	.detect_udp = dns_probe_udp,
	.state_new = state_new,
	.state_free = state_free,
	.data = tcp_data,
	.udp = udp_data,
	.gap = gap,
	.ready = ready,
};
