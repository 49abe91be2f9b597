// SPDX-License-Identifier: GPL-2.0
/*
 * Inspection buffers: the sticky buffer keywords (http.uri; ...), the
 * older content modifiers (content:"x"; http_uri;), pcre's buffer flags
 * (/U ...), bsize and urilen; then, once the rule is read, the checks
 * Suricata 7 makes on an app-layer rule (detect-parse.c SigValidate, each
 * buffer's validate callback) and the direction its transactions are
 * inspected in. A rule Suricata refuses is an error here too; one it
 * accepts but this engine cannot evaluate exactly is skipped with why.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

#define TS NFIPS_FLOW_TO_SERVER
#define TC NFIPS_FLOW_TO_CLIENT

static const struct nfips_bufdef defs[NFIPS_BUF_COUNT] = {
	[NFIPS_BUF_PAYLOAD] = { "pkt_data", NFIPS_ALPROTO_NONE, TS | TC },
	[NFIPS_BUF_HTTP_URI] = { "http.uri", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_URI_RAW] = { "http.uri.raw", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_METHOD] = { "http.method", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_REQUEST_LINE] = { "http.request_line", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_REQUEST_BODY] = { "http.request_body", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_RESPONSE_BODY] = { "file.data", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_HTTP_HEADER] = { "http.header", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_HEADER_RAW] = { "http.header.raw", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_HEADER_NAMES] = { "http.header_names", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_COOKIE] = { "http.cookie", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_USER_AGENT] = { "http.user_agent", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_HOST] = { "http.host", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_HOST_RAW] = { "http.host.raw", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_ACCEPT] = { "http.accept", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_ACCEPT_ENC] = { "http.accept_enc", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_ACCEPT_LANG] = { "http.accept_lang", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_CONNECTION] = { "http.connection", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_CONTENT_TYPE] = { "http.content_type", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_CONTENT_LEN] = { "http.content_len", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_REFERER] = { "http.referer", NFIPS_ALPROTO_HTTP, TS },
	[NFIPS_BUF_HTTP_START] = { "http.start", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_PROTOCOL] = { "http.protocol", NFIPS_ALPROTO_HTTP, TS | TC },
	[NFIPS_BUF_HTTP_STAT_CODE] = { "http.stat_code", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_HTTP_STAT_MSG] = { "http.stat_msg", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_HTTP_RESPONSE_LINE] = { "http.response_line", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_HTTP_SERVER] = { "http.server", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_HTTP_LOCATION] = { "http.location", NFIPS_ALPROTO_HTTP, TC },
	[NFIPS_BUF_DNS_QUERY] = { "dns.query", NFIPS_ALPROTO_DNS, TS },
	[NFIPS_BUF_TLS_SNI] = { "tls.sni", NFIPS_ALPROTO_TLS, TS },
	[NFIPS_BUF_TLS_CERT_SUBJECT] = { "tls.cert_subject", NFIPS_ALPROTO_TLS, TS | TC },
	[NFIPS_BUF_TLS_CERT_ISSUER] = { "tls.cert_issuer", NFIPS_ALPROTO_TLS, TS | TC },
	[NFIPS_BUF_TLS_CERT_SERIAL] = { "tls.cert_serial", NFIPS_ALPROTO_TLS, TS | TC },
	[NFIPS_BUF_TLS_CERT_FINGERPRINT] = { "tls.cert_fingerprint", NFIPS_ALPROTO_TLS, TS | TC },
	[NFIPS_BUF_TLS_CERTS] = { "tls.certs", NFIPS_ALPROTO_TLS, TS | TC },
	[NFIPS_BUF_JA3_HASH] = { "ja3.hash", NFIPS_ALPROTO_TLS, TS },
	[NFIPS_BUF_JA3_STRING] = { "ja3.string", NFIPS_ALPROTO_TLS, TS },
	[NFIPS_BUF_JA3S_HASH] = { "ja3s.hash", NFIPS_ALPROTO_TLS, TC },
	[NFIPS_BUF_JA3S_STRING] = { "ja3s.string", NFIPS_ALPROTO_TLS, TC },
	[NFIPS_BUF_JA4_HASH] = { "ja4.hash", NFIPS_ALPROTO_TLS, TS },
	/* detect-ssh-proto.c, detect-ssh-software.c: both directions */
	[NFIPS_BUF_SSH_PROTO] = { "ssh.proto", NFIPS_ALPROTO_SSH, TS | TC },
	[NFIPS_BUF_SSH_SOFTWARE] = { "ssh.software", NFIPS_ALPROTO_SSH, TS | TC },
};

