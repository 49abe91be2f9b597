// SPDX-License-Identifier: GPL-2.0
/*
 * The tuning report's words, English and Japanese (the languages of the
 * reports and of the policy's contacts): the page an engineer reviews
 * with a Japanese customer is in Japanese. The signatures' messages, the
 * commands and the grading's reasons for a host are data and stay as
 * they are. Templates take their arguments by position, so a language
 * may order them as it needs.
 */
#include "tune_int.h"

static const char *const words[TW_NWORDS][2] = {
	[TW_TITLE] = { "Tuning report", "チューニングレポート" },
	[TW_POLICY] = { "Policy", "ポリシー" },
	[TW_POLICY_LINE] = { "%1$s, serial %2$lld, %3$s mode, %4$zu rules loaded",
			     "%1$s、シリアル %2$lld、%3$s モード、ルール %4$zu 件" },
	[TW_PERIOD_LINE] = { "%1$s to %2$s", "%1$s 〜 %2$s" },
	[TW_ALERTS] = { "Alerts", "検知" },
	[TW_ALERTS_LINE] = { "%1$llu from %2$zu signatures", "%2$zu シグネチャから %1$llu 件" },
	[TW_SIGNATURES] = { "%zu signatures", "%zu シグネチャ" },
	[TW_NOISIEST] = { "Noisiest signatures", "検知数の多いシグネチャ" },
	[TW_H_ALERTS] = { "Alerts", "件数" },
	[TW_H_SHARE] = { "Share", "割合" },
	[TW_H_SOURCES] = { "Sources", "送信元" },
	[TW_H_TARGETS] = { "Targets", "宛先" },
	[TW_H_HOURS] = { "Hours", "時間数" },
	[TW_H_HIGHEST] = { "Highest", "最高" },
	[TW_H_HIGHEST_GRADE] = { "Highest grade", "最高の評価" },
	[TW_H_FP] = { "FP", "誤検知" },
	[TW_H_FALSE_POS] = { "False positives", "誤検知" },
	[TW_H_SIGNATURE] = { "Signature", "シグネチャ" },
	[TW_H_ID] = { "Id", "ID" },
	[TW_H_WHY] = { "Why", "理由" },
	[TW_H_COMMAND] = { "Command", "コマンド" },
	[TW_NONE] = { "none", "なし" },
	[TW_MORE] = { "... %zu more (--format json lists all)",
		      "... ほか %zu 件 (--format json ですべて表示)" },
	[TW_SEC_BLOCK] = { "Block candidates (approve)", "遮断の候補 (承認)" },
	[TW_SEC_UNAFFECTED] = { "Signatures firing at hosts they cannot affect (disable, or "
				"suppress to those hosts)",
				"影響を受けないホストへの検知 (無効化、またはそのホストへの抑止)" },
	[TW_SEC_NOISY] = { "Noisy signatures (disable, or grade low when graded medium)",
			   "検知の多すぎるシグネチャ (無効化、評価が中なら低に)" },
	[TW_SEC_SILENT] = { "Signatures that never fired (disable; applied only when named "
			    "with --only)",
			    "一度も検知しなかったシグネチャ (無効化。--only で指定したときだけ適用)" },
	[TW_CARD_BLOCK] = { "approve", "承認" },
	[TW_CARD_UNAFFECTED] = { "disable or suppress", "無効化または抑止" },
	[TW_CARD_NOISY] = { "disable or grade low", "無効化または低に" },
	[TW_CARD_SILENT] = { "disable", "無効化" },
	[TW_SUMMARY] = { "Summary", "概要" },
	[TW_APPLY_TEXT] = { "To apply the suggestions (all but the silent ones, or those "
			    "named with --only ID,...):",
			    "提案の適用 (一度も検知しなかったもの以外のすべて、または "
			    "--only ID,... で指定したもの):" },
	[TW_APPLYING] = { "Applying", "適用" },
	[TW_APPLY_HINT] = { "Every suggestion but the silent ones, or those named with --only "
			    "ID,...; each edit is recorded in the policy's history.",
			    "一度も検知しなかったもの以外のすべての提案、または --only ID,... "
			    "で指定したものを適用します。変更はそれぞれポリシーの履歴に記録され"
			    "ます。" },
	[TW_WHY_BLOCK] = { "%1$s rule waiting for approval; %2$llu alerts, all graded high or "
			   "above; no false positive",
			   "承認待ちの %1$s ルール。%2$llu 件すべて高以上の評価、誤検知なし" },
	[TW_WHY_ONLY_TARGET] = { "its only target, %1$s", "唯一の宛先 %1$s" },
	[TW_WHY_ALL_TARGETS] = { "all %1$zu targets are not affected, e.g. %2$s",
				 "宛先 %1$zu 台すべてが影響を受けない。例: %2$s" },
	[TW_WHY_NOISY] = { "%1$llu alerts (%2$u.%3$u%%), %4$llu sources, %5$llu targets, "
			   "%6$llu hours; at most %7$s%8$s",
			   "%1$llu 件 (%2$u.%3$u%%)、送信元 %4$llu、宛先 %5$llu、%6$llu 時間。"
			   "評価は最高で%7$s%8$s" },
	[TW_WHY_FP] = { "; closed as false positive", "。誤検知としてクローズ済み" },
	[TW_NOT_GRADED] = { "not graded", "未評価" },
	[TW_WHY_SOME_TARGETS] = { "%1$zu of %2$zu targets are not affected%3$s, e.g. %4$s",
				  "宛先 %2$zu 台のうち %1$zu 台が影響を受けない%3$s。例: %4$s" },
	[TW_FIRST_64] = { " (the first 64 named)", " (最初の 64 台を指定)" },
	[TW_WHY_SILENT] = { "no alert in the period", "期間中の検知なし" },
};

const char *nfips_tune_word(int lang, enum nfips_tune_word w)
{
	return words[w][lang == NFIPS_REPORT_JA];
}
