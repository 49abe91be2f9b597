/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Grading: every alert gets a grade (emergency > high > medium > low >
 * ignore, DESIGN.md "Grades") and a one-line reason naming the inputs of
 * each step, so an analyst sees why. Documentation/policy.rst
 * ("grading") states the criteria and the default table.
 *
 * The steps, in order (grade.c):
 *   1. the grading table: the rule's classtype (the policy's table over
 *      the shipped default; a classtype in neither: its priority);
 *   2. the rule's metadata signature_severity: Critical +1 (at most
 *      high), Major 0, Minor -1 (at least low), Informational: low;
 *   3. the destination's assets: an attack for a platform, product or
 *      server role the destination host does not run is low (a host
 *      the policy does not describe counts as vulnerable); otherwise an
 *      attack on a host or network marked critical is raised one step
 *      (at most high);
 *   4. evidence of success: an attack-response, trojan or C2 alert of at
 *      least medium from a host that was the destination of an alert of
 *      at least medium in the preceding window is emergency;
 *   5. the per-sid override of the policy wins over all of the above.
 * Thresholds and suppressions were applied before (detect/, events):
 * only alerts that are raised are graded.
 *
 * A grader is one policy's view (immutable, borrowed from the policy,
 * which must outlive it). The recent attacks of step 4 live in a
 * separate table (struct nfips_grade_memory) so that it survives a
 * policy reload and is shared by every thread that grades (nfipsd's
 * queues and its kernel-events thread): it is locked, bounded, and
 * keyed with a random SipHash key.
 *
 * Grading uses the alert's own time (packet time in a replay), never the
 * clock, so a replay grades deterministically.
 */
#ifndef NFIPS_GRADE_H
#define NFIPS_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum nfips_grade {
	NFIPS_GRADE_UNSET,	/* no override: default grading */
	NFIPS_GRADE_EMERGENCY,
	NFIPS_GRADE_HIGH,
	NFIPS_GRADE_MEDIUM,
	NFIPS_GRADE_LOW,
	NFIPS_GRADE_IGNORE,
};

/* The escalation window (policy grading.window), seconds. */
#define NFIPS_GRADE_WINDOW_DEFAULT	600
#define NFIPS_GRADE_WINDOW_MAX		(7 * 86400)
/* Hosts the recent-attack table remembers (policy grading.hosts). */
#define NFIPS_GRADE_HOSTS_DEFAULT	65536
#define NFIPS_GRADE_HOSTS_MAX		(1u << 24)
/* A reason is at most this long, NUL included (truncated with "..."). */
#define NFIPS_GRADE_REASON_MAX		320

/* "emergency" ... "ignore"; "" for UNSET. */
const char *nfips_grade_name(enum nfips_grade g);
/* 0 with *g set, or -1 (not a grade name). */
int nfips_grade_parse(const char *s, enum nfips_grade *g);
/* EVE alert.severity: emergency and high 1, medium 2, low 3, ignore 4. */
unsigned int nfips_grade_severity(enum nfips_grade g);

/* ---- the shipped default table (grade_table.c) ---------------------- */

struct nfips_grade_class {
	const char *classtype;
	enum nfips_grade grade;
	/* An alert of this class shows an attack succeeded (step 4). */
	bool evidence;
};

/* The default entry of @classtype, or NULL. */
const struct nfips_grade_class *nfips_grade_default(const char *classtype);
/* Every default entry (for documentation checks and tests). */
const struct nfips_grade_class *nfips_grade_defaults(size_t *n);

/* ---- recent attacks (grade_recent.c) -------------------------------- */

struct nfips_grade_memory;

/* NULL when out of memory. @hosts: 0 means NFIPS_GRADE_HOSTS_DEFAULT. */
struct nfips_grade_memory *nfips_grade_memory_new(uint32_t hosts);
void nfips_grade_memory_free(struct nfips_grade_memory *m);

struct nfips_grade_memory_stats {
	uint64_t hosts;		/* slots in use (expired ones included) */
	uint64_t capacity;
	uint64_t evicted;	/* hosts forgotten for room, within their window */
};

void nfips_grade_memory_stats(struct nfips_grade_memory *m,
			      struct nfips_grade_memory_stats *st);

/* ---- grading (grade.c) ---------------------------------------------- */

struct nfips_policy;
struct nfips_rule;
struct nfips_grader;

/*
 * A grader for @policy (NULL: the default table, no assets, no
 * overrides) recording attacks into @mem (NULL: no escalation). Both
 * must outlive it. NULL when out of memory.
 */
struct nfips_grader *nfips_grader_new(const struct nfips_policy *policy,
				      struct nfips_grade_memory *mem);
void nfips_grader_free(struct nfips_grader *g);

struct nfips_grade_in {
	const struct nfips_rule *rule;
	uint8_t family;			/* 4 or 6 */
	const uint8_t *src, *dst;	/* 4 or 16 bytes, network order */
	uint64_t ts_usec;		/* the alert's time */
};

struct nfips_grade_out {
	enum nfips_grade grade;
	unsigned int severity;		/* EVE alert.severity */
	char reason[NFIPS_GRADE_REASON_MAX];
};

/*
 * Grades one alert and, when it is an attack of at least medium, records
 * its destination as attacked at @in->ts_usec. Thread-safe.
 */
void nfips_grade(const struct nfips_grader *g, const struct nfips_grade_in *in,
		 struct nfips_grade_out *out);

/* The escalation window of @g, microseconds. */
uint64_t nfips_grader_window(const struct nfips_grader *g);

/*
 * Whether @policy's assets say the host @addr (@family 4 or 6, network
 * order) does not run what @r attacks (step 3: the attack cannot work
 * there); @why then says which, *@host (may be NULL) names the host
 * (its name, else its address; NULL: not described).
 */
bool nfips_grade_unaffected(const struct nfips_policy *policy,
			    const struct nfips_rule *r, uint8_t family,
			    const uint8_t *addr, const char **host, char *why,
			    size_t len);

#endif /* NFIPS_GRADE_H */
