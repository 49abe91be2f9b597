// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery without a collector (lib/deliver): the RFC 5424 message of a
 * record (PRI from facility and grade, SD-PARAM escaping, the EVE record
 * byte for byte as MSG), the grade -> severity table, the cursor file,
 * and the EVE spool: records after a cursor in order, an incomplete last
 * line left for later, a cut line skipped, a resend from an older cursor,
 * and the previous file after logrotate's rename read to its end first.
 * Built with the sanitizers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deliver/deliver.h"
#include "tap.h"

static struct tap T;
static char dir[] = "/tmp/deliver_test.XXXXXX";

static void rec(char *out, size_t len, uint64_t seq, const char *grade, const char *sig)
{
	snprintf(out, len, "{\"timestamp\":\"2026-12-06T10:11:12.345678+0000\",\"flow_id\":1,"
		 "\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"alert\":{\"action\":"
		 "\"allowed\",\"gid\":1,\"signature_id\":2100498,\"rev\":7,\"signature\":"
		 "\"%s\",\"category\":\"\",\"severity\":2},\"nfips\":{%s%s%s\"path\":\"daemon\","
		 "\"sequence\":%llu,\"policy_serial\":1,\"sensor\":\"gw \\\"1\\\"]\"}}",
		 sig, grade ? "\"grade\":\"" : "", grade ? grade : "", grade ? "\"," : "",
		 (unsigned long long)seq);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	fputs(text, f);
	fclose(f);
}

