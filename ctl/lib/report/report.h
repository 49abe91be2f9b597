/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Daily and monthly reports (Documentation/report.rst): what attacked a
 * customer in a period, from the alert store alone. One concern per file:
 *
 *   model.c    the period's figures, read from the store: raw alerts for
 *              days retention has kept, the daily aggregates for older
 *              days (a monthly report of a month long gone)
 *   lang.c     the words of each language (en, ja), display widths
 *   text.c     plain text, 100 columns
 *   json.c     one JSON object (the model as it is)
 *   html.c     one self-contained HTML page: inline CSS and SVG, no
 *              script, no external resource; screen, phone and print
 *   pdf.c      the HTML printed by headless Chromium
 *   publish.c  a report into a directory in several formats (nfipsd);
 *              formats.c the names of the formats
 *
 * Days are the customer's: the caller sets the process's zone (TZ) to
 * customer.timezone before building, as the daily aggregates were keyed.
 */
#ifndef NFIPS_REPORT_H
#define NFIPS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct nfips_store;

enum nfips_report_kind { NFIPS_REPORT_DAILY, NFIPS_REPORT_MONTHLY };
/* Languages: the policy's contact languages (policy.h's enum nfips_lang). */
enum nfips_report_lang { NFIPS_REPORT_EN, NFIPS_REPORT_JA };
enum nfips_report_format {
	NFIPS_REPORT_TEXT, NFIPS_REPORT_JSON, NFIPS_REPORT_HTML, NFIPS_REPORT_PDF,
};

#define NFIPS_REPORT_TOP	10	/* rows of each top list */
#define NFIPS_REPORT_ROWS	1000	/* rows of the alert table by default */
#define NFIPS_REPORT_INCIDENTS	50	/* incidents listed (all counted) */

struct nfips_report_opts {
	enum nfips_report_kind kind;
	int year, month, day;		/* the period (day unused for monthly) */
	enum nfips_report_lang lang;
	const char *customer, *sensor;	/* NULL: not named */
	const char *tz;			/* the zone's name, shown; NULL: "UTC" */
	size_t top;			/* 0: NFIPS_REPORT_TOP */
	/* alert table rows; 0: NFIPS_REPORT_ROWS, SIZE_MAX: all */
	size_t rows;
	int64_t generated;		/* usec, shown; 0: now */
};

/* One line of a top list. */
struct nfips_report_top {
	uint32_t gid, sid;		/* signatures */
	uint8_t addr[16];		/* sources, targets */
	uint16_t port;			/* ports */
	uint8_t proto;
	char *msg;			/* signatures: the message */
	uint64_t n, blocked;
	/*
	 * Sources, targets: the host name as the store recorded it (nfipsd's
	 * lookup, never one made for the report). rdns NULL: no name;
	 * rdns_status an enum nfips_name_status, -1 never looked up;
	 * rdns_ts when the lookup that gave it was made.
	 */
	char *rdns;
	int rdns_status;
	int64_t rdns_ts;
};

struct nfips_report_list {
	struct nfips_report_top *v;
	size_t n;
};

struct nfips_report_incident {
	uint64_t id;
	uint32_t gid, sid;
	char *msg, *note, *by;		/* note, by NULL: none */
	uint8_t src[16], dst[16];
	int64_t first_seen, last_seen, changed;
	uint64_t count, blocked;
	int grade, state;
};

struct nfips_report_alert {
	int64_t ts;
	uint32_t gid, sid;
	char *msg;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto;
	bool blocked;
	int grade;
	char iface[16];
};

/* How a block in the report ended, as of the end of the period. */
enum nfips_report_block_state {
	NFIPS_RBLOCK_IN_FORCE,		/* still in force at the period's end */
	NFIPS_RBLOCK_EXPIRED,		/* its --for ran out */
	NFIPS_RBLOCK_UNBLOCKED,		/* nfipsctl unblock */
	NFIPS_RBLOCK_REPLACED,		/* blocked again (a new expiry) */
};

/* An operator's block active or made in the period (nfipsctl block). */
struct nfips_report_block {
	char *addr, *reason, *by;	/* reason, by NULL: none */
	int64_t ts, until;		/* made; expiry, 0: until removed */
	int state;			/* enum nfips_report_block_state */
	int64_t ended;			/* unblocked or replaced at; 0: not */
	char *ended_by, *ended_reason;	/* the unblock's, NULL: none */
};

/* Totals of a period: [grade + 1][blocked] (grade -1: not graded). */
struct nfips_report_totals {
	uint64_t n, blocked, alerted;
	uint64_t by_grade[6][2];
};

struct nfips_report {
	struct nfips_report_opts o;
	int64_t start, end;		/* usec, local midnights */
	int64_t prev_start, prev_end;
	char period[32], prev_period[32];	/* 2026-12-06, 2026-12 */
	struct nfips_report_totals cur, prev;
	/* days (of the period, of the previous one) from the aggregates */
	unsigned agg_days, prev_agg_days;
	struct nfips_report_list sigs, srcs, dsts, ports;
	/* new: seen for the first time in the store's memory */
	struct nfips_report_list new_sigs;
	/* per hour 0-23 (daily) or day 1-31 (monthly): alerts, blocked */
	uint64_t hist[31], hist_blocked[31];
	unsigned nhist;
	bool hist_partial;		/* hours of aggregate days unknown */
	/* incidents active in the period: by state, then the first few */
	uint64_t inc_total, inc_state[3];
	struct nfips_report_incident *inc;
	size_t ninc;
	/* blocks made in the period or in force during it, oldest first */
	struct nfips_report_block *blocks;
	size_t nblocks;
	struct nfips_report_alert *alerts;
	size_t nalerts;			/* shown */
	uint64_t alerts_raw;		/* in the raw part (table source) */
	bool rdns;			/* the store records reverse DNS (schema 8) */
};

