// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl mode learn|enforce: learn never drops (drop rules alert),
 * enforce drops on approved drop and reject rules.
 *
 * Without --policy this sets the kernel's mode only (the policy file, if
 * any, still says what it says, and the next policy apply sets its mode
 * again). With --policy FILE it is an edit of the policy file like
 * disable/enable (edit.c): the file's mode changes, and the policy is
 * validated and applied.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "policy/policy.h"

int cmd_mode(int argc, char **argv)
{
	struct nfips_nl_config c = { .set_mode = true };
	struct nfips_nl *nl;
	int ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--policy") ||
		    !strncmp(argv[i], "--policy=", 9))
			return ctl_policy_edit(argc, argv, NFIPS_EDIT_MODE);
	if (argc != 2 || (strcmp(argv[1], "learn") && strcmp(argv[1], "enforce"))) {
		fprintf(stderr, "Usage: nfipsctl mode learn|enforce [--policy FILE [options]]\n");
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
