// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks on the user's side: what nfipsctl block accepts as an address,
 * a prefix and a duration (and the message it refuses the rest with),
 * the canonical text the store and --list show, and the store's records
 * of blocks and unblocks (who, why, when, until), filtered as reports
 * and block --list read them, in a store migrated from the schema
 * before blocks.
 */
#include <arpa/inet.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/nl.h"
#include "store/store.h"
#include "tap.h"

static struct tap T;

static void parse_ok(const char *s, int family, int plen, const char *canon)
{
	struct nfips_nl_block b;
	char err[256], out[NFIPS_BLOCK_STR];
	int r = nfips_block_parse(s, &b, err, sizeof(err));

	if (!r)
		nfips_block_str(&b, out, sizeof(out));
	tap_ok(&T, !r && b.family == family && b.plen == plen && !strcmp(out, canon),
	       "'%s' is %s/%d, shown '%s'%s%s", s, family == AF_INET ? "IPv4" : "IPv6",
	       plen, canon, r ? ": " : "", r ? err : "");
}

static void parse_bad(const char *s, const char *why)
{
	struct nfips_nl_block b;
	char err[256] = "";
	int r = nfips_block_parse(s, &b, err, sizeof(err));

	tap_ok(&T, r && strstr(err, why), "'%s' refused: %s", s, err);
}

static void dur_ok(const char *s, uint32_t want)
{
	char err[256] = "";
	uint32_t v = 0;
	int r = nfips_duration_parse(s, &v, err, sizeof(err));

	tap_ok(&T, !r && v == want, "--for %s is %u s (got %u%s%s)", s, want, v,
	       r ? ", " : "", err);
}

static void dur_bad(const char *s, const char *why)
{
	char err[256] = "";
	uint32_t v = 0;
	int r = nfips_duration_parse(s, &v, err, sizeof(err));

	tap_ok(&T, r && strstr(err, why), "--for '%s' refused: %s", s, err);
}

static void dur_str(uint64_t secs, const char *want)
{
	char out[32];

	nfips_duration_str(secs, out, sizeof(out));
	tap_ok(&T, !strcmp(out, want), "%llu s shown as %s (got %s)",
	       (unsigned long long)secs, want, out);
}

struct seen {
	char text[1024];
	int n;
};

static int collect(void *arg, const struct nfips_store_block *b)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%s%s %s until=%lld by=%s why=%s",
		 s->n++ ? "; " : "", b->unblock ? "unblock" : "block", b->addr,
		 (long long)b->until, b->by ? b->by : "-", b->reason ? b->reason : "-");
	return 0;
}

static void query(struct nfips_store *st, const struct nfips_store_block_filter *f,
		  const char *want, const char *name)
{
	struct seen s = { .n = 0 };
	char err[256] = "";
	int r = nfips_store_blocks(st, f, collect, &s, err, sizeof(err));

	tap_ok(&T, !r && !strcmp(s.text, want), "%s", name);
	if (r || strcmp(s.text, want))
		tap_diag("got '%s' %s, want '%s'", s.text, err, want);
}

/* A store as the schema before blocks left it (version 5). */
static void make_v5(const char *path)
{
	struct nfips_store_opts o = { .path = path, .sync_normal = true };
	char err[256];
	struct nfips_store *s = nfips_store_open(&o, err, sizeof(err), NULL);
	sqlite3 *db;

	nfips_store_close(s);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "DROP TABLE blocks; ALTER TABLE alerts DROP COLUMN discarded;"
			     " DROP TABLE names;"
			     " PRAGMA user_version = 5", NULL, NULL, NULL);
		sqlite3_close(db);
	}
}

