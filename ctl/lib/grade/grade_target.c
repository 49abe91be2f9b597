// SPDX-License-Identifier: GPL-2.0
/*
 * What the destination runs: the policy's assets against the rule's
 * metadata (ET Open's affected_product and attack_target). A rule value
 * maps to the operating systems it can hit, the server role it needs, or
 * a product name; values this file does not know (Any, Web_Browsers,
 * Client_Endpoint, ...) say nothing, so the host stays vulnerable.
 * Documentation/policy.rst ("grading") lists the mappings.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "grade_int.h"

/* Operating systems as bits, in policy.c's os_names order. */
enum {
	OS_LINUX = 1 << 0, OS_WINDOWS = 1 << 1, OS_MACOS = 1 << 2,
	OS_BSD = 1 << 3, OS_UNIX = 1 << 4, OS_IOS = 1 << 5,
	OS_ANDROID = 1 << 6, OS_NETDEV = 1 << 7, OS_EMBEDDED = 1 << 8,
	OS_OTHER = 1 << 9,
};

static const char *const os_names[] = {
	"linux", "windows", "macos", "bsd", "unix", "ios", "android",
	"network-device", "embedded", "other", NULL };

static unsigned int os_bit(const char *os)
{
	unsigned int i;

	for (i = 0; os && os_names[i]; i++)
		if (!strcmp(os, os_names[i]))
			return 1u << i;
	return 0;
}

/* A value naming a platform: by prefix, case-insensitive. */
struct platform {
	const char *prefix;
	unsigned int os;
};

#define DEVICE	(OS_NETDEV | OS_EMBEDDED)
#define LINUXES	(OS_LINUX | OS_ANDROID | DEVICE)

static const struct platform platforms[] = {
	/* affected_product */
	{ "Windows", OS_WINDOWS },
	{ "Microsoft_Exchange", OS_WINDOWS },
	{ "Microsoft_IIS", OS_WINDOWS },
	{ "Microsoft_SharePoint", OS_WINDOWS },
	{ "Internet_Explorer", OS_WINDOWS },
	{ "SMBv", OS_WINDOWS },
	{ "MS_Office", OS_WINDOWS | OS_MACOS },
	{ "Linux", LINUXES },
	{ "Android", OS_ANDROID },
	{ "iOS", OS_IOS },
	{ "Mac_OSX", OS_MACOS },
	{ "macOS", OS_MACOS },
	{ "Router", DEVICE },
	{ "Netgear", DEVICE },
	{ "TPLINK", DEVICE },
	{ "D-Link", DEVICE },
	{ "DLink", DEVICE },
	{ "Fortigate", DEVICE },
	{ "Fortinet", DEVICE },
	{ "Cisco", DEVICE },
	{ "JunOS", DEVICE },
	{ "F5", DEVICE },
	{ "Pulse_Secure", DEVICE },
	{ "Eir_D1000_Modem", DEVICE },
	{ "DVR", OS_EMBEDDED },
	{ "IoT", DEVICE },
	{ "Siemens_S7", OS_EMBEDDED },
	{ "Schweitzer_Engineering", OS_EMBEDDED },
	{ "Allen_Bradley", OS_EMBEDDED },
	/* attack_target */
	{ "Networking_Equipment", DEVICE },
	{ "ICS", OS_EMBEDDED },
	{ "Mobile_Client", OS_IOS | OS_ANDROID },
	{ "Linux_Unix", LINUXES | OS_BSD | OS_UNIX | OS_MACOS },
};

/* attack_target values that need a server the host lists. */
struct role {
	const char *name;
	uint16_t ports[6];	/* TCP or UDP, 0 ends */
	const char *words;	/* product words, '|' separated */
};

static const struct role roles[] = {
	{ "Web_Server", { 80, 443, 8080, 8443, 8000, 8888 },
	  "http|apache|nginx|iis|tomcat|lighttpd|caddy|web|jetty|jboss" },
	{ "SMTP_Server", { 25, 465, 587 }, "smtp|postfix|exim|sendmail|exchange" },
	{ "DNS_Server", { 53 }, "dns|bind|unbound|dnsmasq|powerdns" },
	{ "FTP_Server", { 21 }, "ftp" },
	{ "SQL_Server", { 1433, 3306, 5432, 1521 },
	  "sql|mysql|mariadb|postgres|oracle" },
	{ "SMB_Server", { 139, 445 }, "smb|samba|windows" },
};

/* affected_product values naming one server product (a word in its name). */
struct product {
	const char *name, *word;
};

static const struct product products[] = {
	{ "Apache_Struts2", "struts" },
	{ "Apache_Tomcat", "tomcat" },
	{ "Apache_Solr", "solr" },
	{ "Atlassian_Confluence", "confluence" },
	{ "Atlassian_Jira", "jira" },
	{ "Drupal_Server", "drupal" },
	{ "Joomla", "joomla" },
	{ "Magento", "magento" },
	{ "Wordpress", "wordpress" },
	{ "Wordpress_Plugins", "wordpress" },
	{ "Redis", "redis" },
	{ "JetBrains_TeamCity", "teamcity" },
	{ "Adobe_Coldfusion", "coldfusion" },
};

