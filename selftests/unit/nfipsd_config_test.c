// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd.conf: a complete file parsed into every field, the defaults, and
 * every error reported as FILE:LINE (or FILE: for what is missing or not
 * a configuration at all). Built with the sanitizers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfipsd.h"
#include "tap.h"

static struct tap T;
static char dir[] = "/tmp/nfipsd_config_test.XXXXXX";

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}

/* @text must be refused with an error that starts with FILE@where. */
static void bad(const char *name, const char *text, const char *where)
{
	struct nfipsd_conf c;
	char err[512], want[512];
	const char *path = write_file("bad.conf", text, strlen(text));
	int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

	snprintf(want, sizeof(want), "%s%s", path, where);
	if (!tap_ok(&T, ret && !strncmp(err, want, strlen(want)), "refused: %s", name))
		tap_diag("ret %d, error '%s', want '%s...'", ret, ret ? err : "", want);
	else
		tap_diag("%s", err + strlen(dir) + 1);
	nfipsd_conf_free(&c);
}

static void full(void)
{
	static const char text[] =
		"# every setting\n"
		"queues = { base = 100; count = 4; maxlen = 8192; rcvbuf = 1048576; batch = 16; };\n"
		"rules = [ \"a.rules\", \"/abs/b.rules\" ];\n"
		"vars = { HOME_NET = \"[10.0.0.0/8]\"; HTTP_PORTS = \"[80,8080]\"; };\n"
		"mode = \"enforce\";\n"
		"classification = \"classification.config\";\n"
		"log = { eve = \"/var/log/x/eve.json\"; payload = \"first\"; };\n"
		"state = { path = \"st/nfipsd.state\"; interval = 30; };\n"
		"memory = { budget = \"512M\"; };\n"
		"stream = { depth = 65536; window = 32768; memcap = \"1G\"; max_flows = 1000; };\n"
		"store = { path = \"db/alerts.db\"; retention_days = 120; queue = 1024;"
		" enabled = true; };\n"
		"sensor = \"gw-1\";\n"
		"stop_timeout = 7;\n"
		"packet_alert_max = 40;\n"
		"rdns = { enabled = true; destinations = false; threads = 3; rate = 5; timeout = 1;"
		" queue = 100; cache = 4096; ttl = 7200; negative_ttl = 600; };\n"
		"collectors = ( { name = \"soc\"; transport = \"relp\"; host = \"h1\"; port = 2514; },\n"
		"  { name = \"soc.2\"; transport = \"tls\"; host = \"h2\"; port = 6514; ca = \"ca.pem\";\n"
		"    server_name = \"c.example\"; facility = \"local0\"; timeout = 3; window = 64; } );\n";
	struct nfipsd_conf c;
	char err[512], want[256];
	const char *path = write_file("full.conf", text, sizeof(text) - 1);
	int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

	if (!tap_ok(&T, !ret, "a complete file loads")) {
		tap_diag("%s", err);
		return;
	}
	tap_ok(&T, c.queue_base == 100 && c.queue_count == 4 && c.queue_maxlen == 8192 &&
	       c.rcvbuf == 1048576 && c.batch == 16, "queues");
	snprintf(want, sizeof(want), "%s/a.rules", dir);
	tap_ok(&T, c.pol.nrules == 2 && !strcmp(c.pol.rules[0], want) &&
	       !strcmp(c.pol.rules[1], "/abs/b.rules"),
	       "rules: relative to the file, absolute kept");
	tap_ok(&T, c.pol.nvars == 2 && !strcmp(c.pol.vars[0].name, "HOME_NET") &&
	       !strcmp(c.pol.vars[1].value, "[80,8080]"), "vars");
	tap_ok(&T, c.pol.enforce, "mode enforce");
	snprintf(want, sizeof(want), "%s/classification.config", dir);
	tap_ok(&T, !strcmp(c.pol.classification, want), "classification path");
	snprintf(want, sizeof(want), "%s/st/nfipsd.state", dir);
	tap_ok(&T, !strcmp(c.eve_path, "/var/log/x/eve.json") &&
	       !strcmp(c.state_path, want) && c.state_interval == 30 &&
	       c.eve_payload == NFIPS_EVE_PAYLOAD_FIRST, "log (eve, payload) and state");
	tap_ok(&T, c.memory_budget == 512ull << 20, "budget with suffix");
	tap_ok(&T, c.flows.stream.depth == 65536 && c.flows.stream.ooo_max == 32768 &&
	       c.flows.stream.memcap == 1ull << 30 && c.flows.max_flows == 1000, "stream");
	tap_ok(&T, !strcmp(c.sensor, "gw-1") && c.stop_timeout == 7, "sensor, stop_timeout");
	tap_ok(&T, c.alert_max == 40, "packet_alert_max");
	snprintf(want, sizeof(want), "%s/db/alerts.db", dir);
	tap_ok(&T, !strcmp(c.store_path, want) && c.store_retention == 120 &&
	       c.store_queue == 1024 && !c.store_off, "store: path relative to the file, "
	       "retention, queue");
	tap_ok(&T, !c.rdns_off && !c.rdns.destinations && c.rdns.threads == 3 &&
	       c.rdns.rate == 5 && c.rdns.timeout == 1 && c.rdns.queue == 100 &&
	       c.rdns.cache == 4096 && c.rdns.ttl == 7200 && c.rdns.negative_ttl == 600,
	       "rdns: every setting");
	snprintf(want, sizeof(want), "%s/ca.pem", dir);
	tap_ok(&T, c.ncollectors == 2 && !strcmp(c.collectors[0].name, "soc") &&
	       c.collectors[0].transport == NFIPS_TRANSPORT_RELP && c.collectors[0].port == 2514 &&
	       c.collectors[0].facility == 21 && c.collectors[0].window == 1024 &&
	       c.collectors[1].transport == NFIPS_TRANSPORT_TLS && !strcmp(c.collectors[1].ca, want) &&
	       !strcmp(c.collectors[1].server_name, "c.example") && c.collectors[1].facility == 16 &&
	       c.collectors[1].timeout == 3 && c.collectors[1].window == 64,
	       "collectors: relp with defaults, tls with its CA relative to the file");
	snprintf(want, sizeof(want), "%s/st/deliver", dir);
	tap_ok(&T, !strcmp(c.deliver_dir, want), "delivery state beside the state file: %s",
	       c.deliver_dir);
	nfipsd_conf_free(&c);
}

