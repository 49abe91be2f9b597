// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl mode learn|enforce: learn never drops (drop rules alert),
 * enforce drops on approved drop and reject rules.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"

int cmd_mode(int argc, char **argv)
{
	struct nfips_nl_config c = { .set_mode = true };
	struct nfips_nl *nl;
	int ret;

	if (argc != 2 || (strcmp(argv[1], "learn") && strcmp(argv[1], "enforce"))) {
		fprintf(stderr, "Usage: nfipsctl mode learn|enforce\n");
		return 2;
	}
	c.mode = strcmp(argv[1], "learn") ? NFIPS_MODE_ENFORCE : NFIPS_MODE_LEARN;
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_set_config(nl, &c);
	if (ret)
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	else
		printf("mode: %s\n", argv[1]);
	nfips_nl_close(nl);
	return ret ? 1 : 0;
}