static bool iprefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* Whether @word occurs in @s, case-insensitive. */
static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; s && *s; s++)
		if (!strncasecmp(s, word, n))
			return true;
	return false;
}

static bool any_word(const char *s, const char *words)
{
	char w[32];

	while (*words) {
		size_t n = strcspn(words, "|");

		snprintf(w, sizeof(w), "%.*s", (int)n, words);
		if (has_word(s, w))
			return true;
		words += n + (words[n] == '|');
	}
	return false;
}

static const struct platform *platform_of(const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (iprefix(v, platforms[i].prefix))
			return &platforms[i];
	return NULL;
}

static bool runs_role(const struct nfips_asset *h, const struct role *r)
{
	size_t i, k;

	for (i = 0; i < h->nservices; i++) {
		const struct nfips_service *s = &h->services[i];

		for (k = 0; k < 6 && r->ports[k]; k++)
			if (s->port == r->ports[k])
				return true;
		if (s->product && any_word(s->product, r->words))
			return true;
	}
	return false;
}

static bool runs_product(const struct nfips_asset *h, const char *word)
{
	size_t i;

	for (i = 0; i < h->nservices; i++)
		if (h->services[i].product && has_word(h->services[i].product, word))
			return true;
	return false;
}

static bool has_products(const struct nfips_asset *h)
{
	size_t i;

	for (i = 0; i < h->nservices; i++)
		if (h->services[i].product)
			return true;
	return false;
}

/*
 * One value against the host: 1 the host runs it, 0 it does not, -1 the
 * value or the host says nothing.
 */
static int judge(const char *key, const char *v, const struct nfips_asset *h)
{
	const struct platform *pf = platform_of(v);
	unsigned int os = os_bit(h->os);
	size_t i;

	if (pf) {
		if (!os || os == OS_OTHER)
			return -1;
		return !!(pf->os & os);
	}
	if (!strcmp(key, "attack_target")) {
		for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
			if (!strcasecmp(v, roles[i].name))
				return h->nservices ? runs_role(h, &roles[i]) : -1;
		return -1;
	}
	for (i = 0; i < sizeof(products) / sizeof(products[0]); i++)
		if (!strcasecmp(v, products[i].name))
			return has_products(h) ? runs_product(h, products[i].word) : -1;
	return -1;
}

/*
 * A key (affected_product or attack_target) rules the host out when
 * every one of its values does (one value the host may run, or one that
 * says nothing, keeps it vulnerable).
 */
static bool key_rules_out(const struct nfips_rule *r, const char *key,
			  const struct nfips_asset *h, const char **first)
{
	bool seen = false;
	uint32_t i;

	for (i = 0; i < r->nmetadata; i++) {
		if (strcmp(r->metadata[i].key, key))
			continue;
		if (judge(key, r->metadata[i].value, h) != 0)
			return false;
		if (!seen)
			*first = r->metadata[i].value;
		seen = true;
	}
	return seen;
}

bool grade_not_run(const struct nfips_rule *r, const struct nfips_asset *h,
		   char *why, size_t len)
{
	static const char *const keys[] = { "affected_product", "attack_target" };
	const char *v = NULL;
	size_t k;

	if (!h || h->network)
		return false;
	for (k = 0; k < 2; k++) {
		if (!key_rules_out(r, keys[k], h, &v))
			continue;
		if (platform_of(v))
			snprintf(why, len, "runs %s, not %s %s", h->os, keys[k], v);
		else
			snprintf(why, len, "has no %s %s", keys[k], v);
		return true;
	}
	return false;
}

/* ---- the assets of an address -------------------------------------- */

static bool in_prefix(const struct nfips_asset *a, const uint8_t *addr)
{
	unsigned int full = a->prefix / 8, rest = a->prefix % 8;

	if (memcmp(a->addr, addr, full))
		return false;
	return !rest || !((a->addr[full] ^ addr[full]) & (0xff00 >> rest));
}

void grade_assets_find(const struct nfips_policy *p, uint8_t family,
		       const uint8_t *addr, struct grade_assets *out)
{
	const int af = family == 6 ? AF_INET6 : AF_INET;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; p && i < p->nassets; i++) {
		const struct nfips_asset *a = &p->assets[i];

		if (a->family != af || !in_prefix(a, addr))
			continue;
		if (!a->network)
			out->host = a;
		else if (!out->net || a->prefix > out->net->prefix)
			out->net = a;
	}
}

bool nfips_grade_unaffected(const struct nfips_policy *p, const struct nfips_rule *r,
			    uint8_t family, const uint8_t *addr, const char **host,
			    char *why, size_t len)
{
	struct grade_assets a;

	grade_assets_find(p, family, addr, &a);
	if (host)
		*host = a.host ? (a.host->name ? a.host->name : a.host->address) : NULL;
	return grade_not_run(r, a.host, why, len);
}