static void format_tests(void)
{
	struct nfips_deliver_rec r;
	struct nfips_sbuf b = { 0 };
	char eve[1024], err[128];
	const char *msg;

	rec(eve, sizeof(eve), 42, "high", "GPL \\\"x\\\" ] y");
	tap_ok(&T, !nfips_deliver_record_parse(&r, eve, strlen(eve), err, sizeof(err)) &&
	       r.sequence == 42 && r.sid == 2100498 && !strcmp(r.grade, "high") &&
	       r.kind == NFIPS_DELIVER_ALERT && r.sec == 1796551872 && r.usec == 345678 &&
	       !strcmp(r.sensor, "gw \"1\"]"), "record fields read");
	nfips_deliver_format(&b, &r, 21, "fallback");
	msg = "<170>1 2026-12-06T10:11:12.345678Z gw_\"1\"] nfipsd - ALERT [nfips@32473 "
	      "sensor=\"gw \\\"1\\\"\\]\" sequence=\"42\" grade=\"high\" sid=\"2100498\"] ";
	tap_ok(&T, b.len == strlen(msg) + strlen(eve) && !memcmp(b.s, msg, strlen(msg)) &&
	       !memcmp(b.s + strlen(msg), eve, strlen(eve)),
	       "RFC 5424: PRI local5.crit, header, escaped SD, the record as MSG");
	if (T.failed)
		tap_diag("%.*s", (int)b.len, b.s);

	/* The header's time, written by hand, as strftime writes it. */
	{
		static const int64_t when[] = { 0, 951782400, 1709164799, 1709208000,
						 4102444799, 253402300799, 1796551872 };
		char want[64];
		size_t k, bad = 0;

		for (k = 0; k < sizeof(when) / sizeof(when[0]); k++) {
			time_t t = (time_t)when[k];
			struct tm tm;
			struct nfips_deliver_rec x = r;

			x.sec = when[k];
			x.usec = (uint32_t)(k * 100001);
			gmtime_r(&t, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
			snprintf(want + strlen(want), sizeof(want) - strlen(want), ".%06uZ ",
				 x.usec);
			nfips_sbuf_reset(&b);
			nfips_deliver_format(&b, &x, 21, "h");
			if (!strstr(b.s, want) || strstr(b.s, want) != strchr(b.s, ' ') + 1) {
				tap_diag("%lld: want %s in %.60s", (long long)when[k], want, b.s);
				bad++;
			}
		}
		tap_ok(&T, !bad, "RFC 5424 TIMESTAMP: 1970, leap days, 2099, 9999");
	}

	r.grade[0] = '\0';
	r.alert_severity = 3;
	tap_ok(&T, nfips_deliver_severity(&r) == 5, "not graded: alert.severity 3 -> notice");
	snprintf(r.grade, sizeof(r.grade), "emergency");
	tap_ok(&T, nfips_deliver_severity(&r) == 1, "emergency -> alert (1)");
	snprintf(r.grade, sizeof(r.grade), "medium");
	tap_ok(&T, nfips_deliver_severity(&r) == 4, "medium -> warning (4)");
	snprintf(r.grade, sizeof(r.grade), "ignore");
	tap_ok(&T, nfips_deliver_severity(&r) == 6, "ignore -> informational (6)");
	tap_ok(&T, nfips_deliver_facility("local7") == 23 && nfips_deliver_facility("loca") < 0,
	       "facility names");
	tap_ok(&T, nfips_deliver_record_parse(&r, "{\"nfips\":{}}", 12, err, sizeof(err)) &&
	       strstr(err, "sequence"), "a record without nfips.sequence refused: %s", err);
	nfips_sbuf_free(&b);
}

/*
 * The record scanner reads fields as JSON does, not by searching: the
 * same names inside strings or in other objects are not the fields,
 * escapes are decoded, and a line that is not one object is refused.
 */
static void scanner_tests(void)
{
	static const char *const bad[] = {
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12+0000\"",
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12+0000\"} x",
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12\",\"a\":tru}",
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12\",\"a\":\"\\q\"}",
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12\",\"a\":01}",
		"{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12\",\"a\":[1,]}",
		"[{\"nfips\":{\"sequence\":5},\"timestamp\":\"2026-12-06T10:11:12\"}]",
	};
	struct nfips_deliver_rec r;
	char eve[4096], err[128], deep[400];
	size_t i;
	int n;

	/* Field names in a payload string, in the flow and in metadata. */
	n = snprintf(eve, sizeof(eve), "{\"timestamp\":\"2026-12-06T10:11:12.5-0130\","
		     "\"payload_printable\":\"\\\"nfips\\\":{\\\"sequence\\\":99,"
		     "\\\"grade\\\":\\\"emergency\\\"},\\\"host\\\":\\\"x\\\"\","
		     "\"flow\":{\"host\":\"not me\",\"sequence\":98,\"event_type\":\"incident\"},"
		     "\"alert\":{\"metadata\":{\"signature_id\":[\"1\"],\"severity\":[9]},"
		     "\"severity\":3,\"signature_id\":2001},\"event_type\":\"alert\","
		     "\"host\":\"\\u65e5\\u672c gw\\/1 \\ud83d\\ude00\",\"n\":[1.5e3,-0,true,"
		     "false,null,{},[]],"
		     "\"nfips\":{\"x\":{\"sequence\":97},\"sequence\":7,\"grade\":\"lo\\u0077\"}}");
	tap_ok(&T, !nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) &&
	       r.sequence == 7 && r.sid == 2001 && r.alert_severity == 3 &&
	       r.kind == NFIPS_DELIVER_ALERT && !strcmp(r.grade, "low") &&
	       !strcmp(r.sensor, "\xe6\x97\xa5\xe6\x9c\xac gw/1 \xf0\x9f\x98\x80") &&
	       r.sec == 1796551872 + 5400 && r.usec == 500000,
	       "fields read where JSON puts them, not where their names appear");
	if (T.failed)
		tap_diag("seq %llu sid %u sev %d grade '%s' sensor '%s' sec %lld usec %u (%s)",
			 (unsigned long long)r.sequence, r.sid, r.alert_severity, r.grade,
			 r.sensor, (long long)r.sec, r.usec, err);

	/* nfips.sensor when there is no host; the event type decides the MSGID. */
	n = snprintf(eve, sizeof(eve), " {\"event_type\":\"nfips_health\",\"nfips\":"
		     "{\"sensor\":\"s\\\"1\",\"sequence\":12},\"timestamp\":"
		     "\"2026-12-06T10:11:12+00:00\"}");
	tap_ok(&T, !nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) &&
	       r.sequence == 12 && r.kind == NFIPS_DELIVER_HEALTH && !strcmp(r.sensor, "s\"1") &&
	       r.sid == 0 && !r.grade[0] && r.sec == 1796551872,
	       "health record: nfips.sensor, no sid, no grade");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(&T, nfips_deliver_record_parse(&r, bad[i], strlen(bad[i]), err,
						      sizeof(err)) &&
		       !strcmp(err, "not a JSON object"), "not JSON refused: %s", bad[i]);

	/* JSON forbids it, json-c took it: refusing it would lose the record. */
	n = snprintf(eve, sizeof(eve), "{\"nfips\":{\"sequence\":4},\"timestamp\":"
		     "\"2026-12-06T10:11:12\",\"a\":\"\t\x01\"}");
	tap_ok(&T, !nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) &&
	       r.sequence == 4, "a raw control character in a string is taken");
	n = snprintf(eve, sizeof(eve), "{\"nfips\":{\"sequence\":1.0},\"timestamp\":"
		     "\"2026-12-06T10:11:12\"}");
	tap_ok(&T, nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) &&
	       strstr(err, "sequence"), "a sequence that is not an integer refused");
	n = snprintf(eve, sizeof(eve), "{\"nfips\":{\"sequence\":3},\"timestamp\":\"yesterday\"}");
	tap_ok(&T, nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) &&
	       strstr(err, "timestamp"), "a timestamp that is not one refused: %s", err);

	/* The record's time read by hand, as timegm reads it. */
	{
		static const int64_t when[] = { 0, 951782400, 1709164799, 1709208000,
						 4102444799, 253402300799 };
		size_t k, bad = 0;

		for (k = 0; k < sizeof(when) / sizeof(when[0]); k++) {
			time_t t = (time_t)when[k];
			struct tm tm;
			char ts[40];

			gmtime_r(&t, &tm);
			strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S.000001+0000", &tm);
			n = snprintf(eve, sizeof(eve), "{\"nfips\":{\"sequence\":3},"
				     "\"timestamp\":\"%s\"}", ts);
			if (nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)) ||
			    r.sec != when[k] || r.usec != 1) {
				tap_diag("%s: read %lld", ts, (long long)r.sec);
				bad++;
			}
		}
		tap_ok(&T, !bad, "record timestamps: 1970, leap days, 2099, 9999");
	}

	/* Nesting far deeper than a record's is refused, not a stack overflow. */
	memset(deep, '[', 200);
	memset(deep + 200, ']', 200);
	n = snprintf(eve, sizeof(eve), "{\"a\":%.*s,\"nfips\":{\"sequence\":3},"
		     "\"timestamp\":\"2026-12-06T10:11:12\"}", 400, deep);
	tap_ok(&T, nfips_deliver_record_parse(&r, eve, (size_t)n, err, sizeof(err)),
	       "200 nested arrays refused");
}

