// SPDX-License-Identifier: GPL-2.0
/*
 * SIGHUP: the configuration is read again and the next policy (its rules
 * parsed once, one engine per queue) is built in a thread of its own
 * while the workers go on with the running one. Only a complete policy
 * within the memory budget is installed; anything else is refused and
 * logged, and the running policy stays. Installing hands each worker its
 * engine; a worker switches between two packets, so no queued packet
 * waits for, or misses, an engine. The old policy is freed once every
 * worker has let go of it (and the events thread, under the lock).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"

static void report_log(void *arg, const char *msg)
{
	(void)arg;
	nfipsd_log(NFIPSD_ERR, "policy: %s", msg);
}

void nfipsd_policy_install(struct nfipsd *d, struct nfipsd_policy *p)
{
	struct nfipsd_policy *old;
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	size_t i, done;

	pthread_rwlock_wrlock(&d->pol_lock);
	old = d->policy;
	d->policy = p;
	pthread_rwlock_unlock(&d->pol_lock);
	for (i = 0; i < d->nworkers; i++) {
		/* A policy not yet taken is replaced: it was never used. */
		struct nfipsd_policy *prev = atomic_exchange(&d->workers[i].next, p);

		(void)prev;
		nfipsd_worker_wake(&d->workers[i]);
	}
	do {
		for (i = done = 0; i < d->nworkers; i++)
			done += !d->workers[i].started ||
				atomic_load(&d->workers[i].serial) == p->serial;
		if (done < d->nworkers)
			nanosleep(&ts, NULL);
	} while (done < d->nworkers);
	nfipsd_policy_free(old);
}

static void *reload_main(void *arg)
{
	struct nfipsd *d = arg;
	struct nfipsd_conf nc;
	struct nfipsd_policy *p;
	struct nfipsd_policy_conf tmp;
	uint64_t serial = d->policy ? d->policy->serial : 0;
	bool refused = true;
	char err[512];

	nfipsd_log(NFIPSD_NOTICE, "reload: reading %s", d->conf.path);
	if (nfipsd_conf_load(&nc, d->conf.path, err, sizeof(err))) {
		nfipsd_log(NFIPSD_ERR, "reload refused: %s; policy %" PRIu64
			   " keeps running", err, serial);
		nfipsd_conf_free(&nc);
		goto out;
	}
	if (nc.queue_base != d->conf.queue_base ||
	    nc.queue_count != d->conf.queue_count ||
	    nc.queue_maxlen != d->conf.queue_maxlen ||
	    strcmp(nc.eve_path, d->conf.eve_path) ||
	    nc.eve_payload != d->conf.eve_payload ||
	    strcmp(nc.state_path, d->conf.state_path))
		nfipsd_log(NFIPSD_WARNING, "reload: queues and log settings change "
			   "only with a restart");
	p = nfipsd_policy_load(&nc, d->nworkers, d->next_serial + 1, report_log, NULL);
	if (p && nfipsd_policy_grader(p, d->gmem)) {
		nfipsd_log(NFIPSD_ERR, "reload: out of memory");
		nfipsd_policy_free(p);
		p = NULL;
	}
	if (!p) {
		nfipsd_log(NFIPSD_ERR, "reload refused: policy %" PRIu64
			   " keeps running", serial);
		nfipsd_conf_free(&nc);
		goto out;
	}
	d->next_serial++;
	/* The budget applies from this reload on. */
	d->conf.memory_budget = nc.memory_budget;
	/* Keep the new policy part; the rest of the running configuration stays. */
	tmp = d->conf.pol;
	d->conf.pol = nc.pol;
	nc.pol = tmp;
	nfipsd_conf_free(&nc);
	if (p->file)
		nfipsd_store_window(d, p->file->incident_window);
	nfipsd_policy_install(d, p);
	/* A Block approval started or ended: the kernel's rules change too. */
	if (atomic_exchange(&d->reload_kernel, false))
		nfipsd_kernel_apply(d, p);
	nfipsd_log(NFIPSD_NOTICE, "reload: policy %" PRIu64 " running (%u rules "
		   "loaded, %u skipped, %s mode, %" PRIu64 " bytes)", p->serial,
		   p->est.rules, p->est.skipped + p->est.duplicates,
		   p->enforce ? "enforce" : "learn", p->memory);
	refused = false;
out:
	if (refused)
		atomic_fetch_add(&d->reloads_refused, 1);
	/* After the refusal count: the state file must not show one without the other. */
	atomic_fetch_add(&d->reloads, 1);
	atomic_store(&d->reload_running, false);
	return NULL;
}

bool nfipsd_reload_start(struct nfipsd *d)
{
	int ret;

	nfipsd_reload_reap(d, false);
	if (atomic_load(&d->reload_running))
		return false;
	atomic_store(&d->reload_running, true);
	ret = pthread_create(&d->reload_thread, NULL, reload_main, d);
	if (ret) {
		atomic_store(&d->reload_running, false);
		nfipsd_log(NFIPSD_ERR, "reload: thread: %s", strerror(ret));
		return true;
	}
	d->reload_joinable = true;
	return true;
}

void nfipsd_reload_reap(struct nfipsd *d, bool wait)
{
	if (!d->reload_joinable)
		return;
	if (!wait && atomic_load(&d->reload_running))
		return;
	pthread_join(d->reload_thread, NULL);
	d->reload_joinable = false;
}