static void store_tests(void)
{
	char dir[] = "/tmp/nfips_block_test.XXXXXX", path[300], err[256] = "";
	struct nfips_store_opts o = { .sync_normal = true };
	struct nfips_store_block_filter all = { 0 };
	struct nfips_store_block a = {
		.ts = 1000000, .addr = "192.0.2.7", .until = 3601000000,
		.reason = "scanning", .by = "alice",
	};
	struct nfips_store_block b = {
		.ts = 2000000, .addr = "2001:db8::/32", .reason = "botnet", .by = "bob",
	};
	struct nfips_store_block u = {
		.ts = 3000000, .unblock = true, .addr = "192.0.2.7", .by = "carol",
	};
	struct nfips_store_block bad = { .ts = 1, .addr = "10.0.0.300" };
	struct nfips_store *s;

	if (!mkdtemp(dir)) {
		tap_ok(&T, 0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	make_v5(path);
	o.path = path;
	o.readonly = true;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	query(s, &all, "", "a reader of a store before blocks finds none");
	nfips_store_close(s);
	o.readonly = false;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	tap_ok(&T, s != NULL, "the v5 store migrates to blocks (%s)", s ? "" : err);
	if (!s)
		goto out;
	tap_ok(&T, !nfips_store_block_put(s, &a, err, sizeof(err)) && a.id == 1,
	       "a block recorded, id 1");
	tap_ok(&T, !nfips_store_block_put(s, &b, err, sizeof(err)) && b.id == 2,
	       "a prefix block until removed recorded");
	tap_ok(&T, !nfips_store_block_put(s, &u, err, sizeof(err)) && u.id == 3,
	       "an unblock recorded");
	tap_ok(&T, nfips_store_block_put(s, &bad, err, sizeof(err)) &&
	       strstr(err, "'10.0.0.300': not an address"),
	       "a bad address refused: %s", err);
	nfips_store_close(s);

	/* Reopened read-only, as block --list and reports do. */
	o.readonly = true;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	query(s, &all,
	      "block 192.0.2.7 until=3601000000 by=alice why=scanning; "
	      "block 2001:db8::/32 until=0 by=bob why=botnet; "
	      "unblock 192.0.2.7 until=0 by=carol why=-",
	      "every record, oldest first, with who, why and until");
	query(s, &(struct nfips_store_block_filter){ .since = 2000000, .until = 3000000 },
	      "block 2001:db8::/32 until=0 by=bob why=botnet",
	      "a time range [since, until)");
	query(s, &(struct nfips_store_block_filter){
		.addr = "192.0.2.7", .newest_first = true, .limit = 1 },
	      "unblock 192.0.2.7 until=0 by=carol why=-",
	      "one address's latest record");
	tap_ok(&T, nfips_store_block_put(s, &a, err, sizeof(err)) != 0,
	       "no record through a read-only store");
	nfips_store_close(s);
out:
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		tap_diag("cannot remove %s", dir);
}

int main(void)
{
	parse_ok("192.0.2.7", AF_INET, 32, "192.0.2.7");
	parse_ok("192.0.2.7/32", AF_INET, 32, "192.0.2.7");
	parse_ok("10.0.0.0/8", AF_INET, 8, "10.0.0.0/8");
	parse_ok("192.0.2.128/25", AF_INET, 25, "192.0.2.128/25");
	parse_ok("2001:DB8:0:0::1", AF_INET6, 128, "2001:db8::1");
	parse_ok("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	parse_ok("fd6e:6669:7073:1::/64", AF_INET6, 64, "fd6e:6669:7073:1::/64");
	/* IPv4-mapped: what crosses the gateway is IPv4, so the block is */
	parse_ok("::ffff:192.0.2.7", AF_INET, 32, "192.0.2.7");
	parse_ok("::ffff:10.0.0.0/104", AF_INET, 8, "10.0.0.0/8");
	parse_ok("::/64", AF_INET6, 64, "::/64");
	parse_bad("::ffff:0.0.0.0/96", "a /0 block would drop all IPv4 traffic");
	parse_bad("10.0.0.1/8", "bits set past the prefix length (the network is 10.0.0.0/8)");
	parse_bad("192.0.2.129/25", "(the network is 192.0.2.128/25)");
	parse_bad("2001:db8::1/32", "(the network is 2001:db8::/32)");
	parse_bad("10.0.0.0/33", "prefix length '33' is not 1 to 32");
	parse_bad("2001:db8::/129", "prefix length '129' is not 1 to 128");
	parse_bad("10.0.0.0/", "prefix length '' is not 1 to 32");
	parse_bad("10.0.0.0/+8", "prefix length '+8'");
	parse_bad("0.0.0.0/0", "a /0 block would drop all IPv4 traffic");
	parse_bad("::/0", "a /0 block would drop all IPv6 traffic");
	parse_bad("10.0.0.256", "not an IPv4 or IPv6 address");
	parse_bad("example.com", "not an IPv4 or IPv6 address");
	parse_bad("", "not an address");

	dur_ok("90", 90);
	dur_ok("90s", 90);
	dur_ok("15m", 900);
	dur_ok("2h", 7200);
	dur_ok("1h30m", 5400);
	dur_ok("7d", 604800);
	dur_ok("2w", 1209600);
	dur_ok("1d2h3m4s", 93784);
	dur_bad("0", "1 s to 10 years");
	dur_bad("11000d", "1 s to 10 years");
	dur_bad("99999999999", "1 s to 10 years");
	dur_bad("1h30", "not a duration");
	dur_bad("30m1h", "not a duration");
	dur_bad("1h1h", "not a duration");
	dur_bad("5y", "not a duration");
	dur_bad("-5m", "not a duration");
	dur_bad("", "not a duration");
	dur_str(0, "0s");
	dur_str(59, "59s");
	dur_str(3599, "59m59s");
	dur_str(5400, "1h30m");
	dur_str(93784, "1d2h");

	store_tests();
	return tap_done(&T);
}