const struct nfips_bufdef *nfips_buf_def(uint32_t id)
{
	return id < NFIPS_BUF_COUNT ? &defs[id] : NULL;
}

_Static_assert(NFIPS_BUF_COUNT <= 64, "struct nfips_rule's bufs is a 64-bit mask");

bool nfips_buf_multi(uint32_t id)
{
	return id == NFIPS_BUF_DNS_QUERY || id == NFIPS_BUF_TLS_CERTS;
}

/* Sticky buffer keywords besides the names above (Suricata 7's aliases). */
static const struct {
	const char *name;
	uint32_t buf;
} aliases[] = {
	{ "file_data", NFIPS_BUF_HTTP_RESPONSE_BODY },
	{ "http.response_body", NFIPS_BUF_HTTP_RESPONSE_BODY },
	{ "http_request_line", NFIPS_BUF_HTTP_REQUEST_LINE },
	{ "http_response_line", NFIPS_BUF_HTTP_RESPONSE_LINE },
	{ "http_header_names", NFIPS_BUF_HTTP_HEADER_NAMES },
	{ "http_accept", NFIPS_BUF_HTTP_ACCEPT },
	{ "http_accept_enc", NFIPS_BUF_HTTP_ACCEPT_ENC },
	{ "http_accept_lang", NFIPS_BUF_HTTP_ACCEPT_LANG },
	{ "http_connection", NFIPS_BUF_HTTP_CONNECTION },
	{ "http_content_type", NFIPS_BUF_HTTP_CONTENT_TYPE },
	{ "http_content_len", NFIPS_BUF_HTTP_CONTENT_LEN },
	{ "http_referer", NFIPS_BUF_HTTP_REFERER },
	{ "http_start", NFIPS_BUF_HTTP_START },
	{ "http_protocol", NFIPS_BUF_HTTP_PROTOCOL },
	{ "dns_query", NFIPS_BUF_DNS_QUERY },
	{ "tls_sni", NFIPS_BUF_TLS_SNI },
	{ "tls_cert_subject", NFIPS_BUF_TLS_CERT_SUBJECT },
	{ "tls_cert_issuer", NFIPS_BUF_TLS_CERT_ISSUER },
	{ "tls_cert_serial", NFIPS_BUF_TLS_CERT_SERIAL },
	{ "tls_cert_fingerprint", NFIPS_BUF_TLS_CERT_FINGERPRINT },
	{ "ja3_hash", NFIPS_BUF_JA3_HASH },
	{ "ja3_string", NFIPS_BUF_JA3_STRING },
	{ "ssh_proto", NFIPS_BUF_SSH_PROTO },
	{ "ssh_software", NFIPS_BUF_SSH_SOFTWARE },
};

/* The content modifiers: they move the previous content to a buffer. */
static const struct {
	const char *name;
	uint32_t buf;
} modifiers[] = {
	{ "http_uri", NFIPS_BUF_HTTP_URI },
	{ "http_raw_uri", NFIPS_BUF_HTTP_URI_RAW },
	{ "http_method", NFIPS_BUF_HTTP_METHOD },
	{ "http_client_body", NFIPS_BUF_HTTP_REQUEST_BODY },
	{ "http_server_body", NFIPS_BUF_HTTP_RESPONSE_BODY },
	{ "http_header", NFIPS_BUF_HTTP_HEADER },
	{ "http_raw_header", NFIPS_BUF_HTTP_HEADER_RAW },
	{ "http_cookie", NFIPS_BUF_HTTP_COOKIE },
	{ "http_user_agent", NFIPS_BUF_HTTP_USER_AGENT },
	{ "http_host", NFIPS_BUF_HTTP_HOST },
	{ "http_raw_host", NFIPS_BUF_HTTP_HOST_RAW },
	{ "http_stat_code", NFIPS_BUF_HTTP_STAT_CODE },
	{ "http_stat_msg", NFIPS_BUF_HTTP_STAT_MSG },
};

