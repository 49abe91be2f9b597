// SPDX-License-Identifier: GPL-2.0
/*
 * One reverse lookup through the system's resolver (nsswitch: /etc/hosts,
 * DNS as resolv.conf says), as any tool on the gateway would see it.
 *
 * Forward confirmation: a PTR record is written by whoever holds the
 * address's reverse zone, the attacker included, and can claim any name
 * ("mail.customer.example"). A SOC reads a name as evidence only when it
 * resolves back to the address (FCrDNS, as mail servers check), so the
 * name is looked up forward and one that does not lead back is kept but
 * marked unconfirmed. A name that is itself an address is never
 * confirmed.
 *
 * The timeout: glibc's per-thread resolver state (_res) takes the query
 * timeout and the number of attempts; they are set before each lookup.
 * res_init() runs once per thread only: calling it again makes glibc's
 * next lookup reload resolv.conf over the values set (its defaults, 5 s
 * and 2 attempts, were seen on every other lookup); glibc still reloads a
 * changed resolv.conf by itself. A server that never answers costs
 * @timeout per query and server, and there are two queries (PTR, then A
 * or AAAA).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "rdns.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool nfips_rdns_wanted(const uint8_t a[16])
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };

	if (!memcmp(a, v4mapped, 12)) {
		const uint8_t *v4 = a + 12;

		return !(v4[0] == 0 || v4[0] == 127 || v4[0] >= 224);
	}
	return memcmp(a, zero, 16) && memcmp(a, loop6, 16) && a[0] != 0xff;
}

/* Only a host name's characters; anything else is not a name we show. */
static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Does @name resolve (in @family) to @a? */
static bool confirms(const char *name, int family, const uint8_t *a)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *i;
	bool ok = false;

	/* "10.0.0.1" as a PTR name is an address, not a name */
	hints.ai_flags = AI_NUMERICHOST;
	if (!getaddrinfo(name, NULL, &hints, &res)) {
		freeaddrinfo(res);
		return false;
	}
	hints.ai_flags = 0;
	if (getaddrinfo(name, NULL, &hints, &res))
		return false;
	for (i = res; i && !ok; i = i->ai_next) {
		if (i->ai_family == AF_INET && family == AF_INET)
			ok = !memcmp(&((struct sockaddr_in *)i->ai_addr)->sin_addr, a, 4);
		else if (i->ai_family == AF_INET6 && family == AF_INET6)
			ok = !memcmp(&((struct sockaddr_in6 *)i->ai_addr)->sin6_addr, a, 16);
	}
	freeaddrinfo(res);
	return ok;
}

int nfips_rdns_lookup(const uint8_t addr[16], unsigned timeout, char *name, size_t len)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	char host[NI_MAXHOST];
	bool v4 = !memcmp(addr, v4mapped, 12);
	size_t n;
	int rc;

	if (len)
		name[0] = '\0';
	if (v4)
		memcpy(&s4.sin_addr, addr + 12, 4);
	else
		memcpy(&s6.sin6_addr, addr, 16);
	/* this thread's bounds (see above: res_init once) */
	if (!(_res.options & RES_INIT))
		res_init();
	_res.retrans = (int)(timeout ? timeout : 1);
	_res.retry = 1;
	rc = v4 ? getnameinfo((struct sockaddr *)&s4, sizeof(s4), host, sizeof(host), NULL, 0,
			      NI_NAMEREQD) :
		  getnameinfo((struct sockaddr *)&s6, sizeof(s6), host, sizeof(host), NULL, 0,
			      NI_NAMEREQD);
	if (rc == EAI_NONAME)
		return NFIPS_NAME_NONE;
	if (rc)
		return NFIPS_NAME_FAILED;
	n = strlen(host);
	if (n && host[n - 1] == '.')
		host[--n] = '\0';
	if (!plain_name(host) || n >= len)
		return NFIPS_NAME_NONE;
	memcpy(name, host, n + 1);
	return confirms(host, v4 ? AF_INET : AF_INET6, v4 ? addr + 12 : addr) ?
	       NFIPS_NAME_OK : NFIPS_NAME_UNCONFIRMED;
}
