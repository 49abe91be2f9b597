// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl gateway: the one command a push account may run on a gateway
 * (Documentation/push.rst). As an ssh forced command (authorized_keys'
 * command="nfipsctl gateway [--config FILE]") it reads the request from
 * $SSH_ORIGINAL_COMMAND, otherwise from its arguments, and runs only:
 *
 *   stage [--check-only | --install [--rollback]]
 *                               policy stage (bundle on stdin)
 *   install [--rollback] ID     policy install
 *   restore                     policy restore
 *   status                      status --json
 *   block, unblock              nfipsctl block / unblock, its arguments as
 *                               key=value lines on stdin (addr, for,
 *                               reason, by): a reason has spaces, and
 *                               $SSH_ORIGINAL_COMMAND is split at them
 *
 * The configuration (hence the policy file written) is the forced
 * command's, never the request's. A request may repeat the program's
 * words ("nfipsctl gateway stage", "sudo nfipsctl gateway stage"): push
 * sends them so that an account without a forced command works too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsctl.h"

#define MAX_WORDS 8
/* The block request's input: four short lines. */
#define BLOCK_IN_MAX 4096

/*
 * block / unblock: the arguments from stdin, each key once, values
 * without control characters; then exactly what nfipsctl block and
 * unblock do (kernel first, then the store nfipsd.conf names), and
 * "result=blocked|unblocked" once both are done.
 */
static int block_request(const char *conf, bool unblock)
{
	static const char *const keys[] = { "addr", "for", "reason", "by" };
	char buf[BLOCK_IN_MAX + 1], *line, *save = NULL, *val[4] = { 0 };
	char *argv[12];
	size_t len = 0, k;
	int argc = 0, rc;

	while (len < sizeof(buf) - 1) {
		size_t n = fread(buf + len, 1, sizeof(buf) - 1 - len, stdin);

		if (!n)
			break;
		len += n;
	}
	if (len == sizeof(buf) - 1 || memchr(buf, '\0', len)) {
		fprintf(stderr, "nfipsctl gateway: %s: input too long or binary\n",
			unblock ? "unblock" : "block");
		return 2;
	}
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *c;

		for (k = 0; eq && k < 4 && (strlen(keys[k]) != (size_t)(eq - line) ||
					    strncmp(line, keys[k], (size_t)(eq - line))); k++)
			;
		for (c = line; *c && (unsigned char)*c >= 0x20 && *c != 0x7f; c++)
			;
		if (!eq || k == 4 || val[k] || *c) {
			fprintf(stderr, "nfipsctl gateway: %s: bad input line '%.40s' (addr=, "
				"for=, reason=, by=, each once)\n", unblock ? "unblock" : "block",
				line);
			return 2;
		}
		val[k] = eq + 1;
	}
	if (!val[0] || (unblock && val[1])) {
		fprintf(stderr, "nfipsctl gateway: %s: %s\n", unblock ? "unblock" : "block",
			!val[0] ? "no addr=" : "an unblock has no for=");
		return 2;
	}
	/* the gateway's store, as its nfipsd writes it */
	if (conf)
		setenv("NFIPSD_CONF", conf, 1);
	argv[argc++] = unblock ? "unblock" : "block";
	argv[argc++] = val[0];
	for (k = 1; k < 4; k++) {
		if (!val[k])
			continue;
		argv[argc++] = k == 1 ? "--for" : k == 2 ? "--reason" : "--by";
		argv[argc++] = val[k];
	}
	argv[argc] = NULL;
	rc = unblock ? cmd_unblock(argc, argv) : cmd_block(argc, argv);
	if (!rc)
		printf("result=%s\n", unblock ? "unblocked" : "blocked");
	fflush(stdout);
	return rc;
}

static int run(const char *conf, int n, char **w)
{
	char *argv[MAX_WORDS + 4];
	int argc = 0, i;

	if (n < 1)
		goto bad;
	if ((!strcmp(w[0], "block") || !strcmp(w[0], "unblock")) && n == 1)
		return block_request(conf, w[0][0] == 'u');
	if (!strcmp(w[0], "status") && n == 1) {
		struct ctl_health h;
		struct ctl_gw g;

		if (ctl_gw_load(&g, conf))
			return 1;
		ctl_health_read(&g, &h);
		ctl_health_json(&h);
		ctl_gw_free(&g);
		return 0;
	}
	if (!(!strcmp(w[0], "stage") && (n == 1 || (n == 2 && (!strcmp(w[1], "--check-only") ||
							    !strcmp(w[1], "--install"))) ||
					 (n == 3 && !strcmp(w[1], "--install") &&
					  !strcmp(w[2], "--rollback")))) &&
	    !(!strcmp(w[0], "install") && (n == 2 || (n == 3 && !strcmp(w[1], "--rollback")))) &&
	    !(!strcmp(w[0], "restore") && n == 1))
		goto bad;
	argv[argc++] = w[0];
	if (conf) {
		argv[argc++] = "--config";
		argv[argc++] = (char *)conf;
	}
	for (i = 1; i < n; i++) {
		/* options first, the staging name last: never an option */
		if (i == n - 1 && !strcmp(w[0], "install") && w[i][0] == '-')
			goto bad;
		argv[argc++] = w[i];
	}
	argv[argc] = NULL;
	return ctl_policy_gateway(argc, argv);
bad:
	fprintf(stderr, "nfipsctl gateway: request refused: only stage [--check-only | "
		"--install [--rollback]], install [--rollback] ID, restore, status, block "
		"and unblock\n");
	return 2;
}

int cmd_gateway(int argc, char **argv)
{
	const char *conf = NULL, *req = getenv("SSH_ORIGINAL_COMMAND");
	char *words[MAX_WORDS], *copy = NULL, *save, *t;
	int i = 1, n = 0, ret, skip = 0;

	if (argc >= 3 && !strcmp(argv[1], "--config")) {
		conf = argv[2];
		i = 3;
	}
	if (i < argc) {		/* a request on the command line */
		if (argc - i > MAX_WORDS)
			return run(conf, 0, NULL);
		return run(conf, argc - i, argv + i);
	}
	if (!req) {
		fprintf(stderr, "Usage: nfipsctl gateway [--config FILE] REQUEST (or as an "
			"ssh forced command: SSH_ORIGINAL_COMMAND)\n");
		return 2;
	}
	copy = strdup(req);
	if (!copy)
		return 1;
	for (t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS) {
			free(copy);
			return run(conf, 0, NULL);
		}
		words[n++] = t;
	}
	/* "[sudo [-n]] [PATH/]nfipsctl gateway": the words that name us */
	for (i = 0; i < n; i++)
		if (!strcmp(words[i], "gateway")) {
			skip = i + 1;
			break;
		}
	for (i = 0; i < skip - 1; i++) {
		const char *b = strrchr(words[i], '/') ? strrchr(words[i], '/') + 1 : words[i];

		if (strcmp(b, "sudo") && strcmp(words[i], "-n") && strcmp(b, "nfipsctl"))
			skip = 0;	/* "gateway" was not our name */
	}
	ret = run(conf, n - skip, words + skip);
	free(copy);
	return ret;
}
