#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with the real pre-commit (`pre-commit try-repo`) on temporary
# repositories: a clean blueprint passes; a broken one fails with the finding printed; a broken
# blueprint excluded by .blueprint-lint.yaml passes even though pre-commit names it explicitly.
#
#   scripts/test_precommit.sh [--bin PATH] [--rust]
#
# By default the `blueprint-lint-system` hook is tested, with PATH's blueprint-lint being
# --bin (default target/debug/blueprint-lint). --rust also tests the `blueprint-lint` hook
# (language: rust) on the failing case, which makes pre-commit build the crate in release mode
# (minutes), so it is off by default (set TEST_PRECOMMIT_RUST=1 to turn it on in CI).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$repo/target/debug/blueprint-lint"
rust="${TEST_PRECOMMIT_RUST:-0}"
while (($#)); do
  case "$1" in
    --bin) binary="$(realpath "$2")"; shift 2 ;;
    --rust) rust=1; shift ;;
    *) echo "usage: $0 [--bin PATH] [--rust]" >&2; exit 2 ;;
  esac
done
if [[ ! -x "$binary" ]]; then
  echo "error: $binary not found (build it first: cargo build)" >&2
  exit 2
fi
tools_bin="$("$repo/scripts/ci_tools.sh" | tail -n 1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com
export PRE_COMMIT_HOME="$work/pre-commit-home" PRE_COMMIT_COLOR=never
mkdir -p "$work/bin"
ln -s "$binary" "$work/bin/blueprint-lint"
export PATH="$tools_bin:$work/bin:$PATH"

# The hook repository: a snapshot of this working tree (tracked and untracked files, minus
# ignored ones), committed, so that uncommitted edits are tested too.
hooks="$work/hook-repo"
mkdir -p "$hooks"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
  while IFS= read -r -d '' f; do
    if [[ -f "$repo/$f" ]]; then
      mkdir -p "$hooks/$(dirname "$f")"
      cp -p "$repo/$f" "$hooks/$f"
    fi
  done
git -C "$hooks" init -q -b main
git -C "$hooks" add -A
git -C "$hooks" commit -q -m snapshot

good='apiVersion: blueprint/v1
kind: RoleBlueprint
id: data-analyst
title: Data Analyst
family: data
level: mid
summary:
  text: Turns questions from the business into analyses and dashboards.
responsibilities:
  - category: technical
    items:
      - title: Build and maintain the dashboards
kpis:
  - id: dashboard-adoption
    name: Dashboard adoption
    weight: 100
qualifications:
  years:
    min: 2
career:
  next:
    - title: Senior Data Analyst
'
# KPI weights adding up to 95.
broken="${good//id: data-analyst/id: data-engineer}"
broken="${broken//family: data/family: engineering}"
broken="${broken//weight: 100/weight: 95}"

passed=0
failed=0
pass() { echo "ok    $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL  $1"
  while IFS= read -r line; do echo "      $line"; done <<<"$2"
  failed=$((failed + 1))
}

consumer() { # a fresh repository with the given files staged
  local dir="$work/consumer-$1"
  shift
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  while (($#)); do
    mkdir -p "$dir/$(dirname "$1")"
    printf '%s' "$2" >"$dir/$1"
    shift 2
  done
  git -C "$dir" add -A
  echo "$dir"
}

try_hook() { # hook-id dir -> sets $out and $status
  status=0
  out="$(cd "$2" && pre-commit try-repo "$hooks" "$1" 2>&1)" || status=$?
}

broken_case() { # hook-id
  local hook="$1" dir
  dir="$(consumer "$hook-broken" roles/data-analyst.blueprint.yaml "$good" \
    roles/data-engineer.blueprint.yaml "$broken")"
  try_hook "$hook" "$dir"
  if [[ $status -ne 0 && "$out" == *"Failed"* && "$out" == *"KPI weights add up to 95, not 100"* &&
    "$out" == *"roles/data-engineer.blueprint.yaml:13:1"* ]]; then
    pass "$hook: a broken blueprint fails with the finding printed"
  else
    fail "$hook: a broken blueprint fails with the finding printed" "$out"
  fi
}

run_suite() {
  local hook="$1"
  local dir
  dir="$(consumer "$hook-clean" roles/data-analyst.blueprint.yaml "$good" README.md "# roles")"
  try_hook "$hook" "$dir"
  if [[ $status -eq 0 && "$out" == *"Passed"* ]]; then
    pass "$hook: a clean blueprint passes"
  else
    fail "$hook: a clean blueprint passes" "$out"
  fi

  broken_case "$hook"

  dir="$(consumer "$hook-excluded" roles/data-analyst.blueprint.yaml "$good" \
    drafts/data-engineer.blueprint.yaml "$broken" \
    .blueprint-lint.yaml $'exclude:\n  - "drafts/**"\n')"
  try_hook "$hook" "$dir"
  if [[ $status -eq 0 && "$out" == *"Passed"* ]]; then
    pass "$hook: a blueprint excluded in the config stays excluded"
  else
    fail "$hook: a blueprint excluded in the config stays excluded" "$out"
  fi
}

echo "pre-commit $(pre-commit --version | awk '{print $2}'), hooks from a snapshot of $repo"
start=$SECONDS
run_suite blueprint-lint-system
echo "      (blueprint-lint-system: $((SECONDS - start)) s)"
if [[ "$rust" == 1 ]]; then
  # Every try-repo builds the hook in a fresh store (a release build of the crate), so the rust
  # hook gets one case: the failing one shows that it builds, runs and reports.
  start=$SECONDS
  broken_case blueprint-lint
  echo "      (blueprint-lint, language: rust, including the release build: $((SECONDS - start)) s)"
fi
echo "$passed passed, $failed failed"
((failed == 0))
