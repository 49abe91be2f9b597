// SPDX-License-Identifier: GPL-2.0
/*
 * What the syslog message needs from an EVE record, read with json-c
 * (a full parser: a field name inside a string, e.g. in a payload, is
 * never mistaken for a field). The record itself is sent unchanged.
 */
#include <json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deliver.h"

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

/* "2024-01-02T03:04:05.678901+0000" (Suricata's form), any UTC offset. */
static int parse_time(const char *s, int64_t *sec, uint32_t *usec)
{
	struct tm tm = { 0 };
	unsigned int frac = 0, digits = 0;
	int off = 0, oh, om;
	const char *p;

	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 6)
				frac = frac * 10 + (unsigned int)(*p - '0'), digits++;
		while (digits < 6)
			frac *= 10, digits++;
	}
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d%*[:]%2d", &oh, &om) == 2)
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d%2d", &oh, &om) == 2)
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	*sec = (int64_t)timegm(&tm) - off;
	*usec = frac;
	return 0;
}

int nfips_deliver_record_parse(struct nfips_deliver_rec *r, const char *eve,
			       size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o, *nf, *al, *v;
	const char *s;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	o = json_tokener_parse_ex(tok, eve, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		snprintf(err, errlen, "not a JSON object");
		goto out;
	}
	nf = member(o, "nfips");
	v = member(nf, "sequence");
	if (!v || !json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0) {
		snprintf(err, errlen, "no nfips.sequence");
		goto out;
	}
	r->sequence = json_object_get_uint64(v);
	s = str_member(o, "event_type");
	if (s && !strcmp(s, "alert"))
		r->kind = NFIPS_DELIVER_ALERT;
	else if (s && !strcmp(s, "incident"))
		r->kind = NFIPS_DELIVER_INCIDENT;
	else
		r->kind = NFIPS_DELIVER_HEALTH;
	s = str_member(o, "timestamp");
	if (!s || parse_time(s, &r->sec, &r->usec)) {
		snprintf(err, errlen, "sequence %llu: no timestamp",
			 (unsigned long long)r->sequence);
		goto out;
	}
	al = member(o, "alert");
	v = member(al, "signature_id");
	if (v && json_object_is_type(v, json_type_int))
		r->sid = (uint32_t)json_object_get_int64(v);
	v = member(al, "severity");
	if (v && json_object_is_type(v, json_type_int))
		r->alert_severity = json_object_get_int(v);
	s = str_member(nf, "grade");
	if (s)
		snprintf(r->grade, sizeof(r->grade), "%s", s);
	s = str_member(o, "host");
	if (!s)
		s = str_member(nf, "sensor");
	if (s)
		snprintf(r->sensor, sizeof(r->sensor), "%s", s);
	r->eve = eve;
	r->len = len;
	ret = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return ret;
}