static void defaults(void)
{
	static const char text[] = "rules = \"only.rules\";\n";
	struct nfipsd_conf c;
	char err[512];
	const char *path = write_file("min.conf", text, sizeof(text) - 1);
	int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

	if (!tap_ok(&T, !ret, "rules alone load")) {
		tap_diag("%s", err);
		return;
	}
	tap_ok(&T, c.queue_base == 0 && c.queue_count == 1 && c.queue_maxlen == 4096 &&
	       !c.pol.enforce && !strcmp(c.eve_path, NFIPSD_EVE) &&
	       !strcmp(c.state_path, NFIPSD_STATE) && !c.memory_budget &&
	       !c.pol.classification && c.eve_payload == NFIPS_EVE_PAYLOAD_ALL &&
	       !strcmp(c.store_path, NFIPS_STORE_PATH) &&
	       c.store_retention == 92 && !c.store_off && !c.alert_max,
	       "defaults: queue 0, learn, standard paths, no budget, payload in every record, "
	       "the store for 92 days");
	tap_ok(&T, !c.rdns_off && c.rdns.destinations && c.rdns.threads == 2 &&
	       c.rdns.rate == 10 && c.rdns.timeout == 2 && c.rdns.queue == 1024 &&
	       c.rdns.cache == 65536 && c.rdns.ttl == 86400 && c.rdns.negative_ttl == 3600,
	       "defaults: reverse DNS on, sources and targets, 10 lookups/s, 2 s timeout, "
	       "a day's TTL, an hour's for no name");
	nfipsd_conf_free(&c);
}

