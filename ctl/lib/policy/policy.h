/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The customer policy file: one libconfig file per customer sensor
 * (Documentation/policy.rst describes every key).
 *
 * nfips_policy_load() reads and validates a policy file, reads the rule
 * files it names with its variables and classification table, and applies
 * its per-sid overrides, Block approvals and thresholds to the rules: the
 * result is the rule set the kernel and nfipsd run. Every problem is
 * reported with file:line (all of them, not only the first, up to
 * NFIPS_DIAGS_MAX); a policy with any error is not returned.
 *
 * nfips_policy_edit() computes the text of an edited policy (disable,
 * enable, approve, revoke, mode, grade, suppress) by editing the text of the affected
 * settings in place, so the customer's comments and layout survive; a
 * comment line recording who and when is appended and the serial bumped.
 * nfips_policy_txn_*() write it atomically and keep previous versions.
 *
 * Nothing here has global mutable state.
 */
#ifndef NFIPS_POLICY_H
#define NFIPS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "detect/engine.h"
#include "grade/grade.h"
#include "pipeline/pipeline.h"
#include "rules/rule.h"

/* A policy file larger than this is refused before parsing. */
#define NFIPS_POLICY_MAX_SIZE		(1u << 20)
#define NFIPS_POLICY_MAX_CONTACTS	3
/* Diagnostics kept; later ones are only counted (nfips_diags.dropped). */
#define NFIPS_DIAGS_MAX			1000
/* Previous versions kept by an edit (FILE.1 newest ... FILE.N). */
#define NFIPS_POLICY_KEEP_DEFAULT	10
#define NFIPS_POLICY_KEEP_MAX		100

/* ---- diagnostics ---------------------------------------------------- */

enum nfips_diag_level {
	NFIPS_DIAG_ERROR,	/* the policy is refused */
	NFIPS_DIAG_WARNING,	/* loaded; something is not applied or suspicious */
};

struct nfips_diag {
	enum nfips_diag_level level;
	char *file;		/* policy or rule file; NULL: none */
	uint32_t line, col;	/* 1-based; 0: unknown */
	char *msg;
};

struct nfips_diags {
	struct nfips_diag *v;
	size_t n, cap;
	size_t errors, warnings;	/* all, including dropped ones */
	size_t dropped;
};

void nfips_diags_free(struct nfips_diags *d);
/* "file:line[:col]: error|warning: msg" into buf; returns buf. */
const char *nfips_diag_str(const struct nfips_diag *d, char *buf, size_t len);
/* One line per diagnostic, then "N more" when some were dropped. */
void nfips_diags_print(const struct nfips_diags *d, FILE *f);
/* Adds one (printf format); for callers that validate more. */
__attribute__((format(printf, 5, 6)))
void nfips_diag_add(struct nfips_diags *d, enum nfips_diag_level level,
		    const char *file, uint32_t line, const char *fmt, ...);

/* ---- the model ------------------------------------------------------ */

enum nfips_policy_mode {
	NFIPS_POLICY_LEARN,	/* never drops: drop and reject rules alert */
	NFIPS_POLICY_ENFORCE,	/* approved drop and reject rules act */
};

enum nfips_lang { NFIPS_LANG_EN, NFIPS_LANG_JA };

enum nfips_criticality {
	NFIPS_CRIT_LOW,
	NFIPS_CRIT_NORMAL,	/* the default */
	NFIPS_CRIT_HIGH,
	NFIPS_CRIT_CRITICAL,
};

struct nfips_contact {
	char *name, *email;
	enum nfips_lang lang;
	uint32_t line;
};

/* Per-sid override; a (gid, sid) appears at most once. */
struct nfips_override {
	uint32_t gid, sid;
	bool disable;		/* rule removed from the set */
	bool enable;		/* rule enabled even if commented out in its file */
	bool set_action;
	enum nfips_action action;	/* when set_action */
	enum nfips_grade grade;
	uint32_t line;
};

