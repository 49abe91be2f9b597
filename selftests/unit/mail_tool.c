// SPDX-License-Identifier: GPL-2.0
/*
 * The mail tests' driver, made of nfipsd's own parts (not a test by
 * itself; mail_smtp.sh uses it):
 *
 *   mail_tool report DB KIND PERIOD TZ REPORTS FROM CONTACT...
 *       the report of KIND (daily, monthly) for PERIOD from the store DB,
 *       mailed as nfipsd mails it (lib/notify/report_mail.c) when REPORTS
 *       (notify.reports: none, daily, monthly, both) asks: queued in DB's
 *       mail queue; CONTACT is NAME,EMAIL,LANG; prints how many
 *   mail_tool send CONF DB SECONDS
 *       nfipsd's mail sender with CONF's mail group (nfipsd.conf, read by
 *       nfipsd's parser) over DB's queue, until nothing is pending or
 *       SECONDS passed; exit 0 when nothing is pending
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "policy/policy.h"

void nfipsd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	fprintf(stderr, "mail_tool: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static struct nfips_store *open_store(const char *path, bool ro)
{
	struct nfips_store_opts o = { .path = path, .readonly = ro, .no_tracker = true,
				      .trusted = !ro };
	char err[1024];
	struct nfips_store *s = nfips_store_open(&o, err, sizeof(err), NULL);

	if (!s)
		fprintf(stderr, "mail_tool: %s\n", err);
	return s;
}

static int report(int argc, char **argv)
{
	static const char *const modes[] = { "none", "daily", "monthly", "both" };
	struct nfips_notify_policy np = { .ncontacts = 0 };
	struct nfips_report_opts o = { .sensor = "gw-test", .customer = "Test K.K." };
	struct nfips_report_mail_cfg mc = { .from = argv[6], .now = now_usec() };
	struct nfips_store *ro, *rw;
	char err[1024];
	int i, n = -1;

	o.kind = strcmp(argv[2], "monthly") ? NFIPS_REPORT_DAILY : NFIPS_REPORT_MONTHLY;
	if (nfips_report_parse_period(&o, argv[3])) {
		fprintf(stderr, "mail_tool: bad period %s\n", argv[3]);
		return 2;
	}
	o.tz = argv[4];
	for (i = 0; i < 4; i++)
		if (!strcmp(argv[5], modes[i]))
			np.reports = (unsigned)i;
	snprintf(np.sensor, sizeof(np.sensor), "gw-test");
	for (i = 7; i < argc && np.ncontacts < 3; i++) {
		struct nfips_notify_contact *c = &np.contacts[np.ncontacts++];

		if (sscanf(argv[i], "%128[^,],%254[^,],%3s", c->name, c->email, c->lang) != 3) {
			fprintf(stderr, "mail_tool: contact %s is not NAME,EMAIL,LANG\n", argv[i]);
			return 2;
		}
	}
	if (setenv("TZ", o.tz, 1))
		return 1;
	tzset();
	ro = open_store(argv[1], true);
	rw = ro ? open_store(argv[1], false) : NULL;
	if (rw)
		n = nfips_report_mail(ro, rw, &np, &o, &mc, err, sizeof(err));
	if (rw && n < 0)
		fprintf(stderr, "mail_tool: %s\n", err);
	nfips_store_close(rw);
	nfips_store_close(ro);
	if (n < 0)
		return 1;
	printf("%d\n", n);
	return 0;
}

static void log_line(void *arg, int prio, const char *msg)
{
	(void)arg;
	fprintf(stderr, "mail_tool: [%d] %s\n", prio, msg);
}

static bool no_policy(void *arg, struct nfips_notify_policy *p)
{
	(void)arg;
	(void)p;
	return false;	/* only what is queued is sent: nothing scanned */
}

static int send_mails(const char *conf, const char *db, int seconds)
{
	struct nfipsd_conf c;
	struct nfips_notifier_cfg nc = { .store_path = db, .policy = no_policy, .log = log_line };
	struct nfips_mail_summary sum = { .pending = 1 };
	struct nfips_notifier *n;
	struct nfips_store *s;
	char err[1024];
	int64_t end = now_usec() + (int64_t)seconds * 1000000;

	if (nfipsd_conf_load(&c, conf, err, sizeof(err))) {
		fprintf(stderr, "mail_tool: %s\n", err);
		return 2;
	}
	nc.smtp = (struct nfips_smtp_cfg){
		.url = c.mail.url, .tls = c.mail.tls, .ca = c.mail.ca, .user = c.mail.user,
		.password = c.mail.password, .from = c.mail.from, .timeout = c.mail.timeout,
	};
	nc.templates = c.mail.templates;
	nc.retry_min_ms = c.mail.retry_min;
	nc.retry_max_ms = c.mail.retry_max;
	if (nfips_smtp_global_init() || !(s = open_store(db, true))) {
		nfipsd_conf_free(&c);
		return 1;
	}
	n = nfips_notifier_start(&nc, err, sizeof(err));
	if (!n) {
		fprintf(stderr, "mail_tool: %s\n", err);
		nfips_store_close(s);
		nfipsd_conf_free(&c);
		return 1;
	}
	while (now_usec() < end) {
		usleep(100000);
		if (!nfips_mail_summary(s, &sum, err, sizeof(err)) && !sum.pending)
			break;
	}
	nfips_notifier_stop(n);
	nfips_store_close(s);
	nfipsd_conf_free(&c);
	return sum.pending ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 9 && !strcmp(argv[1], "report"))
		return report(argc - 1, argv + 1);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_mails(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: mail_tool report DB KIND PERIOD TZ REPORTS FROM CONTACT...\n"
		"       mail_tool send CONF DB SECONDS\n");
	return 2;
}
