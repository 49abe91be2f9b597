// SPDX-License-Identifier: GPL-2.0
/*
 * Detector check, test only: leaks one object when loaded. After the
 * module is unloaded the guest's kmemleak scan must report it (its
 * allocation backtrace runs through this module's code) and
 * `make check-debug-detector` must see the run fail. Never load it
 * anywhere else.
 */
#include <linux/module.h>
#include <linux/slab.h>

/* Out of line, so that no pointer to the object outlives this frame. */
static noinline int nfips_detect_leak_alloc(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	memset(p, 0x6b, 128);
	OPTIMIZER_HIDE_VAR(p);
	return 0;
}

static int __init nfips_detect_leak_init(void)
{
	int ret = nfips_detect_leak_alloc();

	if (!ret)
		pr_info("nfips_detect_leak: leaked 128 bytes\n");
	return ret;
}

static void __exit nfips_detect_leak_exit(void)
{
}

module_init(nfips_detect_leak_init);
module_exit(nfips_detect_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfips selftests: a memory leak for the kmemleak detector check");