/*
 * A Block approval: the customer agreed that (gid, sid) may drop or reject.
 * Valid from @when until @until (exclusive; has_until false: no expiry).
 */
struct nfips_approval {
	uint32_t gid, sid;
	char *approved_by;
	char *ticket;		/* optional, NULL */
	time_t when, until;
	bool has_until;
	uint32_t line;
};

/* threshold.config "threshold" entries (type limit, threshold or both). */
struct nfips_policy_threshold {
	uint32_t gid, sid;
	struct nfips_threshold thr;	/* type, track, count, seconds (rule.h) */
	uint32_t line;
};

enum nfips_supp_track {
	NFIPS_SUPP_ALL,		/* no track: every alert of the sid */
	NFIPS_SUPP_BY_SRC,
	NFIPS_SUPP_BY_DST,
	NFIPS_SUPP_BY_EITHER,
};

/* threshold.config "suppress": alerts of (gid, sid) not raised. */
struct nfips_suppression {
	uint32_t gid, sid;
	enum nfips_supp_track track;
	struct nfips_addrset addrs;	/* the ip list, resolved (not for _ALL) */
	uint32_t line;
};

struct nfips_service {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;
	char *product;		/* optional, NULL */
};

struct nfips_asset {
	bool network;		/* networks: a CIDR; hosts: one address */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order, host bits zero */
	uint8_t prefix;
	char *address;		/* as written */
	char *name;
	char *os;		/* optional, one of Documentation/policy.rst's names */
	enum nfips_criticality criticality;
	struct nfips_service *services;
	size_t nservices;
	uint32_t line;
};

/* grading.classtypes: one entry of the policy's grading table. */
struct nfips_grading_entry {
	char *classtype;
	enum nfips_grade grade;
	uint32_t line;
};

/* The "grading" section (grade/grade.h uses it). */
struct nfips_policy_grading {
	struct nfips_grading_entry *table;	/* over the shipped default */
	size_t ntable;
	uint32_t window;	/* escalation window, seconds (600) */
	uint32_t hosts;		/* hosts the recent-attack table holds */
	bool keep_priority;	/* alert.severity: the rule's priority */
};

/*
 * notify = { grade; every; digest; digest_hour; max_per_hour; reports; }:
 * which incidents and reports are mailed to the contacts
 * (Documentation/notify.rst).
 */
struct nfips_policy_notify {
	enum nfips_grade grade;	/* the lowest grade mailed at once (high) */
	uint32_t every;		/* minutes between follow-ups while firing (30) */
	bool digest;		/* a daily digest of the lower grades (false) */
	uint32_t digest_hour;	/* its hour of the customer's day (8) */
	uint32_t max_per_hour;	/* incidents mailed one by one an hour (20) */
	unsigned reports;	/* NFIPS_NOTIFY_REPORT_* mailed to the contacts (0) */
};

#define NFIPS_NOTIFY_REPORT_DAILY	1u
#define NFIPS_NOTIFY_REPORT_MONTHLY	2u

struct nfips_policy_stream {
	bool midstream;		/* pick up sessions without a handshake (false) */
	bool bypass;		/* stop inspecting a direction past the depth
				 * (false; pipeline.h stream_bypass) */
	uint32_t depth;		/* reassembly depth in bytes (1 MiB); 0: unlimited */
	bool depth_set;		/* the file gave depth */
};

/* What applying the policy changed in the rule set. */
enum nfips_change_kind {
	NFIPS_CHG_DISABLED,	/* rule removed (override disable) */
	NFIPS_CHG_ENABLED,	/* commented-out rule enabled (override enable) */
	NFIPS_CHG_ACTION,	/* action override */
	NFIPS_CHG_UNAPPROVED,	/* drop/reject without a valid approval: alert */
	NFIPS_CHG_THRESHOLD,	/* threshold set or replaced */
};

