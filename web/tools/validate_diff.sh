#!/usr/bin/env bash
# Differential check of two netready binaries' validator: runs
# `netready validate --format json` with both on every scenario of
# tests/data/validate (× profile, --assign-public-ip, --fix-format, --region,
# up to four --subnet choices), on pairs of scenarios mixed, on every input of
# the vpc_parse fuzz corpus and regressions, and on the 1,000-subnet VPC of
# web/bench/gen-vpc.mjs, and reports any difference in output or exit code.
# Used to show that a refactoring of core's evaluation changed no report.
#
#   web/tools/validate_diff.sh OLD_NETREADY NEW_NETREADY
#
# Offline: the validator reads files only (AWS_EC2_METADATA_DISABLED is set
# anyway). Exit status 1 when any run differs, except that a run whose only
# difference is the words of an input error about JSON syntax (same file,
# line and column, exit code 2 from both) or about a top-level value that is
# not an object is counted apart, as "wording only", and listed with
# WORDING=1: those words are not a contract (DESIGN.md: the message names the
# file, the JSON path and what was expected), their place is.
set -uo pipefail
OLD=${1:?usage: validate_diff.sh OLD_NETREADY NEW_NETREADY}
NEW=${2:?usage: validate_diff.sh OLD_NETREADY NEW_NETREADY}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AWS_EC2_METADATA_DISABLED=true
GEN="$(mktemp -d)"
trap 'rm -rf "$GEN"' EXIT
node "$ROOT/web/bench/gen-vpc.mjs" "$GEN" >/dev/null
n=0
bad=0
wording=0
# An error message cut after the place it names.
place() {
  sed -E 's/(not valid JSON:).*/\1/; s/(\(top level\): expected an object, as aws ec2 describe-\* prints, found ).*/\1/'
}
check() {
  local o r
  o=$("$OLD" validate --format json "$@" 2>&1; echo "rc=$?")
  r=$("$NEW" validate --format json "$@" 2>&1; echo "rc=$?")
  n=$((n + 1))
  if [[ "$o" != "$r" ]]; then
    if [[ "$o" == *$'\nrc=2' && "$r" == *$'\nrc=2' && "$(place <<<"$o")" == "$(place <<<"$r")" ]]; then
      wording=$((wording + 1))
      if [[ -n "${WORDING:-}" ]]; then
        echo "WORDING: $*"
        diff <(echo "$o") <(echo "$r") | head -5
      fi
      return
    fi
    bad=$((bad + 1))
    echo "DIFF: $*"
    diff <(echo "$o") <(echo "$r") | head -5
  fi
}
for d in "$ROOT"/tests/data/validate/*/; do
  mapfile -t files < <(ls "$d"*.json | grep -v expected)
  for extra in "" "--profile private" "--assign-public-ip true" "--profile private --assign-public-ip true" \
    "--region eu-west-1" "--fix-format powershell" "--fix-format powershell --profile private --assign-public-ip true"; do
    # shellcheck disable=SC2086 # the options are words
    check $extra "${files[@]}"
  done
  for s in $(grep -ho '"SubnetId": *"[^"]*"' "${files[@]}" | sed 's/.*"\(subnet-[^"]*\)"/\1/' | sort -u | head -4); do
    check --subnet "$s" "${files[@]}"
    check --subnet "$s" --profile private "${files[@]}"
  done
done
dirs=("$ROOT"/tests/data/validate/*/)
for ((i = 0; i < ${#dirs[@]}; i += 3)); do
  j=$(((i + 7) % ${#dirs[@]}))
  mapfile -t files < <(ls "${dirs[$i]}"*.json "${dirs[$j]}"*.json | grep -v expected)
  check --region us-east-1 "${files[@]}"
done
for f in "$ROOT"/fuzz/corpus/vpc_parse/* "$ROOT"/fuzz/regressions/vpc_parse*; do
  [[ -f "$f" ]] || continue
  check --region eu-west-1 "$f"
  check --region eu-west-1 --profile private "$f"
  check --region eu-west-1 --fix-format powershell "$f"
done
check "$GEN"/*.json
check --profile private "$GEN"/*.json
echo "validate_diff.sh: $n runs, $bad differing, $wording differing in the words of a JSON syntax error only"
[[ $bad -eq 0 ]]
