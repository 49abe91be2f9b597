// SPDX-License-Identifier: GPL-2.0
/*
 * The words of a report in each language the contacts read (the policy's
 * contact languages: en, ja), and the columns a string takes on a
 * terminal, so that a Japanese text report fits 100 columns too.
 */
#include <string.h>

#include "report.h"

static const char *const words[W_NWORDS][2] = {
	[W_TITLE_DAILY] = { "Daily intrusion prevention report", "侵入防御 日次レポート" },
	[W_TITLE_MONTHLY] = { "Monthly intrusion prevention report", "侵入防御 月次レポート" },
	[W_CUSTOMER] = { "Customer", "お客様" },
	[W_SENSOR] = { "Sensor", "センサー" },
	[W_PERIOD] = { "Period", "対象期間" },
	[W_TZ] = { "Time zone", "タイムゾーン" },
	[W_GENERATED] = { "Generated", "作成日時" },
	[W_SUMMARY] = { "Summary", "概要" },
	[W_TOTAL] = { "Total", "合計" },
	[W_BLOCKED] = { "Blocked", "遮断" },
	[W_ALERTED] = { "Alerted", "検知のみ" },
	[W_GRADE] = { "Grade", "重要度" },
	[W_PREVIOUS] = { "Previous", "前期間" },
	[W_CHANGE] = { "Change", "増減" },
	[W_BY_GRADE] = { "Alerts by grade and action", "重要度・対処別の件数" },
	[W_NOT_GRADED] = { "not graded", "未評価" },
	[W_INCIDENTS] = { "Incidents", "インシデント" },
	[W_OPEN] = { "open", "未対応" },
	[W_ACKED] = { "acknowledged", "確認済" },
	[W_CLOSED] = { "closed", "完了" },
	[W_STATE] = { "State", "状態" },
	[W_NOTE] = { "Note", "メモ" },
	[W_BY] = { "by", "担当" },
	[W_ID] = { "ID", "ID" },
	[W_SIGNATURE] = { "Signature", "シグネチャ" },
	[W_SOURCE] = { "Source", "送信元" },
	[W_TARGET] = { "Target", "宛先" },
	[W_PORT] = { "Port", "ポート" },
	[W_COUNT] = { "Count", "件数" },
	[W_TOP_SIGS] = { "Top signatures", "検知の多いシグネチャ" },
	[W_TOP_SRCS] = { "Top sources", "攻撃元の上位" },
	[W_TOP_DSTS] = { "Top targeted hosts", "攻撃先ホストの上位" },
	[W_TOP_PORTS] = { "Top targeted ports", "攻撃先ポートの上位" },
	[W_HIST_HOURLY] = { "Alerts per hour", "時間帯別の件数" },
	[W_HIST_DAILY] = { "Alerts per day", "日別の件数" },
	[W_HOUR] = { "Hour", "時" },
	[W_DAY] = { "Day", "日" },
	[W_NEW_SIGS] = { "Signatures seen for the first time", "初めて検知したシグネチャ" },
	[W_NONE] = { "none", "なし" },
	[W_ALERT_TABLE] = { "Alerts", "検知一覧" },
	[W_DATE] = { "Date", "日付" },
	[W_TIME] = { "Time", "時刻" },
	[W_SID] = { "Sig ID", "シグネチャID" },
	[W_ATTACK] = { "Attack", "攻撃名" },
	[W_SRC_ADDR] = { "Source address", "送信元アドレス" },
	[W_SRC_PORT] = { "Src port", "送信元ポート" },
	[W_DST_ADDR] = { "Destination address", "宛先アドレス" },
	[W_DST_PORT] = { "Dst port", "宛先ポート" },
	[W_PROTO] = { "Proto", "プロトコル" },
	[W_IFACE] = { "Interface", "インターフェース" },
	[W_ACTION] = { "Action", "対処" },
	[W_SHOWN] = { "shown: the first %1$zu of %2$llu", "表示: %2$llu 件中 最初の %1$zu 件" },
	[W_RDNS_NONE] = { "Reverse DNS: the store records no host names; none are looked up "
			  "for a report.",
			  "逆引き: ストアにホスト名の記録がないため表示しません(レポート作成時に"
			  "問い合わせはしません)。" },
	[W_AGG_DAYS] = { "%u day(s) of this period are from the daily aggregates "
			 "(their raw alerts are past retention).",
			 "この期間のうち %u 日分は日次集計によります(個々の検知は保存期間を"
			 "過ぎて削除済み)。" },
	[W_AGG_NO_TABLE] = { "Alerts of days past retention are not listed one by one.",
			     "保存期間を過ぎた日の検知は一件ずつは表示できません。" },
	[W_AGG_NO_INCIDENTS] = { "Incidents of days past retention were removed with their alerts.",
				 "保存期間を過ぎた日のインシデントは検知とともに削除済みです。" },
	[W_HIST_PARTIAL] = { "Hours are not known for a day past retention.",
			     "保存期間を過ぎた日は時間帯別の件数がありません。" },
	[W_INC_MORE] = { "the first %1$zu of %2$llu listed", "%2$llu 件中 %1$zu 件を表示" },
	[W_FIRST] = { "First seen", "初回" },
	[W_LAST] = { "Last seen", "最終" },
	[W_REVERSE_DNS] = { "Host name", "ホスト名" },
	[W_RDNS_NOTE] = { "Host names: the reverse DNS nfipsd recorded when it stored the "
			  "alerts, with the day it was looked up; none is looked up for a "
			  "report. \"unconfirmed\": the name does not resolve back to the "
			  "address (whoever holds the address wrote it).",
			  "ホスト名:nfipsdが検知の保存時に記録した逆引き結果(問い合わせた日付"
			  "つき)です。レポート作成時には問い合わせません。「未確認」:その名前を"
			  "正引きしても元のアドレスにならないもの(アドレスの管理者が自由に設定"
			  "できる名前です)。" },
	[W_UNCONFIRMED] = { "unconfirmed", "未確認" },
	[W_COMPARISON] = { "Comparison with the previous period", "前期間との比較" },
	[W_EMERGENCY] = { "emergency", "緊急" },
	[W_HIGH] = { "high", "高" },
	[W_MEDIUM] = { "medium", "中" },
	[W_LOW] = { "low", "低" },
	[W_IGNORE] = { "ignore", "対象外" },
	[W_BLOCKS] = { "Blocks (temporary, by the SOC)", "一時遮断 (SOC による)" },
	[W_ADDRESS] = { "Address", "アドレス" },
	[W_BLOCKED_AT] = { "Blocked at", "遮断開始" },
	[W_UNTIL] = { "Until", "期限" },
	[W_UNTIL_REMOVED] = { "until removed", "解除まで" },
	[W_ENDED] = { "Ended", "終了" },
	[W_IN_FORCE] = { "in force", "継続中" },
	[W_EXPIRED] = { "expired", "期限切れ" },
	[W_UNBLOCKED] = { "unblocked", "解除" },
	[W_REPLACED] = { "blocked again", "再設定" },
	[W_REASON] = { "Reason", "理由" },
	[W_BLOCKED_BY] = { "Blocked by", "実施者" },
};