struct nfips_policy_change {
	enum nfips_change_kind kind;
	uint32_t gid, sid;
	enum nfips_action from, to;	/* ACTION, UNAPPROVED */
	uint32_t line;		/* policy line of the entry responsible, 0 none */
	const char *why;	/* static text */
};

struct nfips_policy {
	char *path;		/* as given */
	char *dir;		/* its directory: rule paths are relative to it */
	time_t now;		/* the time approvals were evaluated at */

	int version;
	int64_t serial;		/* bumped by every edit */
	unsigned keep_versions;	/* FILE.1 ... FILE.N kept by edits */

	char *customer_id, *customer_name;
	char *timezone;		/* IANA zone of the customer, default "UTC" */
	char *sensor_id, *sensor_name;	/* sensor_name optional */
	struct nfips_contact contacts[NFIPS_POLICY_MAX_CONTACTS];
	size_t ncontacts;

	enum nfips_policy_mode mode;

	char **rule_files;	/* resolved against dir */
	uint32_t *rule_file_lines;
	size_t nrule_files;
	char *classification;	/* resolved, NULL: classtypes unchecked */
	struct nfips_vars vars;	/* suricata.yaml defaults + the file's */
	struct nfips_classes classes;

	struct nfips_policy_stream stream;
	/* incidents.window: alerts this close fold into one incident (s) */
	uint32_t incident_window;
	struct nfips_policy_notify notify;

	struct nfips_override *overrides;
	size_t noverrides;
	struct nfips_approval *approvals;
	size_t napprovals;
	struct nfips_policy_threshold *thresholds;
	size_t nthresholds;
	struct nfips_suppression *suppressions;
	size_t nsuppressions;
	struct nfips_asset *assets;	/* hosts, then networks */
	size_t nassets;
	struct nfips_policy_grading grading;

	/* The rule set (not with NFIPS_POLICY_NO_RULES). */
	struct nfips_rule **rules;
	size_t nrules;
	struct nfips_policy_change *changes;
	size_t nchanges;
	/*
	 * When an approval starts or expires after @now, the earliest such
	 * time (0: none): the policy must be loaded and applied again then.
	 */
	time_t next_change;

	void *priv;		/* sid index (policy internals) */
};

/* ---- loading -------------------------------------------------------- */

/* Validate the file alone: rule files not read, sids not checked. */
#define NFIPS_POLICY_NO_RULES	(1u << 0)

struct nfips_policy_opts {
	time_t now;		/* approvals are evaluated at this time; 0: time(NULL) */
	unsigned flags;		/* NFIPS_POLICY_* */
};

/*
 * Loads @path (@opts may be NULL). Returns 0 with *out set (warnings may
 * be in @d), or -1 with every error in @d and *out NULL. @d must be zeroed
 * by the caller (or hold earlier diagnostics); free with nfips_diags_free.
 */
int nfips_policy_load(const char *path, const struct nfips_policy_opts *opts,
		      struct nfips_policy **out, struct nfips_diags *d);
/*
 * The same from memory: @name labels diagnostics, @dir resolves relative
 * rule paths (NULL: the directory of @name).
 */
int nfips_policy_load_buf(const char *name, const char *dir, const char *buf,
			  size_t len, const struct nfips_policy_opts *opts,
			  struct nfips_policy **out, struct nfips_diags *d);
void nfips_policy_free(struct nfips_policy *p);

/* ---- the rule set --------------------------------------------------- */

/* The rules, classified, policy applied (owned by the policy). */
static inline struct nfips_rule *const *
nfips_policy_rules(const struct nfips_policy *p, size_t *n)
{
	*n = p->nrules;
	return p->rules;
}

/* Takes the rules over (the caller frees each and the array). */
struct nfips_rule **nfips_policy_take_rules(struct nfips_policy *p, size_t *n);

typedef void (*nfips_change_fn)(void *arg, const struct nfips_policy_change *c);

