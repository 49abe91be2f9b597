// SPDX-License-Identifier: GPL-2.0
/*
 * Detector check, test only: reads a kmalloc'ed object after kfree() when
 * loaded. Under the debug kernel KASAN must report "BUG: KASAN:
 * use-after-free" and `make check-debug-detector` must see the run fail.
 * Never load it anywhere else.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init nfips_detect_uaf_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	memset(p, 0x5a, 64);
	kfree(p);
	/* Keep the compiler from seeing through the use after free. */
	OPTIMIZER_HIDE_VAR(p);
	c = READ_ONCE(p[8]);
	pr_info("nfips_detect_uaf: read %#x from a freed object\n", c);
	return 0;
}

static void __exit nfips_detect_uaf_exit(void)
{
}

module_init(nfips_detect_uaf_init);
module_exit(nfips_detect_uaf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfips selftests: use-after-free for the KASAN detector check");