/* rdns.enabled = false turns the lookups off (nfipsd starts no resolver). */
static void rdns_off(void)
{
	static const char text[] = "rules = \"r\";\nrdns = { enabled = false; };\n";
	struct nfipsd_conf c;
	char err[512];
	const char *path = write_file("rdns.conf", text, sizeof(text) - 1);
	int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

	tap_ok(&T, !ret && c.rdns_off, "rdns: enabled = false turns reverse DNS off%s%s",
	       ret ? ": " : "", ret ? err : "");
	nfipsd_conf_free(&c);
}

static void errors(void)
{
	static const char huge_line[] = "sensor = \"x\";\n";
	char *huge;
	size_t i, n = NFIPSD_CONF_MAX_BYTES / (sizeof(huge_line) - 1) + 2;
	struct nfipsd_conf c;
	char err[512], want[512];

	bad("no rules", "mode = \"learn\";\n", ": no 'policy' (a customer policy file) nor 'rules'");
	bad("unknown top-level key", "rules = \"r\";\n\nrulez = \"r\";\n", ":3: unknown setting 'rulez'");
	bad("unknown key in a group", "rules = \"r\";\nqueues = {\n base = 1;\n cuont = 2;\n};\n",
	    ":4: unknown setting 'cuont' in queues");
	bad("syntax error", "rules = \"r\";\nmode = \"learn\"\nsensor = ;\n", ":3: ");
	bad("unterminated string", "rules = \"r;\n", ":2: ");
	bad("count not a number", "rules = \"r\";\nqueues = { count = \"two\"; };\n",
	    ":2: 'count' is not a number");
	bad("count 0", "rules = \"r\";\nqueues = { count = 0; };\n", ":2: 'count' = 0 out of range");
	bad("count too large", "rules = \"r\";\nqueues = { count = 65; };\n", ":2: 'count' = 65 out of range");
	bad("queues beyond 65535", "rules = \"r\";\nqueues = { base = 65535;\n count = 2; };\n",
	    ":3: queues 65535..65536");
	bad("negative maxlen", "rules = \"r\";\nqueues = { maxlen = -1; };\n", ":2: 'maxlen' must not be negative");
	bad("packet_alert_max 0", "rules = \"r\";\npacket_alert_max = 0;\n",
	    ":2: 'packet_alert_max' = 0 out of range");
	bad("packet_alert_max 256", "rules = \"r\";\npacket_alert_max = 256;\n",
	    ":2: 'packet_alert_max' = 256 out of range");
	bad("queues not a group", "rules = \"r\";\nqueues = 3;\n", ":2: 'queues' must be a group");
	bad("mode", "rules = \"r\";\nmode = \"block\";\n", ":2: 'mode' must be \"learn\" or \"enforce\"");
	bad("store retention 0", "rules = \"r\";\nstore = { retention_days = 0; };\n",
	    ":2: 'retention_days' = 0 out of range");
	bad("rdns unknown key", "rules = \"r\";\nrdns = { timout = 2; };\n",
	    ":2: unknown setting 'timout' in rdns");
	bad("rdns rate 0", "rules = \"r\";\nrdns = { rate = 0; };\n",
	    ":2: 'rate' = 0 out of range 1..10000");
	bad("rdns timeout too long", "rules = \"r\";\nrdns = { timeout = 60; };\n",
	    ":2: 'timeout' = 60 out of range 1..30");
	bad("rdns enabled not a bool", "rules = \"r\";\nrdns = { enabled = \"no\"; };\n",
	    ":2: 'enabled' must be true or false");
	bad("store enabled not a bool", "rules = \"r\";\nstore = { enabled = 1; };\n",
	    ":2: 'enabled' must be true or false");
	bad("mode not a string", "rules = \"r\";\nmode = 1;\n", ":2: 'mode' must be a string");
	bad("rules empty", "rules = [ ];\n", ":1: 'rules' is empty");
	bad("mixed array", "rules = [ \"a\", 3 ];\n", ":1: mismatched element type");
	bad("rules entry not a string", "rules = ( \"a\",\n 3 );\n", ":2: 'rules' entries");
	bad("rules a group", "rules = { a = 1; };\n", ":1: 'rules' must be a list");
	bad("var not a string", "rules = \"r\";\nvars = {\n HOME_NET = 10;\n};\n",
	    ":3: variable HOME_NET must be a string");
	bad("budget bad suffix", "rules = \"r\";\nmemory = { budget = \"12X\"; };\n", ":2: 'budget': bad suffix");
	bad("budget negative", "rules = \"r\";\nmemory = { budget = -5; };\n", ":2: 'budget' must not be negative");
	bad("budget a float", "rules = \"r\";\nmemory = { budget = 1.5; };\n", ":2: 'budget' must be a number");
	bad("log.payload not a choice", "rules = \"r\";\nlog = { payload = \"some\"; };\n",
	    ":2: 'payload' must be \"all\", \"first\" or \"none\", not \"some\"");
	bad("empty eve path", "rules = \"r\";\nlog = { eve = \"\"; };\n", ":2: 'eve' must not be empty");
	bad("state interval 0", "rules = \"r\";\nstate = { interval = 0; };\n", ":2: 'interval' = 0 out of range");
	bad("stream depth too large", "rules = \"r\";\nstream = { depth = 2147483647; };\n", ":2: 'depth'");
	bad("policy file and rules", "policy = \"site.conf\";\nrules = \"r\";\n",
	    ":2: 'rules' comes from the policy file");
	bad("policy file and mode", "policy = \"site.conf\";\nmode = \"enforce\";\n",
	    ":2: 'mode' comes from the policy file");
	bad("mail without url", "rules = \"r\";\nmail = { from = \"n@x.example\"; };\n",
	    ":2: mail: 'url' is required");
	bad("mail url not smtp", "rules = \"r\";\nmail = {\n url = \"http://x\"; from = \"n@x.example\"; };\n",
	    ":3: mail: url \"http://x\" is not smtp://");
	bad("mail from not an address", "rules = \"r\";\nmail = { url = \"smtp://x:25\";\n from = \"nfips\"; };\n",
	    ":3: mail: 'from' must be an address");
	bad("mail tls not a choice", "rules = \"r\";\nmail = { url = \"smtp://x:25\"; from = \"n@x.example\";\n"
	    " tls = \"maybe\"; };\n", ":3: mail: 'tls' must be");
	bad("mail smtps without tls", "rules = \"r\";\nmail = { url = \"smtps://x:465\"; from = \"n@x.example\";\n"
	    " tls = \"off\"; };\n", ":3: mail: smtps:// is TLS from the first byte");
	bad("mail user without password", "rules = \"r\";\nmail = { url = \"smtp://x:25\"; from = \"n@x.example\";\n"
	    " user = \"u\"; };\n", ":2: mail: 'user' and 'password_file' go together");
	bad("mail password file missing", "rules = \"r\";\nmail = { url = \"smtp://x:25\"; from = \"n@x.example\";\n"
	    " user = \"u\"; password_file = \"/nonexistent/pw\"; };\n",
	    ":3: password_file /nonexistent/pw: No such file");
	bad("mail unknown key", "rules = \"r\";\nmail = { url = \"smtp://x:25\"; from = \"n@x.example\";\n"
	    " host = \"x\"; };\n", ":3: unknown setting 'host'");
	bad("collector transport", "rules = \"r\";\ncollectors = ( { name = \"a\"; transport = "
	    "\"udp\";\n host = \"h\"; port = 514; } );\n", ":2: collector a: transport must be");
	bad("tls without ca", "rules = \"r\";\ncollectors = (\n { name = \"a\"; transport = \"tls\"; "
	    "host = \"h\"; port = 6514; } );\n", ":3: collector a: transport \"tls\" needs \"ca\"");
	bad("tcp with a ca", "rules = \"r\";\ncollectors = (\n { name = \"a\"; transport = \"tcp\"; "
	    "host = \"h\"; port = 1; ca = \"c\"; } );\n", ":3: collector a: transport \"tcp\" is plain");
	bad("collector without host", "rules = \"r\";\ncollectors = (\n { name = \"a\"; transport = "
	    "\"relp\"; port = 1; } );\n", ":3: a collector needs name, transport, host and port");
	bad("two collectors of one name", "rules = \"r\";\ncollectors = ( { name = \"a\"; transport = "
	    "\"relp\"; host = \"h\"; port = 1; },\n { name = \"a\"; transport = \"relp\"; host = "
	    "\"g\"; port = 2; } );\n", ":3: collector a: a second one of that name");
	bad("collector unknown key", "rules = \"r\";\ncollectors = ( { name = \"a\"; transport = "
	    "\"relp\"; host = \"h\"; port = 1;\n hots = \"x\"; } );\n", ":3: unknown setting 'hots'");
	bad("collector facility", "rules = \"r\";\ncollectors = ( { name = \"a\"; transport = "
	    "\"relp\"; host = \"h\"; port = 1;\n facility = \"local9\"; } );\n",
	    ":3: collector a: unknown facility");
	bad("relp tls without a client certificate", "rules = \"r\";\ncollectors = (\n { name = "
	    "\"a\"; transport = \"relp\"; host = \"h\"; port = 1; ca = \"c\"; } );\n",
	    ":3: collector a: RELP over TLS (\"ca\") needs the sensor's certificate");
	bad("cert without key", "rules = \"r\";\ncollectors = (\n { name = \"a\"; transport = \"tls\"; "
	    "host = \"h\"; port = 1; ca = \"c\"; cert = \"x\"; } );\n",
	    ":3: collector a: a client certificate needs both");

	/* The error of an included file names that file. */
	write_file("inc.conf", "sensor = \"a\";\nbogus = 1;\n", 25);
	{
		const char *path = write_file("bad.conf", "rules = \"r\";\n@include \"inc.conf\"\n", 33);
		int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

		snprintf(want, sizeof(want), "%s/inc.conf:2: unknown setting 'bogus'", dir);
		if (!tap_ok(&T, ret && !strcmp(err, want), "refused: error in an included file, its name and line"))
			tap_diag("error '%s'", err);
		nfipsd_conf_free(&c);
	}

	{
		const char *path = write_file("bin.conf", "rules = \"r\";\n\0\xff", 15);
		int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

		tap_ok(&T, ret && strstr(err, "binary data"), "refused: a NUL byte");
		nfipsd_conf_free(&c);
	}
	huge = malloc(n * (sizeof(huge_line) - 1));
	for (i = 0; i < n; i++)
		memcpy(huge + i * (sizeof(huge_line) - 1), huge_line, sizeof(huge_line) - 1);
	{
		const char *path = write_file("huge.conf", huge, n * (sizeof(huge_line) - 1));
		int ret = nfipsd_conf_load(&c, path, err, sizeof(err));

		tap_ok(&T, ret && strstr(err, "not a configuration"), "refused: more than 1 MiB");
		nfipsd_conf_free(&c);
	}
	free(huge);
	{
		char path[256];
		int ret;

		snprintf(path, sizeof(path), "%s/nonexistent.conf", dir);
		ret = nfipsd_conf_load(&c, path, err, sizeof(err));
		tap_ok(&T, ret && strstr(err, "No such file"), "refused: a missing file");
		nfipsd_conf_free(&c);
		ret = nfipsd_conf_load(&c, dir, err, sizeof(err));
		tap_ok(&T, ret && strstr(err, "not a regular file"), "refused: a directory");
		nfipsd_conf_free(&c);
	}
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	full();
	defaults();
	rdns_off();
	errors();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("cannot remove %s", dir);
	return tap_done(&T);
}
