// SPDX-License-Identifier: GPL-2.0
/*
 * One SMTP transaction with libcurl: connect, EHLO, STARTTLS (required,
 * opportunistic or off, per the configuration; smtps:// is TLS from the
 * first byte), AUTH when a user is configured, MAIL FROM, RCPT TO, DATA
 * (libcurl stuffs the dots), QUIT. The result says whether the relay
 * took the mail, and when it did not whether trying again can help: a
 * 5xx reply is the relay's final word, anything else (refused, timeout,
 * TLS, 4xx) is retried.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "notify.h"

int nfips_smtp_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t k = size * n < r->left ? size * n : r->left;

	memcpy(buf, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* libcurl asks this while it waits: a stopping daemon does not wait for it. */
static int progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const _Atomic bool *cancel = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return cancel && atomic_load(cancel);
}

/*
 * What the operator fixes, before libcurl's words: a refused login and an
 * untrusted certificate are configuration, not an outage (both are
 * retried all the same: a fixed password or CA sends what waited).
 */
static const char *what(CURLcode rc, long code, const struct nfips_smtp_cfg *c)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		return c->user ? "authentication refused (mail.user, password_file): " :
		       "the relay requires authentication (mail.user, password_file): ";
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		return code == 530 ? "the relay requires authentication (mail.user, "
				     "password_file): " : "";
	case CURLE_PEER_FAILED_VERIFICATION:
		return c->ca ? "TLS: the relay's certificate is refused (not from mail.ca, or "
			       "another name): " :
			       "TLS: the relay's certificate is refused (not from the system's "
			       "CAs, or another name; mail.ca): ";
	case CURLE_USE_SSL_FAILED:
		return "TLS required but the relay offers no STARTTLS (mail.tls): ";
	default:
		return "";
	}
}

void nfips_smtp_send(const struct nfips_smtp_cfg *c, const char *rcpt,
		     const char *message, struct nfips_smtp_result *res)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[300], to[300];
	struct reader rd = { message, strlen(message) };
	struct curl_slist *rcpts = NULL;
	CURL *h = curl_easy_init();
	CURLcode rc;
	long code = 0;

	memset(res, 0, sizeof(*res));
	if (!h) {
		snprintf(res->text, sizeof(res->text), "libcurl: cannot make a handle");
		return;
	}
	snprintf(from, sizeof(from), "<%s>", c->from);
	snprintf(to, sizeof(to), "<%s>", rcpt);
	rcpts = curl_slist_append(NULL, to);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	/* a thread of a daemon: no signals, no process-wide side effects */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(c->timeout < 10 ? c->timeout : 10));
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->timeout);
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->tls == NFIPS_SMTP_TLS_REQUIRED ? CURLUSESSL_ALL :
			 c->tls == NFIPS_SMTP_TLS_OPPORTUNISTIC ? CURLUSESSL_TRY :
			 CURLUSESSL_NONE);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
	if (c->cancel) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)c->cancel);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	if (c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	res->code = code;
	if (rc == CURLE_OK) {
		res->ok = true;
		snprintf(res->text, sizeof(res->text), "accepted (%ld)", code);
	} else {
		/*
		 * a 5xx to RCPT or DATA: the relay will not take it later either;
		 * but 530 (authentication required) is this sensor's configuration,
		 * which the operator fixes: kept and retried like a refused login
		 */
		res->permanent = code >= 500 && code < 600 && code != 530 &&
				 (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
				  rc == CURLE_WEIRD_SERVER_REPLY || rc == CURLE_UPLOAD_FAILED);
		snprintf(res->text, sizeof(res->text), "%s%s%s%s", what(rc, code, c),
			 curl_easy_strerror(rc), errbuf[0] ? ": " : "", errbuf);
		if (code) {
			size_t l = strlen(res->text);

			snprintf(res->text + l, sizeof(res->text) - l, " (SMTP %ld)", code);
		}
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
}