/*
 * Applies the policy's overrides, approvals (valid at @now) and thresholds
 * to @rules, an array of *n rules the caller parsed with the policy's
 * variables: disabled rules are freed and removed (*n shrinks, order
 * kept), actions changed (a drop or reject rule without a valid approval
 * becomes alert; with one it is marked NFIPS_R_APPROVED, which the kernel
 * needs to let it drop), thresholds set, and the rules classified again. @fn
 * (may be NULL) is called for every change. Returns the number of
 * changes. Enabling commented-out rules is nfips_policy_load()'s job (it
 * reads the rule files).
 */
size_t nfips_policy_apply(const struct nfips_policy *p, time_t now,
			  struct nfips_rule **rules, size_t *n,
			  nfips_change_fn fn, void *arg);

/* The override of (gid, sid), or NULL. */
const struct nfips_override *nfips_policy_override(const struct nfips_policy *p,
						   uint32_t gid, uint32_t sid);
/* The approval of (gid, sid) valid at @now, or NULL. */
const struct nfips_approval *nfips_policy_approved(const struct nfips_policy *p,
						   uint32_t gid, uint32_t sid,
						   time_t now);
/*
 * Whether an alert of (gid, sid) from @src to @dst (AF_INET: 4 bytes,
 * AF_INET6: 16, network order) is suppressed.
 */
bool nfips_policy_suppressed(const struct nfips_policy *p, uint32_t gid,
			     uint32_t sid, int family, const uint8_t *src,
			     const uint8_t *dst);

/* Whether a rule file defines (gid, sid): 0 no, 1 active, 2 commented out. */
int nfips_policy_sid_defined(const struct nfips_policy *p, uint32_t gid,
			     uint32_t sid);

/* ---- the slow path -------------------------------------------------- */

/*
 * In learn mode drop and reject rules only alert in the slow path: they
 * neither drop nor end the inspection of their flow. (The kernel gets
 * them as they are and its own mode keeps them from dropping.)
 */
void nfips_policy_learn_demote(struct nfips_policy *p);
/* The pipeline settings the policy gives (stream, sensor, serial, classes). */
void nfips_policy_pipeline_cfg(const struct nfips_policy *p,
			       struct nfips_pipeline_cfg *cfg);
/*
 * Builds an engine of the policy's rules with its suppressions; @p must
 * outlive it. As nfips_engine_new().
 */
int nfips_policy_engine(const struct nfips_policy *p,
			const struct nfips_engine_limits *lim,
			struct nfips_engine **out, struct nfips_err *err);

/*
 * Sends the policy to nfips.ko through @nl: its rules in one transaction
 * (kernel rules, daemon selectors) and its mode, in the order that never
 * runs new rules in a mode the policy does not say. @test: encode only.
 * 0 and the kernel's serial, or -1 with @err saying why; the running
 * policy (and mode) then stays.
 */
struct nfips_nl;
int nfips_policy_kernel_apply(const struct nfips_policy *p, struct nfips_nl *nl,
			      bool test, uint64_t *serial, char *err, size_t errlen);

/* ---- names and times ------------------------------------------------ */

const char *nfips_policy_mode_name(enum nfips_policy_mode m);
const char *nfips_criticality_name(enum nfips_criticality c);
const char *nfips_change_kind_name(enum nfips_change_kind k);

/*
 * ISO 8601: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] followed by Z, +HH:MM,
 * +HHMM or nothing (UTC). A date alone is the start of that day in UTC,
 * or with @end_of_day the start of the next day (an approval "until
 * 2027-03-31" covers that day). Returns 0 or -1.
 */
int nfips_time_parse(const char *s, bool end_of_day, time_t *out);
/* "YYYY-MM-DDTHH:MM:SSZ"; returns buf (at least 21 bytes). */
const char *nfips_time_format(time_t t, char *buf, size_t len);

/*
 * Sets the string value of the variable @var (rules.variables.
 * address_groups, else port_groups) in the policy text @text of @len
 * bytes (labelled @name) to @value, changing only that value's text.
 * 0 with *out (malloc'd, NUL terminated) and *outlen, or -1 with the
 * reason in @d (no such variable, a value that cannot be quoted). The
 * caller validates the result by loading it.
 */