static void cursor_tests(void)
{
	char path[256];
	uint64_t v = 1;

	snprintf(path, sizeof(path), "%s/c.cursor", dir);
	tap_ok(&T, !nfips_cursor_read(path, &v) && v == 0, "no cursor file: 0");
	tap_ok(&T, !nfips_cursor_write(path, 123456789012ULL) && !nfips_cursor_read(path, &v) &&
	       v == 123456789012ULL, "cursor written and read back");
	append(path, "garbage");
	tap_ok(&T, nfips_cursor_read(path, &v) == -EINVAL, "a damaged cursor is an error");
}

/* Fetches everything after @after: the sequences, comma-separated. */
static int fetch_all(struct nfips_spool *sp, uint64_t after, size_t max, char *out, size_t len)
{
	struct nfips_spool_batch b = { 0 };
	char err[256];
	size_t i, o = 0;
	int ret = sp->ops->fetch(sp, after, max, &b, err, sizeof(err));

	out[0] = '\0';
	for (i = 0; !ret && i < b.n; i++) {
		char eve[1024];

		rec(eve, sizeof(eve), b.recs[i].sequence, "low", "s");
		/* Byte for byte what the file holds. */
		if (b.recs[i].len != strlen(eve) || memcmp(b.recs[i].eve, eve, b.recs[i].len))
			return -1;
		o += (size_t)snprintf(out + o, len - o, "%s%llu", i ? "," : "",
				      (unsigned long long)b.recs[i].sequence);
	}
	nfips_spool_batch_free(&b);
	return ret;
}