/* pcre's buffer flags (detect-pcre.c). */
static const struct {
	char flag;
	uint32_t buf;
} pcre_flags[] = {
	{ 'U', NFIPS_BUF_HTTP_URI }, { 'I', NFIPS_BUF_HTTP_URI_RAW },
	{ 'P', NFIPS_BUF_HTTP_REQUEST_BODY }, { 'Q', NFIPS_BUF_HTTP_RESPONSE_BODY },
	{ 'H', NFIPS_BUF_HTTP_HEADER }, { 'D', NFIPS_BUF_HTTP_HEADER_RAW },
	{ 'M', NFIPS_BUF_HTTP_METHOD }, { 'C', NFIPS_BUF_HTTP_COOKIE },
	{ 'S', NFIPS_BUF_HTTP_STAT_CODE }, { 'Y', NFIPS_BUF_HTTP_STAT_MSG },
	{ 'V', NFIPS_BUF_HTTP_USER_AGENT }, { 'W', NFIPS_BUF_HTTP_HOST },
	{ 'Z', NFIPS_BUF_HTTP_HOST_RAW },
};

int pcre_flag_buf(char flag)
{
	size_t i;

	for (i = 0; i < sizeof(pcre_flags) / sizeof(pcre_flags[0]); i++)
		if (pcre_flags[i].flag == flag)
			return (int)pcre_flags[i].buf;
	return -1;
}

static void use_buf(struct pstate *ps, uint32_t buf)
{
	ps->r->bufs |= 1ull << buf;
	if (defs[buf].alproto != NFIPS_ALPROTO_NONE)
		ps->r->alproto = defs[buf].alproto;
}

static int sticky_id(const char *name)
{
	size_t i;

	for (i = 1; i < NFIPS_BUF_COUNT; i++)
		if (!strcasecmp(defs[i].name, name))
			return (int)i;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(aliases[i].name, name))
			return (int)aliases[i].buf;
	return -1;
}

/* bsize / urilen: a length test on a whole buffer. */
static int add_check(struct pstate *ps, const char *what, uint32_t buf, uint32_t xf,
		     const char *val, size_t voff, uint32_t max)
{
	struct nfips_bufcheck *c = grow(ps->r->bufchk, ps->r->nbufchk, sizeof(*c));

	if (!c)
		return perr(ps, voff, "out of memory");
	ps->r->bufchk = c;
	c += ps->r->nbufchk++;
	memset(c, 0, sizeof(*c));
	c->buf = buf;
	c->xf = xf;
	use_buf(ps, buf);
	return parse_cmp(ps, val, voff, what, max, &c->cmp);
}

/* urilen:[op]N[,norm|raw] */
static int opt_urilen(struct pstate *ps, const char *val, size_t voff)
{
	char num[64];
	const char *comma = strchr(val, ',');
	uint32_t buf = NFIPS_BUF_HTTP_URI;

	snprintf(num, sizeof(num), "%.*s", comma ? (int)(comma - val) : (int)strlen(val), val);
	if (comma) {
		const char *k = skip_ws(comma + 1);

		if (!strcmp(k, "raw"))
			buf = NFIPS_BUF_HTTP_URI_RAW;
		else if (strcmp(k, "norm"))
			return perr(ps, voff, "urilen: expected 'norm' or 'raw' after ',', found '%s'", k);
	}
	/* Suricata's urilen is a u16, bsize a u64 (buffers are < 4 GiB here). */
	return add_check(ps, "urilen", buf, 0, num, voff, 65535);
}

