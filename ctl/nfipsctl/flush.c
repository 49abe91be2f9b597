// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl flush: remove the namespace's policy; the hooks go too, so
 * traffic passes as if nfips were not loaded. Configuration stays, and
 * so do blocks (nfipsctl block), with the hooks they need.
 */
#include <stdio.h>

#include "nfipsctl.h"
#include "kernel/nl.h"

int cmd_flush(int argc, char **argv)
{
	struct nfips_nl *nl;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s\n", argv[0]);
		return 2;
	}
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_flush(nl);
	if (ret)
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	nfips_nl_close(nl);
	return ret ? 1 : 0;
}
