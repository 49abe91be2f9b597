// SPDX-License-Identifier: GPL-2.0
/*
 * RELP through librelp. librelp keeps the frames the collector has not
 * answered and blocks a send while a window of them is outstanding, but
 * says nothing of which frame was answered. What it does guarantee is
 * what the cursor needs:
 *
 *  - relpCltSendSyslog() sends frame k only once fewer than WINDOW
 *    frames are unanswered, and rsyslog's imrelp answers a session's
 *    frames in order: when it returns, frames 1..k-WINDOW are answered.
 *  - the clean close (relpEngineCltDestruct) waits for the answer to
 *    "close", which comes after the answers to every earlier frame;
 *    librelp reports any failure of it through the session's onErr.
 *
 * So while records flow the cursor trails the sent ones by the window,
 * and when the spool has nothing more (confirm) the session is closed
 * cleanly, which acknowledges everything, and opened again. librelp's
 * own resending after a reconnect is not used (no auto-retry): after a
 * failure the sender starts from its cursor on a fresh session.
 *
 * With a CA configured the session is RELP over TLS (librelp's TLS,
 * imrelp tls="on"): server certificate verified, its name checked
 * against server_name (librelp's "name" auth mode).
 */
#include <stddef.h>
#include <librelp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "deliver_int.h"

struct nfips_transport_conn {
	const struct nfips_collector_cfg *cfg;
	relpEngine_t *engine;
	relpClt_t *clt;
	uint64_t sent, acked;
	char err[256];		/* librelp's last onErr for this session */
	bool failed;
};

static void on_err(void *usr, char *objinfo, char *errmsg, relpRetVal code)
{
	struct nfips_transport_conn *c = usr;

	if (!c || c->failed)
		return;		/* the first error is the cause */
	c->failed = true;
	snprintf(c->err, sizeof(c->err), "%s: %s (librelp %d)", objinfo ? objinfo : "relp",
		 errmsg ? errmsg : "error", code);
}

static void on_auth_err(void *usr, char *authinfo, char *errmsg, relpRetVal code)
{
	struct nfips_transport_conn *c = usr;

	if (!c || c->failed)
		return;
	c->failed = true;
	snprintf(c->err, sizeof(c->err), "TLS peer %s refused: %s (librelp %d)",
		 authinfo ? authinfo : "?", errmsg ? errmsg : "authentication failed", code);
}

/* librelp calls its debug hook unconditionally: it must be set. */
static void no_debug(char *fmt, ...)
{
	(void)fmt;
}

static void set_err(struct nfips_transport_conn *c, char *err, size_t errlen,
		    const char *what, relpRetVal r)
{
	if (c->failed)
		snprintf(err, errlen, "%s: %s", what, c->err);
	else
		snprintf(err, errlen, "%s: librelp error %d", what, r);
}

static void drop_client(struct nfips_transport_conn *c)
{
	if (c->clt)
		relpEngineCltDestruct(c->engine, &c->clt);
	c->clt = NULL;
}

static int connect_client(struct nfips_transport_conn *c, char *err, size_t errlen)
{
	const struct nfips_collector_cfg *cfg = c->cfg;
	char port[8];
	relpRetVal r;

	c->failed = false;
	c->err[0] = '\0';
	r = relpEngineCltConstruct(c->engine, &c->clt);
	if (r != RELP_RET_OK) {
		c->clt = NULL;
		snprintf(err, errlen, "librelp: cannot create a client (%d)", r);
		return -1;
	}
	relpCltSetUsrPtr(c->clt, c);
	relpCltSetTimeout(c->clt, cfg->timeout);
	relpCltSetConnTimeout(c->clt, (int)cfg->timeout);
	relpCltSetWindowSize(c->clt, (int)cfg->window);
	if (cfg->ca) {
		if (relpCltEnableTLS(c->clt) != RELP_RET_OK ||
		    relpCltSetCACert(c->clt, cfg->ca) != RELP_RET_OK ||
		    (cfg->cert && relpCltSetOwnCert(c->clt, cfg->cert) != RELP_RET_OK) ||
		    (cfg->key && relpCltSetPrivKey(c->clt, cfg->key) != RELP_RET_OK) ||
		    relpCltSetAuthMode(c->clt, (char *)"name") != RELP_RET_OK ||
		    relpCltAddPermittedPeer(c->clt, cfg->server_name ? cfg->server_name :
					    cfg->host) != RELP_RET_OK) {
			snprintf(err, errlen, "librelp: TLS settings refused");
			drop_client(c);
			return -1;
		}
	}
	snprintf(port, sizeof(port), "%u", cfg->port);
	r = relpCltConnect(c->clt, AF_UNSPEC, (unsigned char *)port,
			   (unsigned char *)cfg->host);
	if (r != RELP_RET_OK) {
		set_err(c, err, errlen, "connect", r);
		drop_client(c);
		return -1;
	}
	return 0;
}