int opt_dispatch_buf(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff)
{
	struct nfips_match *m;
	size_t i;
	int id;

	id = sticky_id(name);
	if (id > 0 && ps->hdr_alproto == NFIPS_ALPROTO_SMTP && !strncasecmp(name, "file", 4)) {
		/* Suricata's file.data on SMTP: the MIME-decoded attachments */
		if (val)
			return perr(ps, noff, "'%s' takes no value", name);
		if (ps->b64)
			return perr(ps, noff, "the buffer cannot change after base64_data");
		if (pskip(ps, noff, "file.data on smtp (MIME decoding not implemented)"))
			return -1;
		ps->other_sticky = true;
		return 0;
	}
	if (id > 0) {
		if (val)
			return perr(ps, noff, "'%s' takes no value", name);
		if (ps->b64)
			return perr(ps, noff, "the buffer cannot change after base64_data");
		ps->sticky = (uint32_t)id;
		ps->other_sticky = false;
		ps->cur_xf = 0;
		ps->r->alproto = defs[id].alproto;
		/* transforms may follow (rule_xform.c) */
		if (nfips_rule_xforms(ps->r, (uint32_t)id))
			return pskip(ps, noff, "%s selected again after its transforms", name);
		if (!strncasecmp(name, "file", 4))
			ps->file_data = true;
		return 0;
	}
	if (!strcasecmp(name, "uricontent")) {
		if (!val)
			return perr(ps, noff, "'uricontent' needs a value");
		if (ps->sticky)
			return perr(ps, noff, "uricontent seen with a sticky buffer still set");
		if (opt_content(ps, val, voff))
			return -1;
		ps->r->matches[ps->last_content].buf = NFIPS_BUF_HTTP_URI;
		use_buf(ps, NFIPS_BUF_HTTP_URI);
		return 0;
	}
	if (!strcasecmp(name, "urilen"))
		return val ? opt_urilen(ps, val, voff) : perr(ps, noff, "'urilen' needs a value");
	if (!strcasecmp(name, "bsize")) {
		if (!val)
			return perr(ps, noff, "'bsize' needs a value");
		if (ps->other_sticky)
			return 0;	/* on a buffer of a skipped rule */
		if (!ps->sticky)
			return perr(ps, noff, "bsize needs a sticky buffer before it");
		return add_check(ps, "bsize", ps->sticky, ps->cur_xf, val, voff, UINT32_MAX - 1);
	}
	for (i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++) {
		if (strcasecmp(name, modifiers[i].name))
			continue;
		if (val)
			return perr(ps, noff, "'%s' takes no value", name);
		if (ps->other_sticky)
			return 0;	/* a skipped rule */
		if (ps->sticky)
			return perr(ps, noff, "'%s' seen with a sticky buffer still set (pkt_data resets it)",
				    name);
		if (ps->last_content < 0)
			return perr(ps, noff, "'%s' needs a preceding content", name);
		m = &ps->r->matches[ps->last_content];
		if (m->b64)
			return perr(ps, noff, "'%s' on a base64_data content", name);
		if (m->buf)
			return perr(ps, noff, "'%s': the content already has a buffer (%s)",
				    name, defs[m->buf].name);
		if (m->u.content.flags & NFIPS_C_RAWBYTES)
			return perr(ps, noff, "'%s' cannot be used with rawbytes", name);
		m->buf = modifiers[i].buf;
		use_buf(ps, m->buf);
		/* Suricata 7: http_server_body is the file_data list (uploads too) */
		if (m->buf == NFIPS_BUF_HTTP_RESPONSE_BODY)
			ps->file_data = true;
		return 0;
	}
	return 1;
}

/* Offset in the logical line of option @idx (map_pos backwards). */
static size_t opt_off(const struct pstate *ps, uint32_t idx)
{
	const struct nfips_option *o = &ps->r->opts[idx];
	const struct srcmap *map = ps->map;
	uint32_t i;

	if (!map || !map->nseg)
		return o->col - 1;
	/* One segment per physical line. */
	for (i = 0; i < map->nseg; i++)
		if (map->seg[i].line == o->line && map->seg[i].col <= o->col)
			return map->seg[i].off + (o->col - map->seg[i].col);
	return 0;
}

/* Suricata's validate callbacks of http.host and http.method. */
static int validate_content(struct pstate *ps, const struct nfips_match *m)
{
	const struct nfips_content *c = &m->u.content;
	const size_t off = opt_off(ps, m->opt);
	uint32_t i;

	if (m->type != NFIPS_MATCH_CONTENT)
		return 0;
	if (m->xf) {
		/* Suricata validates the buffer's own list, not a transformed
		 * one, but each content against every transform. */
		if (!xform_compatible(ps->r, m))
			return perr(ps, off, "content not compatible with the transforms of %s (it can never match)",
				    defs[m->buf].name);
		return 0;
	}
	if (m->buf == NFIPS_BUF_HTTP_HOST && !(c->flags & NFIPS_C_NOCASE)) {
		for (i = 0; i < c->len; i++)
			if (c->bytes[i] >= 'A' && c->bytes[i] <= 'Z')
				return perr(ps, off, "http.host content with upper case characters (the buffer is lower case): use nocase or lower case");
	}
	if (m->buf == NFIPS_BUF_HTTP_METHOD && c->len &&
	    (c->bytes[0] == ' ' || c->bytes[0] == '\t' ||
	     c->bytes[c->len - 1] == ' ' || c->bytes[c->len - 1] == '\t'))
		return perr(ps, off, "http_method content with a leading or trailing blank");
	return 0;
}

