#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The customer policy file in the gateway: policy apply FILE.conf sets the
# policy's mode and applies its rules with Block approvals: in enforce mode
# the approved drop rule drops, the unapproved one (and the one whose
# approval expired) only alerts; revoke, approve, disable and mode --policy
# edit the file and apply it at once; an invalid policy or edit leaves the
# running policy (serial, mode, rules) and the file untouched.
set -u
source "$(dirname "$0")/lib.sh"

require_guest
require_cmd ip ss socat timeout
require_nfipsctl

tmp=$(mktemp -d)
on_exit "rm -rf '$tmp'"
setup_topology

cat >"$tmp/site.rules" <<'RULES'
drop tcp any any -> any 7001 (msg:"approved"; content:"BLOCKOKQ"; sid:1001; rev:1;)
drop tcp any any -> any 7001 (msg:"not approved"; content:"NOAPPROVALQ"; sid:1002; rev:1;)
drop tcp any any -> any 7001 (msg:"approval expired"; content:"OLDAPPROVALQ"; sid:1003; rev:1;)
alert tcp any any -> any 7001 (msg:"watch"; content:"WATCHX"; sid:1004; rev:1;)
RULES
cat >"$tmp/p.conf" <<'CONF'
# kernel test policy
serial = 1;
customer = { id = "test"; name = "Kernel test"; };
sensor = { id = "gw"; };
mode = "enforce";
rules = { files = [ "site.rules" ]; variables = { address_groups = { HOME_NET = "any"; }; }; };
approvals = (
	{ sid = 1001; approved_by = "tester"; when = "2020-01-01"; },
	{ sid = 1003; approved_by = "tester"; when = "2020-01-01"; until = "2020-12-31"; }
);
CONF

out=$(gwctl policy apply "$tmp/p.conf" 2>&1) || fail "policy apply p.conf: $out"
echo "$out" | grep -q '^serial=' || fail "policy apply printed no serial: $out"
echo "$out" | grep -q 'unapproved=2' || fail "policy apply: want 2 unapproved rules: $out"
gwctl status | grep -qx 'mode: enforce' || fail "the policy's mode was not set"
log "policy file applied: mode enforce, 2 drop rules without a valid approval"

start_collectors "$tmp"
send_tcp 4 "$server4" 7001 "xxBLOCKOKQxx"
send_tcp 4 "$server4" 7001 "xxNOAPPROVALQxx"
send_tcp 4 "$server4" 7001 "xxOLDAPPROVALQxx"
send_tcp 4 "$server4" 7001 "marker-1"
received "$tmp/tcp4" "marker-1" || fail "traffic after the drop lost"
grep -q 'xxBLOCKOKQ' "$tmp/tcp4" && fail "approved drop rule did not drop"
grep -q 'xxNOAPPROVALQ' "$tmp/tcp4" || fail "drop rule without approval dropped"
grep -q 'xxOLDAPPROVALQ' "$tmp/tcp4" || fail "drop rule with an expired approval dropped"
[ "$(gw_hits 1002)" -ge 1 ] || fail "sid 1002 did not alert (hits $(gw_hits 1002))"
log "approved rule drops; unapproved and expired ones alert"

# An invalid policy: refused, the running policy stays.
serial=$(gwctl status | sed -n 's/^policy serial: //p')
sed 's/mode = "enforce";/mode = "enforcing";/' "$tmp/p.conf" >"$tmp/bad.conf"
gwctl policy apply "$tmp/bad.conf" >/dev/null 2>&1 && fail "invalid policy applied"
[ "$(gwctl status | sed -n 's/^policy serial: //p')" = "$serial" ] ||
	fail "invalid policy changed the running serial"

# revoke: edits the file and applies it: the rule alerts now.
cp "$tmp/p.conf" "$tmp/p.before"
out=$(gwctl revoke 1001 -p "$tmp/p.conf" --by tester 2>&1) || fail "revoke: $out"
echo "$out" | grep -q 'serial 2: revoke 1001, applied' || fail "revoke: $out"
cmp -s "$tmp/p.conf.1" "$tmp/p.before" || fail "revoke: previous version not kept"
send_tcp 4 "$server4" 7001 "yyBLOCKOKQyy"
send_tcp 4 "$server4" 7001 "marker-2"
received "$tmp/tcp4" "marker-2" || fail "traffic after revoke lost"
grep -q 'yyBLOCKOKQ' "$tmp/tcp4" || fail "revoked rule still drops"
log "revoke: applied at once, the rule alerts"

# approve: drops again.
out=$(gwctl approve 1002 -p "$tmp/p.conf" --by tester --until 2099-12-31 2>&1) ||
	fail "approve: $out"
send_tcp 4 "$server4" 7001 "zzNOAPPROVALQzz"
send_tcp 4 "$server4" 7001 "marker-3"
received "$tmp/tcp4" "marker-3" || fail "traffic after approve lost"
grep -q 'zzNOAPPROVALQ' "$tmp/tcp4" && fail "approved rule did not drop"
log "approve: applied at once, the rule drops"

# mode learn in the file: nothing drops.
gwctl mode learn --policy "$tmp/p.conf" --by tester >/dev/null || fail "mode learn --policy"
gwctl status | grep -qx 'mode: learn' || fail "mode --policy did not set the kernel's mode"
grep -q '^mode = "learn";' "$tmp/p.conf" || fail "mode --policy did not edit the file"
send_tcp 4 "$server4" 7001 "llNOAPPROVALQll"
received "$tmp/tcp4" "llNOAPPROVALQ" || fail "learn mode dropped"

# disable: the rule is gone from the kernel.
gwctl disable 1004 -p "$tmp/p.conf" --by tester >/dev/null || fail "disable"
[ -z "$(gw_hits 1004)" ] || fail "disabled sid 1004 still in the kernel"
grep -q '^serial = 5;' "$tmp/p.conf" || fail "serial not 5 after four edits"

# An edit that cannot apply (approval of a sid no rule defines): refused.
cp "$tmp/p.conf" "$tmp/p.before"
serial=$(gwctl status | sed -n 's/^policy serial: //p')
gwctl approve 4242 -p "$tmp/p.conf" --by tester >/dev/null 2>&1 && fail "approve of an unknown sid"
cmp -s "$tmp/p.conf" "$tmp/p.before" || fail "a refused edit changed the file"
[ "$(gwctl status | sed -n 's/^policy serial: //p')" = "$serial" ] ||
	fail "a refused edit changed the running policy"
log "edits apply at once; refused ones change nothing"
exit "$ksft_pass"
