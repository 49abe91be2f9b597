// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd's kernel events: an event of the module becomes the same EVE
 * alert record the pipeline writes, with nfips.path "kernel", and the
 * signature, category, rev and severity of the running policy's rule of
 * that gid:sid (the highest rev of duplicates); an unknown sid still gives
 * a valid record. Also the policy's memory budget refusal.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsd.h"
#include "tap.h"
#include "util/util.h"

static struct tap T;
static char dir[] = "/tmp/nfipsd_event_test.XXXXXX";

void nfipsd_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

static char reported[1024];

static void report(void *arg, const char *msg)
{
	(void)arg;
	snprintf(reported, sizeof(reported), "%s", msg);
}

static char *write_file(const char *name, const char *text)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		exit(1);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		exit(1);
	return path;
}

static int has(const char *rec, const char *s)
{
	if (strstr(rec, s))
		return 1;
	tap_diag("no %s in %s", s, rec);
	return 0;
}

int main(void)
{
	struct nfipsd_conf c = { 0 };
	struct nfipsd_policy *p;
	struct nfips_grade_memory *gmem;
	struct nfips_sbuf b = { 0 };
	struct nfips_nl_event ev = {
		.serial = 7, .time_ns = 1700000000123456789ull, .gid = 1, .sid = 9106,
		.rev = 1, .action = 1, .blocked = 1, .family = AF_INET, .l4proto = 6,
		.sport = 40000, .dport = 80, .ifname = "veth0",
	};

	if (!mkdtemp(dir))
		return 1;
	c.pol.rules[0] = write_file("r.rules",
		"alert tcp any any -> any 80 (msg:\"old\"; content:\"x\"; sid:9106; rev:3;)\n"
		"drop tcp any any -> any 80 (msg:\"kernel hit\"; content:\"KERNELHIT\"; "
		"classtype:trojan-activity; target:dest_ip; "
		"metadata:signature_severity Major, attack_target Server; sid:9106; rev:4;)\n"
		"alert udp any any -> any 53 (msg:\"other\"; content:\"y\"; sid:9107;)\n"
		"alert tcp any any -> any 80 (msg:\"exploit\"; content:\"EXPL\"; "
		"classtype:attempted-admin; sid:9108;)\n");
	c.pol.nrules = 1;
	c.pol.classification = write_file("classification.config",
		"config classification: trojan-activity,A Network Trojan was detected,1\n"
		"config classification: attempted-admin,Attempted Administrator Privilege Gain,1\n");
	p = nfipsd_policy_load(&c, 2, 5, report, NULL);
	if (!tap_ok(&T, p && p->nengines == 2 && p->serial == 5, "policy: two engines")) {
		tap_diag("%s", reported);
		return tap_done(&T);
	}

	inet_pton(AF_INET, "10.0.1.2", ev.saddr);
	inet_pton(AF_INET, "10.0.2.2", ev.daddr);
	nfipsd_event_record(&b, &ev, p, "gw", 3);
	tap_ok(&T, !b.oom && b.len && b.s[b.len - 1] == '\n' && !memchr(b.s, '\n', b.len - 1),
	       "one line");
	tap_ok(&T, has(b.s, "\"timestamp\":\"2023-11-14T22:13:20.123456+0000\"") &&
	       has(b.s, "\"event_type\":\"alert\"") && has(b.s, "\"src_ip\":\"10.0.1.2\"") &&
	       has(b.s, "\"src_port\":40000") && has(b.s, "\"dest_ip\":\"10.0.2.2\"") &&
	       has(b.s, "\"dest_port\":80") && has(b.s, "\"proto\":\"TCP\"") &&
	       has(b.s, "\"in_iface\":\"veth0\""), "header fields from the event");
	tap_ok(&T, has(b.s, "\"action\":\"blocked\"") && has(b.s, "\"signature_id\":9106") &&
	       has(b.s, "\"rev\":4") && has(b.s, "\"signature\":\"kernel hit\"") &&
	       has(b.s, "\"category\":\"A Network Trojan was detected\"") &&
	       has(b.s, "\"severity\":1"), "alert fields from the rule of the highest rev");
	tap_ok(&T, has(b.s, "\"path\":\"kernel\"") && has(b.s, "\"policy_serial\":7") &&
	       has(b.s, "\"sequence\":3") && !strstr(b.s, "\"sensor\""), "nfips object");
	tap_ok(&T, has(b.s, ",\"host\":\"gw\",\"nfips\":{"),
	       "the sensor is Suricata's top-level host, before the nfips object");
	tap_ok(&T, has(b.s, "\"severity\":1,\"source\":{\"ip\":\"10.0.1.2\",\"port\":40000},"
		       "\"target\":{\"ip\":\"10.0.2.2\",\"port\":80},\"metadata\":{"
		       "\"attack_target\":[\"Server\"],\"signature_severity\":[\"Major\"]}}"),
	       "alert.source/target and alert.metadata from the rule");
	tap_ok(&T, has(b.s, "\"community_id\":\"1:dYJj7rGBfx9fuZmlHD64fCDY1O0=\""),
	       "community_id of the kernel's 5-tuple");

	/* nfipsd.conf naming no table: the one shipped in policies/. */
	{
		struct nfipsd_policy *p2;

		free(c.pol.classification);
		c.pol.classification = NULL;
		p2 = nfipsd_policy_load(&c, 1, 6, report, NULL);
		nfips_sbuf_reset(&b);
		if (p2)
			nfipsd_event_record(&b, &ev, p2, NULL, 1);
		tap_ok(&T, p2 && has(b.s, "\"category\":\"A Network Trojan was detected\""),
		       "no classification named: the shipped table gives the category");
		nfipsd_policy_free(p2);
	}

	nfips_sbuf_reset(&b);
	ev.sid = 424242;
	ev.blocked = 0;
	nfipsd_event_record(&b, &ev, p, NULL, 4);
	tap_ok(&T, !b.oom && has(b.s, "\"signature_id\":424242") &&
	       has(b.s, "\"signature\":\"\"") && has(b.s, "\"action\":\"allowed\""),
	       "unknown sid: a record all the same");
	tap_ok(&T, !strstr(b.s, "\"grade\""), "no grader: not graded");

	/*
	 * Graded: a kernel-decided exploit against 10.0.2.2, then trojan
	 * activity from 10.0.2.2 a minute later, is emergency (the daemon's
	 * queues grade into the same table, grade_test covers the steps).
	 */
	gmem = nfips_grade_memory_new(0);
	tap_ok(&T, gmem && !nfipsd_policy_grader(p, gmem), "grader");
	nfips_sbuf_reset(&b);
	ev.sid = 9108;
	tap_ok(&T, nfipsd_event_record(&b, &ev, p, NULL, 5) == NFIPS_GRADE_HIGH &&
	       has(b.s, "\"severity\":1") && has(b.s, "\"grade\":\"high\"") &&
	       has(b.s, "\"grade_reason\":\"classtype attempted-admin: high\""),
	       "kernel event graded: high, its reason");
	nfips_sbuf_reset(&b);
	ev.sid = 9106;
	ev.time_ns += 60000000000ull;
	memcpy(ev.saddr, ev.daddr, 16);
	inet_pton(AF_INET, "192.0.2.1", ev.daddr);
	nfipsd_event_record(&b, &ev, p, NULL, 6);
	tap_ok(&T, has(b.s, "\"grade\":\"emergency\"") &&
	       has(b.s, "source 10.0.2.2 was attacked 60 s before (sid 9108)"),
	       "trojan activity from the attacked host: emergency");
	nfips_sbuf_reset(&b);
	ev.sid = 424243;
	nfipsd_event_record(&b, &ev, p, NULL, 7);
	tap_ok(&T, has(b.s, "\"grade\":\"low\"") &&
	       has(b.s, "no classtype, priority 3: low"), "a sid the policy lacks: low");
	nfips_sbuf_free(&b);
	nfipsd_policy_free(p);
	nfips_grade_memory_free(gmem);

	c.memory_budget = 4096;
	reported[0] = '\0';
	p = nfipsd_policy_load(&c, 2, 6, report, NULL);
	tap_ok(&T, !p && strstr(reported, "memory budget"), "over the budget: refused");
	c.memory_budget = 0;

	free(c.pol.rules[0]);
	c.pol.rules[0] = write_file("bad.rules",
		"alert tcp any any -> any 80 (msg:\"ok\"; sid:1;)\n"
		"alert tcp any any -> (msg:\"broken\"; sid:2;)\n");
	reported[0] = '\0';
	p = nfipsd_policy_load(&c, 1, 7, report, NULL);
	tap_ok(&T, !p && strstr(reported, "policy refused"), "a broken rule: refused");
	free(c.pol.rules[0]);
	free(c.pol.classification);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			tap_diag("cannot remove %s", dir);
	}
	return tap_done(&T);
}