static void spool_tests(void)
{
	char path[256], prev[256], line[1100], got[256];
	struct nfips_spool *sp;
	uint64_t last = 0, i;
	char err[256];

	snprintf(path, sizeof(path), "%s/eve.json", dir);
	snprintf(prev, sizeof(prev), "%s/eve.json.1", dir);
	sp = nfips_spool_eve_open(path, err, sizeof(err));
	tap_ok(&T, sp && !fetch_all(sp, 0, 10, got, sizeof(got)) && !got[0],
	       "no log yet: nothing, no error");
	for (i = 1; i <= 5; i++) {
		rec(line, sizeof(line), i, "low", "s");
		strcat(line, "\n");
		append(path, line);
	}
	/* a cut line (crash), then an incomplete one being written */
	append(path, "{\"timestamp\":\"2026-12\n");
	rec(line, sizeof(line), 6, "low", "s");
	strcat(line, "\n");
	append(path, line);
	rec(line, sizeof(line), 7, "low", "s");
	line[20] = '\0';
	append(path, line);
	tap_ok(&T, !fetch_all(sp, 2, 2, got, sizeof(got)) && !strcmp(got, "3,4"),
	       "after cursor 2, at most 2: %s", got);
	tap_ok(&T, !fetch_all(sp, 4, 10, got, sizeof(got)) && !strcmp(got, "5,6"),
	       "then 5,6: the cut line skipped, the incomplete one not yet: %s", got);
	rec(line, sizeof(line), 7, "low", "s");
	strcat(line, "\n");
	append(path, line + 20);
	tap_ok(&T, !fetch_all(sp, 6, 10, got, sizeof(got)) && !strcmp(got, "7"),
	       "the completed line comes next: %s", got);
	tap_ok(&T, !fetch_all(sp, 3, 10, got, sizeof(got)) && !strcmp(got, "4,5,6,7"),
	       "a resend from an older cursor: %s", got);
	sp->ops->last(sp, &last);
	tap_ok(&T, last == 7, "last stored: %llu", (unsigned long long)last);

	/* logrotate: rename, then a new file */
	tap_ok(&T, !rename(path, prev), "rotated");
	for (i = 8; i <= 9; i++) {
		rec(line, sizeof(line), i, "low", "s");
		strcat(line, "\n");
		append(i == 8 ? prev : path, line);	/* 8: written before the reopen */
	}
	tap_ok(&T, !fetch_all(sp, 7, 10, got, sizeof(got)) && !strcmp(got, "8,9"),
	       "across the rotation: the old file to its end, then the new: %s", got);
	sp->ops->close(sp);
	sp = nfips_spool_eve_open(path, err, sizeof(err));
	tap_ok(&T, sp && !fetch_all(sp, 5, 10, got, sizeof(got)) && !strcmp(got, "6,7,8,9"),
	       "started anew: FILE.1 first, then FILE: %s", got);
	sp->ops->close(sp);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	format_tests();
	scanner_tests();
	cursor_tests();
	spool_tests();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return tap_done(&T);
}
