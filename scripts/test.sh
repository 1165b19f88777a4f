#!/usr/bin/env bash
# The test command: every test of the project, from a fresh machine with Rust and Python 3.
#   1. the Rust test suite (unit tests, CLI tests on the real binary, fixtures, docs, git history);
#   2. the GitHub Action run step by step as the runner would, its lint (actionlint, zizmor,
#      shellcheck) and the pre-commit hooks with the real pre-commit. Their tools are installed
#      from PyPI into a cached virtualenv by scripts/ci_tools.sh.
# Set TEST_PRECOMMIT_RUST=1 to also build the `language: rust` hook (a release build: minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust tests"
cargo test --locked

echo "== GitHub Action and pre-commit"
cargo build --locked --quiet
TOOLS_BIN="$(scripts/ci_tools.sh | tail -n 1)"
scripts/lint_actions.sh
"$TOOLS_BIN/python" scripts/test_action.py --bin target/debug/blueprint-lint
scripts/test_precommit.sh --bin target/debug/blueprint-lint