static int relp_open(const struct nfips_collector_cfg *cfg,
		     struct nfips_transport_conn **out, char *err, size_t errlen)
{
	struct nfips_transport_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->cfg = cfg;
	if (relpEngineConstruct(&c->engine) != RELP_RET_OK) {
		free(c);
		snprintf(err, errlen, "librelp: cannot create an engine");
		return -1;
	}
	relpEngineSetDbgprint(c->engine, no_debug);
	relpEngineSetOnErr(c->engine, on_err);
	relpEngineSetOnAuthErr(c->engine, on_auth_err);
	relpEngineSetEnableCmd(c->engine, (unsigned char *)"syslog", eRelpCmdState_Required);
	if (connect_client(c, err, errlen)) {
		relpEngineDestruct(&c->engine);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static int relp_send(struct nfips_transport_conn *c, const char *msg, size_t len,
		     char *err, size_t errlen)
{
	relpRetVal r;

	if (!c->clt) {
		snprintf(err, errlen, "not connected");
		return -1;
	}
	r = relpCltSendSyslog(c->clt, (unsigned char *)msg, len);
	if (r != RELP_RET_OK || c->failed) {
		set_err(c, err, errlen, "send", r);
		return -1;
	}
	c->sent++;
	if (c->sent > c->cfg->window && c->sent - c->cfg->window > c->acked)
		c->acked = c->sent - c->cfg->window;
	return 0;
}

/*
 * librelp's burst hint (TCP_CORK, as rsyslog's omrelp uses it around a
 * batch): the frames go out in full segments instead of one each, which
 * spares both sides a wakeup and a segment per frame. The cork is only
 * lifted at the batch's end (or by the kernel after 200 ms): with a
 * window whose frames may all fit in one unsent segment (loopback's
 * 64 KiB), librelp would wait for answers to frames still held, so the
 * hint is only given with a window of CORK_WINDOW frames or more.
 */
#define CORK_WINDOW 512

static void relp_burst(struct nfips_transport_conn *c, bool on)
{
	if (!c->clt || c->cfg->window < CORK_WINDOW)
		return;
	if (on)
		relpCltHintBurstBegin(c->clt);
	else
		relpCltHintBurstEnd(c->clt);
}

static uint64_t relp_acked(struct nfips_transport_conn *c)
{
	return c->acked;
}

static int relp_confirm(struct nfips_transport_conn *c, char *err, size_t errlen)
{
	if (!c->clt) {
		snprintf(err, errlen, "not connected");
		return -1;
	}
	if (c->acked == c->sent)
		return 0;
	drop_client(c);		/* close: waits for the collector's answer */
	if (c->failed) {
		snprintf(err, errlen, "close: %s", c->err);
		return -1;
	}
	c->acked = c->sent;
	return connect_client(c, err, errlen) ? 1 : 0;
}

static void relp_close(struct nfips_transport_conn *c)
{
	if (!c)
		return;
	drop_client(c);
	relpEngineDestruct(&c->engine);
	free(c);
}

const struct nfips_transport_ops nfips_transport_relp_ops = {
	.open = relp_open,
	.send = relp_send,
	.burst = relp_burst,
	.acked = relp_acked,
	.confirm = relp_confirm,
	.close = relp_close,
};
