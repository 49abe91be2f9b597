// SPDX-License-Identifier: GPL-2.0
/*
 * Detector check, test only: sleeps while holding a spinlock when loaded,
 * the way such bugs usually look: a GFP_KERNEL allocation (which may
 * sleep) and then an actual sleep. Under the debug kernel
 * DEBUG_ATOMIC_SLEEP must report "BUG: sleeping function called from
 * invalid context" (the allocation's might_sleep() check; msleep() itself
 * only trips "scheduling while atomic") and `make check-debug-detector`
 * must see the run fail. Never load it anywhere else.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(nfips_detect_lock);

static int __init nfips_detect_sleep_init(void)
{
	void *p;

	spin_lock(&nfips_detect_lock);
	p = kmalloc(64, GFP_KERNEL);
	msleep(20);
	kfree(p);
	spin_unlock(&nfips_detect_lock);
	pr_info("nfips_detect_sleep: slept under a spinlock\n");
	return 0;
}

static void __exit nfips_detect_sleep_exit(void)
{
}

module_init(nfips_detect_sleep_init);
module_exit(nfips_detect_sleep_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfips selftests: sleep in atomic context for the detector check");