/*
 * The TLS buffers' setup and validate callbacks (detect-tls-cert-
 * fingerprint.c, detect-tls-cert-serial.c, detect-ja3-hash.c,
 * detect-ja3s-hash.c): the buffer is lower (fingerprint, hashes) or upper
 * case (serial), so a content without nocase is changed to that case; a
 * content that can never match is refused as Suricata refuses it.
 */
static int tls_content(struct pstate *ps, struct nfips_match *m)
{
	struct nfips_content *c = &m->u.content;
	const size_t off = opt_off(ps, m->opt);
	const char *name = defs[m->buf].name;
	bool upper = m->buf == NFIPS_BUF_TLS_CERT_SERIAL;
	uint32_t i;

	if (m->type != NFIPS_MATCH_CONTENT)
		return 0;
	switch (m->buf) {
	case NFIPS_BUF_TLS_CERT_FINGERPRINT:
		if (c->len != 59)
			return perr(ps, off, "%s: invalid length of the fingerprint (59 characters, with colons)",
				    name);
		if (!memchr(c->bytes, ':', c->len))
			return perr(ps, off, "%s: no colon delimiters ':' in the content", name);
		break;
	case NFIPS_BUF_JA3_HASH:
	case NFIPS_BUF_JA3S_HASH:
		if (c->len != 32)
			return perr(ps, off, "%s: invalid length of the hash (32 characters)", name);
		break;
	case NFIPS_BUF_TLS_CERT_SERIAL:
		if (c->len > 2 && !memchr(c->bytes, ':', c->len))
			return perr(ps, off, "%s: no colon delimiters ':' in the content", name);
		break;
	default:
		return 0;
	}
	if (c->flags & NFIPS_C_NOCASE)
		return 0;
	for (i = 0; i < c->len; i++) {
		if (upper && c->bytes[i] >= 'a' && c->bytes[i] <= 'z')
			c->bytes[i] -= 32;
		else if (!upper && c->bytes[i] >= 'A' && c->bytes[i] <= 'Z')
			c->bytes[i] += 32;
	}
	return 0;
}

/* http.response_body used, and neither file.data nor its legacy forms. */
static bool resp_body_sticky(const struct pstate *ps)
{
	return (ps->r->bufs & (1ull << NFIPS_BUF_HTTP_RESPONSE_BODY)) && !ps->file_data;
}

/* The directions the rule's buffers other than the response body allow. */
static uint32_t dirs_besides_body(const struct nfips_rule *r)
{
	uint32_t i, dirs = TS | TC;

	for (i = 0; i < r->nmatches; i++)
		if (r->matches[i].buf && r->matches[i].buf != NFIPS_BUF_HTTP_RESPONSE_BODY)
			dirs &= defs[r->matches[i].buf].dirs;
	for (i = 0; i < r->nbufchk; i++)
		if (r->bufchk[i].buf != NFIPS_BUF_HTTP_RESPONSE_BODY)
			dirs &= defs[r->bufchk[i].buf].dirs;
	return dirs;
}

/* The protocol's name in the reasons given (rule_buf_finish). */
static const char *alp_name(enum nfips_alproto p)
{
	return p == NFIPS_ALPROTO_TLS ? "tls" : p == NFIPS_ALPROTO_SSH ? "ssh" :
	       p == NFIPS_ALPROTO_FTP ? "ftp" : p == NFIPS_ALPROTO_SMTP ? "smtp" : "http";
}

/*
 * After the last option. Fills r->bufs and r->app_dir; refuses what
 * Suricata refuses; skips what the engine does not evaluate exactly.
 */
