#!/usr/bin/env bash
# Lints action.yml and examples/workflows/blueprints.yml; fails on any finding.
#
#   - zizmor (pedantic persona, offline) action.yml and the example workflow
#   - actionlint                         the example workflow, plus a self-test workflow that
#                                        uses the action as `./` with every input and output, so
#                                        actionlint checks the action's metadata too (actionlint
#                                        lints workflows, not action.yml on its own)
#   - shellcheck                         every `run:` script of action.yml (actionlint does not
#                                        look inside composite actions)
#
# Tools come from scripts/ci_tools.sh (installed on first use).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$("$repo/scripts/ci_tools.sh" | tail -n 1)"
export PATH="$tools_bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== zizmor $(zizmor --version | awk '{print $2}')"
zizmor --offline --persona=pedantic --no-progress "$repo/action.yml" "$repo/examples/workflows/blueprints.yml"

echo "== actionlint $(actionlint -version | head -n 1)"
project="$work/project"
mkdir -p "$project/.github/workflows"
git -C "$project" init -q
cp "$repo/action.yml" "$project/action.yml"
cp "$repo/examples/workflows/blueprints.yml" "$project/.github/workflows/blueprints.yml"
cat >"$project/.github/workflows/selftest.yml" <<'EOF'
name: selftest
on: [pull_request]
permissions: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: ./
        id: blueprints
        with:
          paths: |
            roles
            teams
          config: .blueprint-lint.yaml
          fail-on: warning
          changed-only: auto
          sarif-file: blueprint-lint.sarif
          summary: "true"
          version: ""
          working-directory: .
          fetch-history: auto
          history-days: "400"
      - run: echo "$ERRORS $WARNINGS $SARIF"
        env:
          ERRORS: ${{ steps.blueprints.outputs.errors }}
          WARNINGS: ${{ steps.blueprints.outputs.warnings }}
          SARIF: ${{ steps.blueprints.outputs.sarif-file }}
EOF
(cd "$project" && actionlint -shellcheck="$tools_bin/shellcheck" -pyflakes= -no-color)

echo "== shellcheck $(shellcheck --version | sed -n 's/^version: //p') on the run: scripts of action.yml"
"$tools_bin/python" - "$repo/action.yml" "$work" <<'EOF'
import sys, yaml, pathlib
action = yaml.safe_load(open(sys.argv[1]))
out = pathlib.Path(sys.argv[2])
for n, step in enumerate(action["runs"]["steps"]):
    if "run" in step:
        # The runner's `shell: bash` runs the script as `bash -e -o pipefail FILE`.
        (out / f"step-{n}.sh").write_text("#!/usr/bin/env bash\n" + step["run"])
EOF
shellcheck --severity=style --shell=bash "$work"/step-*.sh
echo "action lint: zizmor, actionlint and shellcheck report nothing"
