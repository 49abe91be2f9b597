#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfipsctl and the customer policy file, end to end: policy check (exit
# status and file:line messages), policy apply --test, and the edits
# (disable, enable, approve, revoke, mode --policy, grade, suppress) with --no-apply: the
# resulting file, its history (FILE.1 ...), refused edits leaving the file
# untouched. Also the shipped policies/*.conf check clean. Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$top/ctl/nfipsctl/nfipsctl
source "$here/tap.lib"

if [ ! -x "$ctl" ]; then
	echo "Bail out! $ctl not built"
	exit 1
fi
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

cp "$top/policies/default.rules" "$top/policies/classification.config" "$w/"
cat >"$w/site.rules" <<'EOF'
alert tcp any any -> any 80 (msg:"a"; content:"aaa"; sid:1000001; rev:1;)
drop tcp any any -> any 80 (msg:"d"; content:"ddd"; sid:1000002; rev:1;)
# alert tcp any any -> any 80 (msg:"off by default"; content:"ccc"; sid:1000005; rev:1;)
EOF
cat >"$w/p.conf" <<'EOF'
# Customer policy for the CLI test
serial = 3;
customer = { id = "acme"; name = "ACME"; };
sensor = { id = "acme-gw1"; };
mode = "learn";   # until the customer says so
rules = {
	files = [ "site.rules" ];
	variables = { address_groups = { HOME_NET = "10.0.0.0/8"; }; };
};
overrides = (
	# too noisy
	{ sid = 1000001; grade = "low"; }
);
EOF
cp "$w/p.conf" "$w/orig.conf"

# ---- policy check
expect 0 "policy check: a valid policy exits 0" -- "$ctl" policy check "$w/p.conf"
has "p.conf: ok, 0 warning(s)" && has "unapproved=1"; ok $? "policy check: summary"
has "grading: window=600s classtypes=0 overrides=1 hosts=0" &&
	has "grading: 2 rule(s) without a graded classtype (their priority decides), first sid 1000001"
ok $? "policy check: how alerts will be graded, rules without a graded classtype"
expect 0 "policy check -v lists the changes" -- "$ctl" policy check -v "$w/p.conf"
has "sid 1000002 unapproved: no Block approval (drop -> alert)"; ok $? "check -v: a drop rule without approval alerts"

cat >"$w/bad.conf" <<'EOF'
customer = { id = "acme"; name = "ACME"; };
sensor = { id = "acme-gw1"; };
mode = "enforcing";
rules = { files = [ "site.rules" ]; };
contacts = ( { name = "A"; email = "a-at-example"; language = "en"; } );
approvals = ( { sid = 4242; approved_by = "x"; when = "2026-01-01"; } );
EOF
expect 1 "policy check: an invalid policy exits 1" -- "$ctl" policy check "$w/bad.conf"
has "$w/bad.conf:3: error: 'mode' must be one of learn, enforce, not 'enforcing'" &&
	has "$w/bad.conf:5: error: contacts: 'a-at-example' is not an e-mail address" &&
	has "2 error(s), 1 warning(s): invalid policy"
