// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "ac.h"

struct selftest_hits {
	u32 ids;	/* bit per pattern id seen */
	u32 count;
};

static int selftest_match(void *ctx, u32 id, u32 end)
{
	struct selftest_hits *h = ctx;

	h->ids |= 1U << id;
	h->count++;
	return 0;
}

/*
 * Builds a small automaton and scans a split buffer with it, so that a
 * matcher broken by the kernel build (allocation, types) refuses to load
 * instead of silently missing attacks.
 */
static int __init nfips_ac_selftest(void)
{
	static const u8 text[] = "GET /../../etc/passwd HTTP/1.1";
	const struct nfips_ac_pattern pats[] = {
		{ .bytes = (const u8 *)"/etc/passwd", .len = 11, .id = 0 },
		{ .bytes = (const u8 *)"get /", .len = 5,
		  .flags = NFIPS_AC_NOCASE, .id = 1 },
		{ .bytes = (const u8 *)"../", .len = 3, .id = 2 },
		{ .bytes = (const u8 *)"cmd.exe", .len = 7, .id = 3 },
	};
	struct selftest_hits hits = { 0 };
	struct nfips_ac *ac;
	nfips_ac_state st;
	int ret;

	ret = nfips_ac_build(&ac, pats, ARRAY_SIZE(pats), NULL, NULL);
	if (ret)
		return ret;
	st = nfips_ac_scan(ac, 0, text, 8, selftest_match, &hits);
	nfips_ac_scan(ac, st, text + 8, sizeof(text) - 9, selftest_match, &hits);
	nfips_ac_free(ac);
	if (hits.ids != 0x7 || hits.count != 4) {
		pr_err("matcher self-test failed: ids %#x count %u\n",
		       hits.ids, hits.count);
		return -EINVAL;
	}
	return 0;
}

static int __init nfips_init(void)
{
	int ret;

	ret = nfips_ac_selftest();
	if (ret)
		return ret;
	pr_info("loaded\n");
	return 0;
}

static void __exit nfips_exit(void)
{
	pr_info("unloaded\n");
}

module_init(nfips_init);
module_exit(nfips_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfips: in-kernel intrusion prevention");
MODULE_AUTHOR("nfips developers");