int rule_buf_finish(struct pstate *ps)
{
	struct nfips_rule *r = ps->r;
	const uint32_t flowdir = r->flow & (TS | TC);
	uint32_t i, dirs = TS | TC, napp = 0, npay = 0, first_app = 0;
	bool extract = false;

	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_match *m = &r->matches[i];

		if (validate_content(ps, m) || tls_content(ps, &r->matches[i]))
			return -1;
		r->bufs |= 1ull << m->buf;
		if (m->buf) {
			if (!napp++)
				first_app = m->opt;
			dirs &= defs[m->buf].dirs;
			if (m->type == NFIPS_MATCH_BYTE_EXTRACT)
				extract = true;
		} else {
			npay++;
		}
	}
	for (i = 0; i < r->nbufchk; i++) {
		napp++;
		dirs &= defs[r->bufchk[i].buf].dirs;
	}
	if (xform_finish(ps))
		return -1;
	if (r->alproto == NFIPS_ALPROTO_NONE)
		return 0;
	/* Suricata: "rule contains conflicting keywords" (one app-layer protocol). */
	for (i = 1; i < NFIPS_BUF_COUNT; i++) {
		if (!(r->bufs & (1ull << i)))
			continue;
		if (defs[i].alproto != r->alproto ||
		    (ps->hdr_alproto && defs[i].alproto != ps->hdr_alproto))
			return perr(ps, 0, "%s keywords on a rule of another application-layer protocol (%s)",
				    defs[i].name, r->proto_name);
	}
	if (r->alproto == NFIPS_ALPROTO_DNS)
		return rule_dns_finish(ps, dirs, napp + r->ntxchk, npay,
				       napp ? opt_off(ps, first_app) : 0);
	if (r->proto != NFIPS_PROTO_TCP && r->proto != NFIPS_PROTO_IP)
		return pskip(ps, 0, "%s keywords on protocol %s",
			     alp_name(r->alproto), r->proto_name);
	/*
	 * Suricata's file.data also inspects uploaded files (its file API),
	 * so to_server and either direction are valid for it but not done.
	 * Its engines go both ways, so it is to_client when flow says so or
	 * when another buffer is of responses only (SigValidate's implied
	 * direction: http.stat_code next to file.data). A response-body
	 * keyword besides file.data (the same buffer here) is not told
	 * apart: such a rule is skipped, never evaluated wrongly.
	 */
	if (ps->file_data && (flowdir ? flowdir : dirs_besides_body(r)) != TC)
		return pskip(ps, 0, "file.data without flow:to_client (request files)");
	if (!dirs)
		return perr(ps, napp ? opt_off(ps, first_app) : 0,
			    "rule mixes keywords with conflicting directions (request and response buffers)");
	if (flowdir && !(dirs & flowdir))
		return perr(ps, napp ? opt_off(ps, first_app) : 0,
			    "flow direction conflicts with the direction of its %s buffers",
			    alp_name(r->alproto));
	/* DetectHttpRawHeaderValidateCallback, before any implied direction */
	/* (http.response_body, unlike file.data, sets the rule to_client first) */
	for (i = 0; !flowdir && !resp_body_sticky(ps) && i < r->nmatches; i++)
		if (r->matches[i].buf == NFIPS_BUF_HTTP_HEADER_RAW)
			return perr(ps, opt_off(ps, r->matches[i].opt),
				    "http.header.raw without a flow direction "
				    "(flow:to_server for requests, flow:to_client for responses)");
	if (flowdir)
		dirs &= flowdir;
	napp += r->ntxchk;	/* tls.version */
	if (!napp)
		return npay ? 0 : pskip(ps, 0, "protocol %s without %s keywords or content",
					r->proto_name, alp_name(r->alproto));
	/*
	 * Payload and packet keywords next to app-layer buffers are
	 * inspected as Suricata's stream engine does for HTTP and DNS
	 * (engine_app.c's payload_match); for TLS that is not done.
	 */
	if (npay && r->alproto == NFIPS_ALPROTO_TLS)
		return pskip(ps, 0, "payload content together with tls keywords");
	if (((r->flags & NFIPS_R_DSIZE) || r->npkt || r->has_ipproto) &&
	    r->alproto == NFIPS_ALPROTO_TLS)
		return pskip(ps, 0, "packet header keywords together with tls keywords");
	/*
	 * TLS certificate buffers have both directions (each its own
	 * chain): Suricata inspects such a rule in each, alerting once in
	 * each, as the engine does with the two sides of the transaction.
	 * So do HTTP buffers of both directions (http.header, http.cookie,
	 * ...) and HTTP events (app-layer-event): measured against Suricata
	 * 7.0.10 on the HTTP differential capture, IDS and inline.
	 */
	if (dirs == (TS | TC) && r->alproto == NFIPS_ALPROTO_SSH)
		return pskip(ps, 0, "ssh buffer in both directions (no flow direction)");

	if (extract && (r->bufs & (r->bufs - 1)))
		return pskip(ps, 0, "byte_extract across http buffers");
	r->app_dir = dirs;
	return 0;
}