int nfips_policy_set_var(const char *name, const char *text, size_t len,
			 const char *var, const char *value, char **out,
			 size_t *outlen, struct nfips_diags *d);

/* ---- edits ---------------------------------------------------------- */

enum nfips_edit_op {
	NFIPS_EDIT_DISABLE,
	NFIPS_EDIT_ENABLE,
	NFIPS_EDIT_APPROVE,
	NFIPS_EDIT_REVOKE,
	NFIPS_EDIT_MODE,
	/* the sid's grade override (overrides' grade); UNSET removes it */
	NFIPS_EDIT_GRADE,
	/* a suppression of the sid's alerts to the addresses of @dst */
	NFIPS_EDIT_SUPPRESS,
};

struct nfips_edit {
	enum nfips_edit_op op;
	uint32_t gid, sid;		/* gid 0 means 1 */
	const char *by;			/* who: recorded in the history line */
	const char *comment;		/* optional, appended to the history line */
	time_t now;			/* when (0: time(NULL)) */
	time_t until;			/* APPROVE with has_until */
	bool has_until;
	const char *until_text;		/* optional: until as the user wrote it */
	const char *ticket;		/* APPROVE, optional */
	enum nfips_policy_mode mode;	/* MODE */
	enum nfips_grade grade;		/* GRADE; NFIPS_GRADE_UNSET: default grading */
	const char *dst;		/* SUPPRESS: "ADDR[/N],..." (at most 64) */
};

/*
 * Computes the edited text of @text (the content @p was loaded from, which
 * must have loaded without errors). Returns 1 with *out (malloc'd, NUL
 * terminated) set, 0 when the edit changes nothing (*out NULL: already
 * disabled, ...), or -1 with the reason in @d (sid not defined by any rule
 * file, no approval to revoke, until in the past ...). The caller
 * validates the result by loading it.
 */
int nfips_policy_edit(const struct nfips_policy *p, const char *text, size_t len,
		      const struct nfips_edit *e, char **out, size_t *outlen,
		      struct nfips_diags *d);

/*
 * Whether @after, the edited text loaded, says what @e asked of @before
 * (a check that the edit landed in a setting and not, say, in a comment):
 * the serial is @before's plus one, the sid's entry says what @e asked,
 * and every other override, approval and the mode are as in @before.
 */
bool nfips_policy_edit_done(const struct nfips_policy *before,
			    const struct nfips_policy *after, const struct nfips_edit *e);

/*
 * Atomic rewrite. begin: locks the directory against concurrent edits
 * and reads the file. stage: writes the new text to a temporary file in
 * the same directory (mode, owner and group of the original, as far as
 * the editor may set them) and fsyncs it.
 * commit: FILE.N-1 -> FILE.N ... FILE -> FILE.1 (a hard link, so FILE
 * never disappears), temporary -> FILE, fsync of the directory. end:
 * removes an uncommitted temporary file, unlocks and frees. Each returns
 * 0 or -1 with a message in @err.
 */
struct nfips_policy_txn;
int nfips_policy_txn_begin(const char *path, struct nfips_policy_txn **t,
			   char *err, size_t errlen);
const char *nfips_policy_txn_text(const struct nfips_policy_txn *t, size_t *len);
int nfips_policy_txn_stage(struct nfips_policy_txn *t, const char *text,
			   size_t len, char *err, size_t errlen);
/*
 * After stage: NULL, or a warning that the new file could not keep the
 * original's owner or group (an editor that is not root keeps the group
 * only when it belongs to it; the mode is always kept).
 */
const char *nfips_policy_txn_warning(const struct nfips_policy_txn *t);
int nfips_policy_txn_commit(struct nfips_policy_txn *t, unsigned keep,
			    char *err, size_t errlen);
void nfips_policy_txn_end(struct nfips_policy_txn *t);

#endif /* NFIPS_POLICY_H */