const char *nfips_report_word(enum nfips_report_lang l, enum nfips_report_word w)
{
	return words[w][l == NFIPS_REPORT_JA];
}

const char *nfips_report_grade(enum nfips_report_lang l, int grade)
{
	static const enum nfips_report_word g[] = {
		W_IGNORE, W_LOW, W_MEDIUM, W_HIGH, W_EMERGENCY,
	};

	if (grade < 0 || grade > 4)
		return nfips_report_word(l, W_NOT_GRADED);
	return nfips_report_word(l, g[grade]);
}

const char *nfips_report_state(enum nfips_report_lang l, int state)
{
	return nfips_report_word(l, state == 1 ? W_ACKED : state == 2 ? W_CLOSED : W_OPEN);
}

/* The code point at @s (UTF-8), its length in *len; bad bytes are one column. */
static unsigned int decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*len = 2;
		return (s[0] & 0x1fu) << 6 | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*len = 3;
		return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3f);
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		*len = 4;
		return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 |
		       (s[3] & 0x3f);
	}
	*len = 1;
	return '?';
}

/* East Asian Wide and Fullwidth (Unicode TR 11), the ranges that matter. */
static size_t cols(unsigned int c)
{
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t nfips_report_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, len;

	while (*p) {
		w += cols(decode(p, &len));
		p += len;
	}
	return w;
}

void nfips_report_cell(struct nfips_sbuf *b, const char *s, size_t width, bool pad)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	bool cut = nfips_report_width((const char *)p) > width;
	size_t limit = cut && width ? width - 1 : width, w = 0, len, c;

	while (*p) {
		unsigned int cp = decode(p, &len);

		c = cols(cp);
		if (w + c > limit)
			break;
		/* control characters from a signature never reach a terminal */
		if (cp < 0x20 || cp == 0x7f)
			nfips_sbuf_add(b, "?", 1);
		else
			nfips_sbuf_add(b, p, len);
		w += c;
		p += len;
	}
	if (cut && width) {
		nfips_sbuf_add(b, "~", 1);
		w++;
	}
	while (pad && w++ < width)
		nfips_sbuf_add(b, " ", 1);
}