ok $? "policy check: every error with file:line"
sed -i 's/enforcing/enforce/; /contacts/d' "$w/bad.conf"
expect 1 "policy check: an approval for a sid no rule defines" -- "$ctl" policy check "$w/bad.conf"
has "$w/bad.conf:5: error: approval of sid 4242: no rule file defines it"; ok $? "... at its line"
expect 1 "policy check: a missing file exits 1" -- "$ctl" policy check "$w/none.conf"
has "none.conf: error: No such file or directory"; ok $? "... with the reason"
head -c 4096 /bin/sh >"$w/binary.conf"
expect 1 "policy check: a binary file is refused" -- "$ctl" policy check "$w/binary.conf"
expect 2 "policy check without a file is a usage error" -- "$ctl" policy check
for f in "$top"/policies/*.conf; do
	expect 0 "shipped $(basename "$f") checks clean" -- "$ctl" policy check "$f"
	[ "$(basename "$f")" != default.conf ] || has ": ok, 0 warning(s)"; ok $? "... without warnings (default.conf)"
done
expect 0 "policy apply --test POLICY.conf" -- "$ctl" policy apply --test "$w/p.conf"
has "policy ok (--test: not applied)" && has "rules=2 kernel=2"; ok $? "... encodes the policy's rules"
expect 2 "policy apply: --var is for rule files only" -- "$ctl" policy apply --test --var HOME_NET=1.2.3.4 "$w/p.conf"
expect 0 "policy apply --test RULEFILE still works" -- "$ctl" policy apply --test \
	--classification "$w/classification.config" "$w/default.rules"
# Rule files carry no customer approval: their drop rules go unapproved (alert).
expect 0 "policy apply --test RULEFILE with a drop rule" -- "$ctl" policy apply --test "$w/site.rules"
has "drop/reject rules=1 approved=0 (the others only alert)"; ok $? "... the drop rule is sent unapproved"
expect 0 "policy apply --test --approve-all RULEFILE" -- "$ctl" policy apply --test --approve-all "$w/site.rules"
has "drop/reject rules=1 approved=1"; ok $? "... --approve-all approves it (tests, labs)"
expect 2 "policy apply: --approve-all is for rule files only" -- "$ctl" policy apply --test --approve-all "$w/p.conf"
expect 0 "policy apply --test POLICY.conf without an approval" -- "$ctl" policy apply --test "$w/p.conf"
has "unapproved=1" && ! grep -q '^drop/reject' <<<"$out"; ok $? "... its drop rule goes as alert"

# nfips.ko anchors at most 64 rules, the shortest patterns first
# (kmod/anchor.h): a 1-byte pattern, then 63 of 70 2-byte ones in file
# order; the 3-byte one and the last 7 2-byte ones stay in the automaton.
# What nfipsctl reports is what the module does.
{
	echo 'alert udp any any -> any any (msg:"3 bytes"; content:"|f2 00 01|"; depth:4; sid:1000100;)'
	for i in $(seq 0 69); do
		printf 'alert udp any any -> any any (msg:"cap %d"; content:"|f1 %02x|"; depth:2; sid:%d;)\n' \
			"$i" "$i" $((1000200 + i))
	done
	echo 'alert udp any any -> any any (msg:"1 byte"; content:"|f3|"; depth:1; sid:1000300;)'
	echo 'alert udp any any -> any any (msg:"no depth"; content:"|f4|"; sid:1000301;)'
} >"$w/anchor.rules"
expect 0 "policy apply --test: 72 rules fit to be anchored" -- "$ctl" policy apply --test "$w/anchor.rules"
has "anchored kernel rules=64 of 72 eligible" && has "short kernel patterns=72 anchored=64" &&
	has "short kernel pattern 1:1000300 anchored" &&
	has "short kernel pattern 1:1000262 anchored" &&
	grep -qx "  short kernel pattern 1:1000263" <<<"$out" &&
	grep -qx "  short kernel pattern 1:1000269" <<<"$out" &&
	grep -qx "  short kernel pattern 1:1000301" <<<"$out"
ok $? "... 64 anchored, as nfips.ko picks them: shortest first, in rule order"
expect 0 "rules check: the same rules" -- "$ctl" rules check "$w/anchor.rules"
has "short-fast-pattern: 72 (no content over 2 bytes; 72 kernel-decided, 64 of them anchored in nfips.ko)"
ok $? "... counts the anchored ones with the module's cap"

# ---- edits, --no-apply
expect 0 "disable --no-apply" -- "$ctl" disable 1000001 -p "$w/p.conf" --by alice -m "FP" --no-apply
has "serial 4: disable 1000001 (not applied: --no-apply)"; ok $? "... reports the new serial"
grep -q '^	{ sid = 1000001; grade = "low"; disable = true; }$' "$w/p.conf"; ok $? "disable: key added to the entry"
grep -q '^serial = 4;$' "$w/p.conf" && grep -q '^	# too noisy$' "$w/p.conf" &&
	grep -q '^mode = "learn";   # until the customer says so$' "$w/p.conf" &&
	grep -q '^# Customer policy for the CLI test$' "$w/p.conf"
ok $? "disable: serial bumped, the customer's comments kept"
grep -Eq '^# [0-9T:Z-]+ serial 4 by alice: disable 1000001: FP$' "$w/p.conf"; ok $? "disable: history line"
cmp -s "$w/p.conf.1" "$w/orig.conf"; ok $? "disable: the previous version is p.conf.1"
[ -z "$(find "$w" -name '.p.conf.*')" ]; ok $? "no temporary file left"
expect 0 "policy check after disable" -- "$ctl" policy check -v "$w/p.conf"
has "sid 1000001 disabled"; ok $? "... the rule is disabled"

expect 0 "disable again: nothing to change" -- "$ctl" disable 1000001 -p "$w/p.conf" --no-apply
has "nothing to change"; ok $? "... says so"
[ ! -e "$w/p.conf.2" ]; ok $? "... and writes nothing"

expect 0 "enable a commented-out rule" -- "$ctl" enable 1000005 -p "$w/p.conf" --by bob --no-apply
grep -q '{ sid = 1000005; enable = true; }' "$w/p.conf"; ok $? "enable: enable = true"

expect 2 "approve without --by is a usage error" -- "$ctl" approve 1000002 -p "$w/p.conf" --no-apply
expect 2 "approve with a bad date" -- "$ctl" approve 1000002 -p "$w/p.conf" --by x --until tomorrow --no-apply
cp "$w/p.conf" "$w/before.conf"
expect 1 "approve of an unknown sid is refused" -- "$ctl" approve 4242 -p "$w/p.conf" --by x --no-apply
has "sid 4242: no rule file of the policy defines it" && has "unchanged"; ok $? "... with the reason"
cmp -s "$w/p.conf" "$w/before.conf"; ok $? "... the file untouched"
expect 1 "approve with until in the past is refused" -- "$ctl" approve 1000002 -p "$w/p.conf" --by x --until 2020-01-01 --no-apply
expect 0 "approve --by --until --no-apply" -- "$ctl" approve 1000002 -p "$w/p.conf" --by "Taro Yamada" --until 2099-12-31 --ticket CHG-9 --no-apply
grep -Eq '^	\{ sid = 1000002; approved_by = "Taro Yamada"; when = "[0-9T:Z-]+"; until = "2099-12-31"; ticket = "CHG-9"; \}$' "$w/p.conf"
ok $? "approve: the approval entry"
expect 0 "policy check after approve" -- "$ctl" policy check -v "$w/p.conf"
! has "sid 1000002 unapproved" >/dev/null; ok $? "... the drop rule is approved"
has "drop/reject rules=1 approved=1"; ok $? "... and goes to the kernel approved"
expect 0 "revoke" -- "$ctl" revoke 1000002 -p "$w/p.conf" --no-apply
! grep -q 'sid = 1000002' "$w/p.conf"; ok $? "revoke: the approval removed"
expect 1 "revoke without an approval" -- "$ctl" revoke 1000002 -p "$w/p.conf" --no-apply
has "has no Block approval to revoke"; ok $? "... says so"
expect 0 "mode enforce --policy --no-apply" -- "$ctl" mode enforce --policy "$w/p.conf" --no-apply
grep -q '^mode = "enforce";   # until the customer says so$' "$w/p.conf"; ok $? "mode: the value edited in place"
grep -q '^serial = 8;$' "$w/p.conf"; ok $? "serial 8 after five edits"
[ -e "$w/p.conf.5" ] && [ ! -e "$w/p.conf.6" ] && cmp -s "$w/p.conf.5" "$w/orig.conf"
ok $? "five previous versions kept, the oldest is the original"
expect 0 "--keep 2 rotates at two" -- "$ctl" disable 1000002 -p "$w/p.conf" --keep 2 --no-apply
grep -q '^serial = 8;$' "$w/p.conf.1"; ok $? "... p.conf.1 is the previous version"

# grade: the sid's grade override, set in place, added, removed.
cp "$w/orig.conf" "$w/g.conf"
expect 0 "grade medium over an existing grade" -- "$ctl" grade 1000001 medium -p "$w/g.conf" \
	--by alice -m "still worth a look" --no-apply
has "serial 4: grade 1000001 medium (not applied: --no-apply)" &&
	grep -q '^	{ sid = 1000001; grade = "medium"; }$' "$w/g.conf" && grep -q '^	# too noisy$' "$w/g.conf" &&
	grep -Eq '^# [0-9T:Z-]+ serial 4 by alice: grade 1000001 medium: still worth a look$' "$w/g.conf"
ok $? "grade: the value edited in place, comments kept, history line"
expect 0 "grade high of a sid without an override" -- "$ctl" grade 1000002 high -p "$w/g.conf" --no-apply
grep -q '{ sid = 1000002; grade = "high"; }' "$w/g.conf"; ok $? "grade: an entry added"
expect 0 "grade high again: nothing to change" -- "$ctl" grade 1000002 high -p "$w/g.conf" --no-apply
has "nothing to change (grade 1000002 high)"; ok $? "... says so"
expect 0 "grade default" -- "$ctl" grade 1000001 default -p "$w/g.conf" --no-apply
! grep -q 'sid = 1000001' "$w/g.conf"; ok $? "grade default: an entry left empty is removed"
expect 0 "policy check after the grade edits" -- "$ctl" policy check "$w/g.conf"
has "grading: window=600s classtypes=0 overrides=1 hosts=0"; ok $? "... one grade override"
cp "$w/g.conf" "$w/before.conf"
expect 2 "grade with a bad grade" -- "$ctl" grade 1000002 severe -p "$w/g.conf" --no-apply
has "'severe' is not emergency, high, medium, low, ignore or default"; ok $? "... names it"
expect 1 "grade of an unknown sid" -- "$ctl" grade 4242 low -p "$w/g.conf" --no-apply
has "sid 4242: no rule file of the policy defines it"; ok $? "... refused with the reason"
cmp -s "$w/g.conf" "$w/before.conf"; ok $? "... both leave the file untouched"

# suppress: the sid's alerts to some destinations.
expect 0 "suppress --dst" -- "$ctl" suppress 1000002 --dst 10.0.0.30,2001:db8::/64 \
	-p "$w/g.conf" --by alice -m "not their software" --no-apply
grep -q '^	{ sid = 1000002; track = "by_dst"; ip = \[ "10.0.0.30", "2001:db8::/64" \]; }$' "$w/g.conf" &&
	grep -Eq '^# [0-9T:Z-]+ serial 7 by alice: suppress 1000002 by_dst 10.0.0.30,2001:db8::/64: not their software$' "$w/g.conf"
ok $? "suppress: a by_dst suppression added, history line"
expect 0 "suppress of a suppressed address: nothing to change" -- "$ctl" suppress 1000002 \
	--dst 10.0.0.30 -p "$w/g.conf" --no-apply
has "nothing to change"; ok $? "... says so"
cp "$w/g.conf" "$w/before.conf"
expect 1 "suppress of a bad address" -- "$ctl" suppress 1000002 --dst '10.0.0.1";x' \
	-p "$w/g.conf" --no-apply
has "is not an address or a prefix"; ok $? "... names it"
expect 2 "suppress without --dst" -- "$ctl" suppress 1000002 -p "$w/g.conf" --no-apply
cmp -s "$w/g.conf" "$w/before.conf"; ok $? "... the file untouched"
expect 0 "policy check after suppress" -- "$ctl" policy check "$w/g.conf"

# An invalid file is not edited.
cp "$w/p.conf" "$w/good.conf"
sed -i 's/^mode = .*/mode = "enforcing";/' "$w/p.conf"
cp "$w/p.conf" "$w/before.conf"
expect 1 "an edit of an invalid file is refused" -- "$ctl" disable 1000001 -p "$w/p.conf" --no-apply
has "is invalid; fix it first"; ok $? "... says so"
cmp -s "$w/p.conf" "$w/before.conf"; ok $? "... the file untouched"
cp "$w/good.conf" "$w/p.conf"

# Without --no-apply and no module: the apply fails, the file stays.
if [ ! -d /sys/module/nfips ]; then
	cp "$w/p.conf" "$w/before.conf"
	before=$(ls -a "$w")
	expect 1 "an edit whose apply fails" -- "$ctl" enable 1000002 -p "$w/p.conf"
	has "not applied; $w/p.conf and the running policy are unchanged"; ok $? "... says so"
	cmp -s "$w/p.conf" "$w/before.conf"; ok $? "... the file untouched"
	[ "$before" = "$(ls -a "$w")" ]; ok $? "... no version rotated, no temporary file"
else
	echo "# nfips.ko is loaded: apply-failure cases skipped (would change the running policy)"
fi
echo "1..$n"
exit $failed
