#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The shipped default policy (policies/default.rules) parses with zero
# errors, every rule is classified as its metadata says, the kernel takes
# every rule, and replayed attacks raise exactly the expected signatures:
# see default_policy_test.py. Prints TAP lines.
exec /usr/bin/python3 "$(dirname "$0")/default_policy_test.py" "$@"