/* YYYY-MM-DD (daily), YYYY-MM (monthly) into @o. 0 or -1. */
int nfips_report_parse_period(struct nfips_report_opts *o, const char *s);

/*
 * Builds the report of @o from @s: 0, or -1 with @err. Free with
 * nfips_report_free().
 */
int nfips_report_build(struct nfips_store *s, const struct nfips_report_opts *o,
		       struct nfips_report *r, char *err, size_t errlen);
void nfips_report_free(struct nfips_report *r);

/* Renderers: append the report to @b. */
void nfips_report_text(const struct nfips_report *r, struct nfips_sbuf *b);
void nfips_report_json(const struct nfips_report *r, struct nfips_sbuf *b);
void nfips_report_html(const struct nfips_report *r, struct nfips_sbuf *b);
/* The HTML report's style sheet (the tuning page shares its look). */
extern const char nfips_report_css[];
/* Text content and attribute values: & < > " ' escaped, controls "?". */
void nfips_report_html_esc(struct nfips_sbuf *b, const char *s);
/*
 * @html printed to PDF at @out by headless Chromium ($NFIPS_CHROMIUM, else
 * chromium or chromium-browser on PATH). 0, or -1 with @err (no Chromium
 * installed is said so).
 */
int nfips_report_pdf(const char *html, size_t len, const char *out, char *err,
		     size_t errlen);

/* Renders in @fmt (not PDF) into @b. */
void nfips_report_render(const struct nfips_report *r, enum nfips_report_format fmt,
			 struct nfips_sbuf *b);

/*
 * The file name of a report: nfips-daily-2026-12-06.html,
 * nfips-monthly-2026-11.json ...
 */
void nfips_report_file_name(char *buf, size_t len, const struct nfips_report *r,
			    enum nfips_report_format fmt);

/* ---- publishing (publish.c) ------------------------------------------ */

/* The files of one report, as written. */
struct nfips_report_files {
	char *paths[4];
	size_t n;
};

void nfips_report_files_free(struct nfips_report_files *f);
/* "html,json,text,pdf" into bits 1 << enum nfips_report_format. 0 or -1. */
int nfips_report_parse_formats(const char *s, unsigned *formats);
/*
 * Builds the report of @o from @s and writes it into @dir in each of
 * @formats, every file replaced whole (nfips-daily-2026-12-05.html ...).
 * The paths written are in @out (free with nfips_report_files_free), also
 * on failure (those written before it). 0, or -1 with @err.
 */
int nfips_report_publish(struct nfips_store *s, const struct nfips_report_opts *o,
			 const char *dir, unsigned formats, struct nfips_report_files *out,
			 char *err, size_t errlen);

/* ---- words (lang.c) -------------------------------------------------- */

enum nfips_report_word {
	W_TITLE_DAILY, W_TITLE_MONTHLY, W_CUSTOMER, W_SENSOR, W_PERIOD, W_TZ,
	W_GENERATED, W_SUMMARY, W_TOTAL, W_BLOCKED, W_ALERTED, W_GRADE, W_PREVIOUS,
	W_CHANGE, W_BY_GRADE, W_NOT_GRADED, W_INCIDENTS, W_OPEN, W_ACKED, W_CLOSED,
	W_STATE, W_NOTE, W_BY, W_ID, W_SIGNATURE, W_SOURCE, W_TARGET, W_PORT,
	W_COUNT, W_TOP_SIGS, W_TOP_SRCS, W_TOP_DSTS, W_TOP_PORTS, W_HIST_HOURLY,
	W_HIST_DAILY, W_HOUR, W_DAY, W_NEW_SIGS, W_NONE, W_ALERT_TABLE, W_DATE,
	W_TIME, W_SID, W_ATTACK, W_SRC_ADDR, W_SRC_PORT, W_DST_ADDR, W_DST_PORT,
	W_PROTO, W_IFACE, W_ACTION, W_SHOWN, W_RDNS_NONE, W_AGG_DAYS,
	W_AGG_NO_TABLE, W_AGG_NO_INCIDENTS, W_HIST_PARTIAL, W_INC_MORE, W_FIRST, W_LAST, W_REVERSE_DNS,
	W_COMPARISON, W_EMERGENCY, W_HIGH, W_MEDIUM, W_LOW, W_IGNORE,
	W_RDNS_NOTE, W_UNCONFIRMED,
	W_BLOCKS, W_ADDRESS, W_BLOCKED_AT, W_UNTIL, W_UNTIL_REMOVED, W_ENDED,
	W_IN_FORCE, W_EXPIRED, W_UNBLOCKED, W_REPLACED, W_REASON, W_BLOCKED_BY,
	W_NWORDS,
};

const char *nfips_report_word(enum nfips_report_lang l, enum nfips_report_word w);
/* The grade's name in @l ("-" for not graded). */
const char *nfips_report_grade(enum nfips_report_lang l, int grade);
const char *nfips_report_state(enum nfips_report_lang l, int state);
/* Columns @s takes on a terminal: East Asian wide characters count 2. */
size_t nfips_report_width(const char *s);
/*
 * Appends @s cut to at most @cols columns (a cut ends in "~"), then
 * spaces up to @cols when @pad.
 */
void nfips_report_cell(struct nfips_sbuf *b, const char *s, size_t cols, bool pad);

#endif /* NFIPS_REPORT_H */
