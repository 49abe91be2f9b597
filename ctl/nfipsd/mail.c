// SPDX-License-Identifier: GPL-2.0
/*
 * Mail to the customer's contacts (Documentation/notify.rst): nfipsd's
 * side of lib/notify. The notifier's threads use connections of their
 * own to the store; the store's writer only wakes them after a commit
 * (nfipsd_mail_kick, a signal under a mutex held for that alone), and
 * deliver.c hands them its health records the same way. The policy is
 * copied under the policy lock at each look, so a reload changes the
 * contacts, the time zone and the grades mailed from the next look on.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "nfipsd.h"

/* The templates: configured, installed, or beside the program (a build tree). */
static const char *templates_dir(const struct nfipsd_conf *c, char *buf, size_t len)
{
	char exe[4096], *slash;
	ssize_t n;

	if (c->mail.templates)
		return c->mail.templates;
	if (!access(NFIPS_NOTIFY_TEMPLATES "/en.txt", R_OK))
		return NFIPS_NOTIFY_TEMPLATES;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/../notify", exe);
			if (!access(buf, R_OK))
				return buf;
		}
	}
	return NFIPS_NOTIFY_TEMPLATES;
}

int nfipsd_mail_check(const struct nfipsd_conf *c, char *err, size_t errlen)
{
	static const char *const langs[] = { "en", "ja" };
	char buf[4200];
	const char *dir;
	size_t i;

	if (!c->mail.url)
		return 0;
	dir = templates_dir(c, buf, sizeof(buf));
	for (i = 0; i < 2; i++) {
		struct nfips_templates *t = nfips_templates_load(dir, langs[i], err, errlen);

		if (!t)
			return -1;
		nfips_templates_free(t);
	}
	return 0;
}

static bool policy_now(void *arg, struct nfips_notify_policy *p)
{
	struct nfipsd *d = arg;
	bool ok = false;

	pthread_rwlock_rdlock(&d->pol_lock);
	if (d->policy && d->policy->file) {
		nfips_notify_policy_from(p, d->policy->file, d->sensor);
		ok = true;
	}
	pthread_rwlock_unlock(&d->pol_lock);
	return ok;
}

static void log_line(void *arg, int prio, const char *msg)
{
	(void)arg;
	nfipsd_log(prio <= LOG_ERR ? NFIPSD_ERR : prio == LOG_WARNING ? NFIPSD_WARNING :
		   prio == LOG_NOTICE ? NFIPSD_NOTICE : NFIPSD_INFO, "%s", msg);
}

int nfipsd_mail_start(struct nfipsd *d)
{
	const struct nfipsd_mail_conf *m = &d->conf.mail;
	struct nfips_notifier_cfg c = {
		.store_path = d->conf.store_path,
		.smtp = {
			.url = m->url,
			.tls = m->tls,
			.ca = m->ca,
			.user = m->user,
			.password = m->password,
			.from = m->from,
			.timeout = m->timeout,
		},
		.from_name = m->from_name,
		.retry_min_ms = m->retry_min,
		.retry_max_ms = m->retry_max,
		.policy = policy_now,
		.log = log_line,
		.arg = d,
	};
	struct nfips_notifier *n;
	char err[1024], buf[4200];

	if (!m->url)
		return 0;
	if (!d->store) {
		nfipsd_log(NFIPSD_ERR, "mail: no alert store: the contacts get no mail "
			   "(mail goes through the store's queue)");
		return 0;
	}
	if (!d->policy->file)
		nfipsd_log(NFIPSD_WARNING, "mail: nfipsd.conf names no customer policy: no "
			   "contacts to mail");
	if (nfips_smtp_global_init()) {
		nfipsd_log(NFIPSD_ERR, "mail: libcurl cannot start");
		return -1;
	}
	c.templates = templates_dir(&d->conf, buf, sizeof(buf));
	n = nfips_notifier_start(&c, err, sizeof(err));
	if (!n) {
		nfipsd_log(NFIPSD_ERR, "mail: %s", err);
		return -1;
	}
	atomic_store(&d->notifier, n);
	nfipsd_log(NFIPSD_NOTICE, "mail: %s, from %s, TLS %s, templates %s", m->url, m->from,
		   m->tls == NFIPS_SMTP_TLS_REQUIRED ? "required" :
		   m->tls == NFIPS_SMTP_TLS_OPPORTUNISTIC ? "opportunistic" : "off", c.templates);
	return 0;
}

void nfipsd_mail_kick(struct nfipsd *d)
{
	nfips_notifier_kick(atomic_load(&d->notifier));
}

void nfipsd_mail_health(struct nfipsd *d, const struct nfips_notify_health *h)
{
	nfips_notifier_health(atomic_load(&d->notifier), h);
}

void nfipsd_mail_stop(struct nfipsd *d)
{
	struct nfips_notifier *n = atomic_exchange(&d->notifier, NULL);

	nfips_notifier_stop(n);
}
