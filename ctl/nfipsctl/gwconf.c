// SPDX-License-Identifier: GPL-2.0
/*
 * Where a gateway keeps what push and fleet status look at: read from
 * nfipsd.conf as nfipsd reads it (relative paths: to the configuration's
 * directory), so nfipsctl and the daemon never disagree about the policy
 * file, the state file or the pid file.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsctl.h"
#include "util/util.h"

#define NFIPSD_CONF	"/etc/nfips/nfipsd.conf"

static char *resolve(const char *conf, const char *p)
{
	const char *slash = strrchr(conf, '/');
	char *out;

	if (p[0] == '/' || !slash)
		return strdup(p);
	if (asprintf(&out, "%.*s/%s", (int)(slash - conf), conf, p) < 0)
		return NULL;
	return out;
}

static int path_of(config_t *cf, const char *conf, const char *key, const char *def,
		   char **out)
{
	const char *p = NULL;

	if (!config_lookup_string(cf, key, &p))
		p = def;
	*out = p ? resolve(conf, p) : NULL;
	return p && !*out ? -1 : 0;
}

int ctl_gw_load(struct ctl_gw *g, const char *conf)
{
	config_t cf;
	int iv = 10, ret = -1;

	memset(g, 0, sizeof(*g));
	if (!conf)
		conf = getenv("NFIPSD_CONF") ? getenv("NFIPSD_CONF") : NFIPSD_CONF;
	config_init(&cf);
	if (!config_read_file(&cf, conf)) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			fprintf(stderr, "nfipsctl: %s: cannot read: %s\n", conf, strerror(errno));
		else
			fprintf(stderr, "nfipsctl: %s:%d: %s\n", conf, config_error_line(&cf),
				config_error_text(&cf));
		goto out;
	}
	g->conf = strdup(conf);
	if (!g->conf || path_of(&cf, conf, "policy", NULL, &g->policy) ||
	    path_of(&cf, conf, "state.path", "/var/lib/nfips/nfipsd.state", &g->state) ||
	    path_of(&cf, conf, "state.pidfile", "/run/nfipsd.pid", &g->pidfile) ||
	    path_of(&cf, conf, "log.eve", "/var/log/nfips/eve.json", &g->eve))
		goto oom;
	if (config_lookup_int(&cf, "state.interval", &iv) && iv > 0)
		g->interval = (unsigned)iv;
	else
		g->interval = 10;
	if (path_of(&cf, conf, "deliver.dir", NULL, &g->deliver_dir))
		goto oom;
	if (!g->deliver_dir) {	/* beside the state file, as nfipsd */
		const char *slash = strrchr(g->state, '/');

		if (asprintf(&g->deliver_dir, "%.*s/deliver", slash ? (int)(slash - g->state) : 1,
			     slash ? g->state : ".") < 0) {
			g->deliver_dir = NULL;
			goto oom;
		}
	}
	if (!g->policy) {
		fprintf(stderr, "nfipsctl: %s: no 'policy': push and fleet status need the "
			"customer policy file nfipsd runs\n", conf);
		goto out;
	}
	ret = 0;
	goto out;
oom:
	fprintf(stderr, "nfipsctl: out of memory\n");
out:
	config_destroy(&cf);
	if (ret)
		ctl_gw_free(g);
	return ret;
}

void ctl_gw_free(struct ctl_gw *g)
{
	free(g->conf);
	free(g->policy);
	free(g->state);
	free(g->pidfile);
	free(g->eve);
	free(g->deliver_dir);
	memset(g, 0, sizeof(*g));
}

char *ctl_read_file(const char *path, size_t *len)
{
	struct nfips_sbuf b = { 0 };
	FILE *f = fopen(path, "re");
	char tmp[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		nfips_sbuf_add(&b, tmp, n);
	if (ferror(f) || b.oom) {
		fclose(f);
		nfips_sbuf_free(&b);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	nfips_sbuf_add(&b, "", 1);
	*len = b.len - 1;
	return b.s;
}
