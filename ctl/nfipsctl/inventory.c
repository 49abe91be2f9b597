// SPDX-License-Identifier: GPL-2.0
/*
 * The inventory push and fleet status read: one gateway per line,
 *
 *   # comment
 *   defaults user=nfips nfipsctl="sudo -n nfipsctl"
 *   gw-tokyo-1  host=198.51.100.7  port=22  HOME_NET=[10.1.0.0/16]
 *   gw-osaka-1  HOME_NET="[10.2.0.0/16,192.168.2.0/24]"
 *
 * a name (letters, digits, "._-"), then KEY=VALUE words: host (the ssh
 * destination, default the name), port, user, nfipsctl (the program on
 * the gateway, default "nfipsctl") and policy variables (upper-case
 * names: HOME_NET ...), which replace the policy's value of that variable
 * for that gateway. A value with spaces is in double quotes. "defaults"
 * sets keys for the lines after it. Every error is FILE:LINE: what.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsctl.h"

static bool ident_ok(const char *s, bool upper)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || (!upper && (*s == '.' || *s == '-'))) ||
		    (upper && islower((unsigned char)*s)))
			return false;
	return true;
}

static int set(struct ctl_host *h, const char *key, const char *val, char *why, size_t wlen)
{
	char **slot = NULL;
	size_t i;

	if (!strcmp(key, "host"))
		slot = &h->dest;
	else if (!strcmp(key, "user"))
		slot = &h->user;
	else if (!strcmp(key, "nfipsctl"))
		slot = &h->remote;
	else if (!strcmp(key, "port")) {
		char *end;
		long p = strtol(val, &end, 10);

		if (*end || p < 1 || p > 65535) {
			snprintf(why, wlen, "port '%s': not a port number (1-65535)", val);
			return -1;
		}
		h->port = (int)p;
		return 0;
	} else if (ident_ok(key, true) && isupper((unsigned char)key[0])) {
		for (i = 0; i < h->nvars; i++)
			if (!strcmp(h->vars[i].name, key))
				break;
		if (i == h->nvars) {
			if (h->nvars == CTL_HOST_MAX_VARS) {
				snprintf(why, wlen, "more than %d variables", CTL_HOST_MAX_VARS);
				return -1;
			}
			h->vars[h->nvars++].name = strdup(key);
		}
		slot = &h->vars[i].value;
	} else {
		snprintf(why, wlen, "unknown key '%s' (host, port, user, nfipsctl, or an "
			 "upper-case policy variable such as HOME_NET)", key);
		return -1;
	}
	free(*slot);
	*slot = strdup(val);
	return 0;
}

/* The next word of @p (quotes removed) into @out; NULL at the end. */
static char *word(char *p, char *out, size_t len, bool *bad)
{
	size_t n = 0;
	bool q = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return NULL;
	for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			q = !q;
			continue;
		}
		if (n + 1 < len)
			out[n++] = *p;
	}
	out[n] = '\0';
	*bad = q;
	return p;
}

static void host_copy(struct ctl_host *to, const struct ctl_host *from)
{
	size_t i;

	memset(to, 0, sizeof(*to));
	to->dest = from->dest ? strdup(from->dest) : NULL;
	to->user = from->user ? strdup(from->user) : NULL;
	to->remote = from->remote ? strdup(from->remote) : NULL;
	to->port = from->port;
	for (i = 0; i < from->nvars; i++) {
		to->vars[i].name = strdup(from->vars[i].name);
		to->vars[i].value = strdup(from->vars[i].value);
	}
	to->nvars = from->nvars;
}

int ctl_inventory_load(const char *path, struct ctl_host **out, size_t *n)
{
	struct ctl_host defs = { 0 }, *v = NULL;
	char line[4096], w[1024], why[512];
	FILE *f = fopen(path, "re");
	unsigned lineno = 0;
	size_t cap = 0, i;
	int errors = 0;

	*out = NULL;
	*n = 0;
	if (!f) {
		fprintf(stderr, "nfipsctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct ctl_host *h;
		bool bad = false, is_defs;
		char *p = line;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "%s:%u: line longer than %zu bytes\n", path, lineno,
				sizeof(line) - 1);
			errors++;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		p = word(p, w, sizeof(w), &bad);
		if (!p)
			continue;
		is_defs = !strcmp(w, "defaults");
		if (!is_defs && !ident_ok(w, false)) {
			fprintf(stderr, "%s:%u: '%s': a gateway name is letters, digits, '.', "
				"'_', '-'\n", path, lineno, w);
			errors++;
			continue;
		}
		for (i = 0; !is_defs && i < *n; i++)
			if (!strcmp(v[i].name, w)) {
				fprintf(stderr, "%s:%u: gateway '%s' already listed on line %u\n",
					path, lineno, w, v[i].line);
				errors++;
				break;
			}
		if (!is_defs && i < *n)
			continue;
		if (is_defs) {
			h = &defs;
		} else {
			if (*n == cap) {
				struct ctl_host *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

				if (!nv)
					break;
				v = nv;
			}
			h = &v[(*n)++];
			host_copy(h, &defs);
			h->name = strdup(w);
			h->line = lineno;
		}
		while ((p = word(p, w, sizeof(w), &bad))) {
			char *eq = strchr(w, '=');

			if (bad) {
				fprintf(stderr, "%s:%u: unbalanced '\"'\n", path, lineno);
				errors++;
				break;
			}
			if (!eq || eq == w) {
				fprintf(stderr, "%s:%u: '%s': KEY=VALUE expected\n", path, lineno, w);
				errors++;
				continue;
			}
			*eq = '\0';
			if (set(h, w, eq + 1, why, sizeof(why))) {
				fprintf(stderr, "%s:%u: %s\n", path, lineno, why);
				errors++;
			}
		}
	}
	fclose(f);
	ctl_hosts_free(&defs, 1, false);
	if (!errors && !*n) {
		fprintf(stderr, "%s: no gateway listed\n", path);
		errors++;
	}
	if (errors) {
		ctl_hosts_free(v, *n, true);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

void ctl_hosts_free(struct ctl_host *v, size_t n, bool array)
{
	size_t i, k;

	for (i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].dest);
		free(v[i].user);
		free(v[i].remote);
		for (k = 0; k < v[i].nvars; k++) {
			free(v[i].vars[k].name);
			free(v[i].vars[k].value);
		}
	}
	if (array)
		free(v);
}
