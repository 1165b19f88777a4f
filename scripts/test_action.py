#!/usr/bin/env python3
"""Runs the steps of action.yml the way the GitHub Actions runner runs a composite action,
against temporary git repositories, and checks what a user would see: annotations, outputs,
the job summary, the exit status, and that hostile inputs are inert.

What is emulated, as the runner does it: `${{ }}` expressions in `env`, `with`, `if`,
`working-directory` and the action's `outputs` (a small evaluator for the subset the action
uses); `shell: bash` as `bash --noprofile --norc -eo pipefail FILE`; a fresh GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY file per step; GITHUB_ACTION_PATH, GITHUB_WORKSPACE, RUNNER_TEMP, the
event payload; steps after a failure are skipped. `actions/cache` is emulated as a cache miss.
Expressions inside `run:` would be an injection hole, so they are refused outright.

Usage: python3 scripts/test_action.py [--bin target/debug/blueprint-lint]
Needs PyYAML (scripts/ci_tools.sh installs it in its venv, with pre-commit). Prints one line
per scenario and a closing "N passed, N failed".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = Path(os.environ.get("ACTION_YML", ROOT / "action.yml"))

# --------------------------------------------------------------------------- expressions


class ExprError(Exception):
    pass


TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot parse expression at: {text[pos:]!r}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def to_str(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def truthy(value) -> bool:
    return value not in (None, False, "", 0)


def loose_eq(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings case-insensitively
    return a == b


class Evaluator:
    def __init__(self, contexts: dict, status: dict):
        self.contexts = contexts
        self.status = status  # {"failed": bool}

    def evaluate(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        value = self.parse_or()
        if self.i != len(self.tokens):
            raise ExprError(f"unexpected {self.tokens[self.i]} in {text!r}")
        return value

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ExprError(f"expected {value}, found {tok}")
        self.i += 1
        return tok

    def parse_or(self):
        left = self.parse_and()
        while self.peek()[1] == "||":
            self.take()
            right = self.parse_and()
            left = left if truthy(left) else right
        return left

    def parse_and(self):
        left = self.parse_cmp()
        while self.peek()[1] == "&&":
            self.take()
            right = self.parse_cmp()
            left = right if truthy(left) else left
        return left

    def parse_cmp(self):
        left = self.parse_unary()
        while self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            right = self.parse_unary()
            left = loose_eq(left, right) if op == "==" else not loose_eq(left, right)
        return left

    def parse_unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self):
        kind, value = self.take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value) if "." in value else int(value)
        if value == "(":
            inner = self.parse_or()
            self.take(")")
            return inner
        if kind == "id":
            if value in ("true", "false"):
                return value == "true"
            if value == "null":
                return None
            if self.peek()[1] == "(":
                self.take("(")
                self.take(")")
                return self.call(value)
            return self.lookup(value)
        raise ExprError(f"unexpected token {value!r}")

    def call(self, name: str):
        if name == "always":
            return True
        if name == "success":
            return not self.status["failed"]
        if name == "failure":
            return self.status["failed"]
        raise ExprError(f"unsupported function {name}()")

    def lookup(self, dotted: str):
        parts = dotted.split(".")
        if parts[0] not in self.contexts:
            raise ExprError(f"unknown context {parts[0]!r}")
        value = self.contexts[parts[0]]
        for part in parts[1:]:
            value = value.get(part) if isinstance(value, dict) else None
        return value


EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(text, ev: Evaluator) -> str:
    if not isinstance(text, str):
        return to_str(text)
    return EXPR.sub(lambda m: to_str(ev.evaluate(m.group(1))), text)


def condition(text, ev: Evaluator) -> bool:
    if text is None:
        return not ev.status["failed"]
    if isinstance(text, bool):
        return text
    text = str(text).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    uses_status = re.search(r"\b(always|success|failure|cancelled)\(\)", text)
    value = truthy(ev.evaluate(text))
    return value if uses_status else (value and not ev.status["failed"])


# --------------------------------------------------------------------------- the runner


def parse_file_command(path: Path) -> dict:
    """Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` blocks."""
    out = {}
    if not path.exists():
        return out
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(value)
        else:
            name, value = line.split("=", 1)
            out[name] = value
    return out


class Run:
    def __init__(self):
        self.log = ""
        self.outputs: dict[str, str] = {}
        self.summary = ""
        self.failed = False
        self.steps: dict[str, dict] = {}
        self.ran: list[str] = []
        self.uses_calls: list[dict] = []

    def annotations(self) -> list[dict]:
        found = []
        for line in self.log.splitlines():
            m = re.match(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$", line)
            if not m:
                continue
            props = {}
            for part in (m.group(2) or "").split(","):
                if "=" in part:
                    k, v = part.split("=", 1)
                    props[k] = unescape(v)
            found.append({"kind": m.group(1), "props": props, "message": unescape(m.group(3)), "raw": line})
        return found


def unescape(s: str) -> str:
    return (
        s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    )


def run_action(
    action: dict,
    inputs: dict,
    workspace: Path,
    temp: Path,
    path_dirs: list[Path],
    event_name: str = "push",
    event: dict | None = None,
    action_ref: str = "v1",
) -> Run:
    run = Run()
    defaults = {k: to_str(v.get("default", "")) for k, v in (action.get("inputs") or {}).items()}
    for k in inputs:
        if k not in defaults:
            raise AssertionError(f"input {k!r} is not declared in action.yml")
    merged = {**defaults, **{k: to_str(v) for k, v in inputs.items()}}
    runner_temp = temp / "runner-temp"
    runner_temp.mkdir(parents=True, exist_ok=True)
    event = event or {}
    event_path = temp / "event.json"
    event_path.write_text(json.dumps(event))
    status = {"failed": False}
    contexts = {
        "inputs": merged,
        "steps": run.steps,
        "github": {
            "event_name": event_name,
            "event": event,
            "action_ref": action_ref,
            "action_path": str(ROOT),
            "workspace": str(workspace),
        },
        "runner": {"os": "Linux", "arch": "X64", "temp": str(runner_temp)},
        "env": {},
    }
    ev = Evaluator(contexts, status)
    base_env = {
        "PATH": os.pathsep.join([str(p) for p in path_dirs] + ["/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_ACTION_REF": action_ref,
        "GITHUB_ACTION_REPOSITORY": "blueprint-lint/blueprint-lint",
        "RUNNER_TEMP": str(runner_temp),
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        # git in a sandbox: no user config, and a fixed identity for any commit.
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    for n, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id") or f"__step{n}"
        name = step.get("name", sid)
        if not condition(step.get("if"), ev):
            run.steps[sid] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            continue
        run.ran.append(name)
        if "uses" in step:
            with_ = {k: interpolate(v, ev) for k, v in (step.get("with") or {}).items()}
            run.uses_calls.append({"uses": step["uses"], "with": with_})
            if step["uses"].startswith("actions/cache@"):
                run.steps[sid] = {"outputs": {"cache-hit": "false"}, "outcome": "success", "conclusion": "success"}
                continue
            raise AssertionError(f"no emulation for {step['uses']}")
        script = step["run"]
        if "${{" in script:
            raise AssertionError(f"step {name!r} interpolates an expression into its script")
        if step.get("shell") != "bash":
            raise AssertionError(f"step {name!r} must say shell: bash")
        env = dict(base_env)
        for k, v in (step.get("env") or {}).items():
            env[k] = interpolate(v, ev)
        output_file = temp / f"output-{n}"
        summary_file = temp / f"summary-{n}"
        output_file.write_text("")
        summary_file.write_text("")
        env["GITHUB_OUTPUT"] = str(output_file)
        env["GITHUB_STEP_SUMMARY"] = str(summary_file)
        script_file = temp / f"step-{n}.sh"
        script_file.write_text(script)
        cwd = workspace / interpolate(step.get("working-directory", "."), ev)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        run.log += f"##[step] {name} (exit {proc.returncode})\n" + proc.stdout
        outputs = parse_file_command(output_file)
        run.summary += summary_file.read_text(encoding="utf-8")
        outcome = "success" if proc.returncode == 0 else "failure"
        run.steps[sid] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome, "exit": proc.returncode}
        if proc.returncode != 0:
            status["failed"] = True
    run.failed = status["failed"]
    for k, spec in (action.get("outputs") or {}).items():
        run.outputs[k] = interpolate(spec.get("value", ""), ev)
    return run


# --------------------------------------------------------------------------- fixtures

GOOD = """\
apiVersion: blueprint/v1
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
      - title: Build and maintain the team's dashboards
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
"""

# Line 12 holds a KPI weight written as text; its message quotes the text, which holds
# `%`, `,`, `:` and a line break.
BAD = """\
apiVersion: blueprint/v1
kind: RoleBlueprint
id: data-engineer
title: Data Engineer
family: data
level: mid
summary:
  text: Builds and runs the data pipelines of the analytics platform.
kpis:
  - id: pipeline-uptime
    name: Pipeline uptime
    weight: "60%, or: see\\nnote"
  - id: data-freshness
    name: Data freshness
    weight: 40
responsibilities:
  - category: technical
    items:
      - title: Build and operate batch pipelines
qualifications:
  years:
    min: 2
career:
  next:
    - title: Analytics Engineering Lead
"""

# Only a warning (a placeholder); another family, so ladder rules have nothing to compare.
WARN = (
    GOOD.replace("id: data-analyst", "id: data-scientist")
    .replace("family: data", "family: science")
    .replace("Turns questions", "TODO turns questions")
)


def git(cwd: Path, *args: str, capture: bool = False, env: dict | None = None) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        **(env or {}),
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    return proc.stdout.strip() if capture else ""


def write(root: Path, rel: str, text: str):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_workspace(tmp: Path, files: dict[str, str]) -> Path:
    ws = tmp / "workspace"
    ws.mkdir()
    git(ws, "init", "-q", "-b", "main")
    for rel, text in files.items():
        write(ws, rel, text)
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "blueprints")
    return ws


def bin_dir(tmp: Path, binary: Path) -> Path:
    d = tmp / "bin"
    d.mkdir(exist_ok=True)
    (d / "blueprint-lint").symlink_to(binary)
    return d


def pwned(tmp: Path) -> list[str]:
    return [str(p) for p in tmp.rglob("pwned*")] + [str(p) for p in ROOT.glob("pwned*")]


def expected_totals(binary: Path, ws: Path, *args: str) -> dict:
    proc = subprocess.run(
        [str(binary), "check", "--format", "json", *args],
        cwd=ws,
        text=True,
        stdout=subprocess.PIPE,
        env={**os.environ, "GITHUB_ACTIONS": ""},
    )
    return json.loads(proc.stdout)["summary"]


# --------------------------------------------------------------------------- scenarios


def check(cond: bool, what: str, run: Run | None = None):
    if not cond:
        detail = f"\n--- log ---\n{run.log}\n--- outputs --- {run.outputs}" if run else ""
        raise AssertionError(what + detail)


def scenario_push_failing(action, binary, tmp):
    ws = make_workspace(tmp, {"roles/good.blueprint.yaml": GOOD, "roles/x.blueprint.yaml": BAD})
    run = run_action(action, {"sarif-file": "reports/blueprint-lint.sarif"}, ws, tmp, [bin_dir(tmp, binary)])
    totals = expected_totals(binary, ws)
    check(run.failed, "the action fails when a blueprint has an error", run)
    check(run.steps["lint"]["exit"] == 1, "blueprint-lint exits 1", run)
    check("from PATH" in run.log and not run.uses_calls, "a blueprint-lint on PATH is used, no install", run)
    line12 = [a for a in run.annotations() if a["props"].get("line") == "12"]
    check(len(line12) == 1, "one annotation on line 12", run)
    a = line12[0]
    check(a["kind"] == "error" and a["props"]["file"] == "roles/x.blueprint.yaml", "error annotation on roles/x.blueprint.yaml", run)
    check(
        a["raw"].startswith("::error file=roles/x.blueprint.yaml,line=12,col=13,"),
        "the exact ::error file=…,line=12,col=13 prefix",
        run,
    )
    check('"60%, or: see\nnote"' in a["message"], "the message survives escaping (%, comma, colon, newline)", run)
    check("%25, or: see%0Anote" in a["raw"], "the raw command escapes % and the newline", run)
    for ann in run.annotations():
        check("line" in ann["props"], f"every annotation has a line: {ann['raw']}", run)
    check(run.outputs["errors"] == str(totals["errors"]) and totals["errors"] >= 1, "errors output", run)
    check(run.outputs["warnings"] == str(totals["warnings"]), "warnings output", run)
    sarif = Path(run.outputs["sarif-file"])
    check(sarif.is_absolute() and sarif == ws / "reports/blueprint-lint.sarif", "sarif-file output is the absolute path", run)
    doc = json.loads(sarif.read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    check(doc["version"] == "2.1.0" and uris == {"roles/x.blueprint.yaml"}, f"SARIF results point at roles/x: {uris}", run)
    check(run.summary.startswith("## blueprint-lint"), "the job summary has the report", run)
    check("roles/x.blueprint.yaml" in run.summary and "/kpi-weight-missing.md)" in run.summary, "summary lists the file and links the rule page", run)
    check("pwned" not in run.log and not pwned(tmp), "nothing odd happened", run)


def scenario_fail_on_never(action, binary, tmp):
    ws = make_workspace(tmp, {"roles/x.blueprint.yaml": BAD})
    run = run_action(action, {"fail-on": "never", "summary": "false"}, ws, tmp, [bin_dir(tmp, binary)])
    check(not run.failed, "fail-on: never passes despite errors", run)
    check(int(run.outputs["errors"]) >= 1, "errors are still counted", run)
    check(run.outputs["sarif-file"] == "", "no sarif-file output without the input", run)
    check(run.summary == "", "summary: false writes no job summary", run)
    check(any(a["kind"] == "error" for a in run.annotations()), "annotations are still written", run)


def scenario_fail_on_warning(action, binary, tmp):
    ws = make_workspace(tmp, {"roles/good.blueprint.yaml": GOOD, "roles/w.blueprint.yaml": WARN})
    ok = run_action(action, {}, ws, tmp / "a", [bin_dir(tmp, binary)])
    check(not ok.failed and ok.outputs["errors"] == "0" and int(ok.outputs["warnings"]) >= 1, "warnings pass by default", ok)
    strict = run_action(action, {"fail-on": "warning"}, ws, tmp / "b", [tmp / "bin"])
    check(strict.failed and strict.steps["lint"]["exit"] == 1, "fail-on: warning fails on a warning", strict)


def scenario_passing(action, binary, tmp):
    ws = make_workspace(tmp, {"roles/good.blueprint.yaml": GOOD})
    run = run_action(action, {}, ws, tmp, [bin_dir(tmp, binary)])
    check(not run.failed, "a clean repository passes", run)
    check(run.outputs["errors"] == "0" and run.outputs["warnings"] == "0", "zero counts", run)
    check(not run.annotations(), "no annotations", run)
    check("No problems found in 1 blueprint" in run.summary, "summary says all is well", run)


def scenario_injection(action, binary, tmp):
    ws = make_workspace(tmp, {"roles/good.blueprint.yaml": GOOD})
    hostile = {
        "paths": "x; touch pwned.txt\n$(touch pwned2.txt) `touch pwned3.txt` && touch pwned4.txt | tee pwned5.txt",
        "config": "$(touch pwned6.txt)",
        "sarif-file": 'a.sarif"; touch pwned7.txt; echo "',
    }
    run = run_action(action, hostile, ws, tmp, [bin_dir(tmp, binary)])
    check(not pwned(tmp), f"no injected command ran: {pwned(tmp)}", run)
    check(run.failed and run.steps["lint"]["exit"] == 2, "the hostile input is a usage error (exit 2)", run)
    for name in ("fail-on", "summary", "changed-only", "fetch-history", "history-days", "version"):
        bad = run_action(action, {name: "true; touch pwned8.txt"}, ws, tmp / name, [tmp / "bin"])
        check(bad.failed, f"a hostile {name} is rejected", bad)
        check(f"{name} must be" in bad.log, f"{name}: the log says what is allowed", bad)
    paths_only = run_action(action, {"paths": "x; touch pwned.txt"}, ws, tmp / "p", [tmp / "bin"])
    check("x;" in paths_only.log and not pwned(tmp), "`x; touch pwned.txt` is only a (missing) path", paths_only)
    check(not pwned(tmp), f"no injected command ran: {pwned(tmp)}")


def scenario_working_directory(action, binary, tmp):
    ws = make_workspace(
        tmp,
        {"people/roles/x.blueprint.yaml": BAD, "people/roles/good.blueprint.yaml": GOOD, "people/.blueprint-lint.yaml": "rules: {}\n"},
    )
    run = run_action(action, {"working-directory": "people", "paths": "roles", "sarif-file": "out.sarif"}, ws, tmp, [bin_dir(tmp, binary)])
    files = {a["props"].get("file") for a in run.annotations() if a["kind"] == "error"}
    check(files == {"people/roles/x.blueprint.yaml"}, f"annotation paths are relative to the repository root: {files}", run)
    check(run.outputs["sarif-file"] == str(ws / "people/out.sarif"), "sarif path resolved in the working directory", run)
    doc = json.loads((ws / "people/out.sarif").read_text())
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    check(uri == "people/roles/x.blueprint.yaml", f"SARIF uri relative to the repository root: {uri}", run)


def scenario_install(action, binary, tmp):
    """No blueprint-lint on PATH: the action plans a cached build and runs `cargo install`
    (a stand-in cargo records its arguments and installs the prebuilt binary)."""
    ws = make_workspace(tmp, {"roles/good.blueprint.yaml": GOOD})
    fake = tmp / "fakecargo"
    fake.mkdir()
    record = tmp / "cargo-args.txt"
    (fake / "cargo").write_text(
        "#!/usr/bin/env bash\nset -euo pipefail\n"
        f'printf "%s\\n" "$@" > "{record}"\n'
        'root=""; while (($#)); do if [[ "$1" == --root ]]; then root="$2"; fi; shift; done\n'
        f'mkdir -p "$root/bin" && cp "{binary}" "$root/bin/blueprint-lint"\n'
    )
    (fake / "cargo").chmod(0o755)
    run = run_action(action, {}, ws, tmp, [fake], action_ref="v1.2.3")
    check(not run.failed, "the built binary runs the check", run)
    check(len(run.uses_calls) == 1 and run.uses_calls[0]["uses"].startswith("actions/cache@"), "actions/cache is used", run)
    key = run.uses_calls[0]["with"]["key"]
    check("-v1.2.3-" in key and "-source-" in key, f"the cache key names the action ref: {key}", run)
    root = run.uses_calls[0]["with"]["path"]
    args = record.read_text().split("\n")
    check(args[:4] == ["install", "--locked", "--root", root], f"cargo install --locked --root: {args}", run)
    check(args[4:6] == ["--path", str(ROOT)], f"installs from GITHUB_ACTION_PATH: {args}", run)
    again = run_action(action, {"version": "0.1.0"}, ws, tmp / "v", [fake], action_ref="v1.2.3")
    args = record.read_text().split("\n")
    check(args[4:7] == ["--version", "0.1.0", "blueprint-lint"], f"a version installs from crates.io: {args}", again)


def has_changed_since(binary: Path) -> bool:
    out = subprocess.run([str(binary), "check", "--help"], text=True, stdout=subprocess.PIPE).stdout
    return "--changed-since" in out


def scenario_pull_request_shallow(action, binary, tmp):
    """A pull request checked out shallowly (actions/checkout's default depth 1): the action
    fetches the history it needs, says so, and passes the PR base to --changed-since."""
    origin = tmp / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    write(origin, "roles/good.blueprint.yaml", GOOD)
    write(origin, "roles/old-warning.blueprint.yaml", WARN)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    for i in range(3):
        write(origin, "notes.txt", f"change {i}\n")
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", f"main {i}")
    base = git(origin, "rev-parse", "HEAD", capture=True)
    git(origin, "checkout", "-q", "-b", "feature")
    write(origin, "roles/x.blueprint.yaml", BAD)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "add data engineer")
    ws = tmp / "workspace"
    git(tmp, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(ws))
    check(git(ws, "rev-parse", "--is-shallow-repository", capture=True) == "true", "the checkout is shallow")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": git(ws, "rev-parse", "HEAD", capture=True)}}}
    run = run_action(action, {"fail-on": "never"}, ws, tmp, [bin_dir(tmp, binary)], event_name="pull_request", event=event)
    check("Shallow clone: fetching the history since" in run.log, "the log says the history is fetched", run)
    check(f"Checking only the blueprints changed since {base}" in run.log, "changed-only uses the PR base", run)
    check(run.steps["history"]["outputs"].get("changed-since") == base, "changed-since output", run)
    mb = subprocess.run(["git", "merge-base", base, "HEAD"], cwd=ws, stdout=subprocess.PIPE, text=True)
    check(mb.returncode == 0 and mb.stdout.strip() == base, "the merge base is now available", run)
    count = git(ws, "rev-list", "--count", "HEAD", capture=True)
    check(count == "5", f"the whole recent history is there, none cut off again: {count} commits", run)
    if not has_changed_since(binary):
        return "partial: this blueprint-lint has no --changed-since yet; the lint step was not checked"
    check(not run.failed, "fail-on: never", run)
    files = {a["props"].get("file") for a in run.annotations() if "file" in a["props"]}
    check(files == {"roles/x.blueprint.yaml"}, f"only the changed blueprint is reported: {files}", run)
    off = run_action(
        action, {"fail-on": "never", "changed-only": "false"}, ws, tmp / "off", [tmp / "bin"], event_name="pull_request", event=event
    )
    files = {a["props"].get("file") for a in off.annotations() if "file" in a["props"]}
    check("roles/old-warning.blueprint.yaml" in files, f"changed-only: false reports every blueprint: {files}", off)


def scenario_pull_request_old_base(action, binary, tmp):
    """The PR base is older than history-days: the action still finds the merge base."""
    origin = tmp / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    old = {"GIT_AUTHOR_DATE": "2020-01-01T12:00:00Z", "GIT_COMMITTER_DATE": "2020-01-01T12:00:00Z"}
    write(origin, "roles/good.blueprint.yaml", GOOD)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base", env=old)
    for i in range(60):
        write(origin, "notes.txt", f"change {i}\n")
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", f"main {i}", env=old)
    base = git(origin, "rev-parse", "HEAD", capture=True)
    git(origin, "checkout", "-q", "-b", "feature")
    for i in range(3):
        write(origin, "roles/x.blueprint.yaml", BAD + f"# {i}\n")
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", f"feature {i}")
    ws = tmp / "workspace"
    git(tmp, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(ws))
    event = {"pull_request": {"base": {"sha": base}}}
    run = run_action(action, {"fail-on": "never"}, ws, tmp, [bin_dir(tmp, binary)], event_name="pull_request", event=event)
    check(run.steps["history"]["outcome"] == "success", "the history step succeeds", run)
    check(f"Checking only the blueprints changed since {base}" in run.log, "changed-only uses the base", run)
    mb = subprocess.run(["git", "merge-base", base, "HEAD"], cwd=ws, stdout=subprocess.PIPE, text=True)
    check(mb.returncode == 0 and mb.stdout.strip() == base, "the merge base is found", run)


def static_checks(action, binary, tmp):
    """The hardening rules, read from the file itself."""
    text = ACTION.read_text()
    declared = set(action["inputs"])
    for step in action["runs"]["steps"]:
        if "run" in step:
            check("${{" not in step["run"], f"no expression inside run: of {step.get('name')}")
            check(step["run"].lstrip().startswith("set -euo pipefail"), f"{step.get('name')} starts with set -euo pipefail")
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
    check(used == declared, f"every input is used, and only declared ones: {sorted(declared ^ used)}")
    for name in ("paths", "config", "fail-on", "changed-only", "sarif-file", "summary", "version", "working-directory"):
        check(name in declared, f"input {name}")
    check(set(action["outputs"]) == {"errors", "warnings", "sarif-file"}, "outputs")


SCENARIOS = [
    static_checks,
    scenario_push_failing,
    scenario_passing,
    scenario_fail_on_never,
    scenario_fail_on_warning,
    scenario_injection,
    scenario_working_directory,
    scenario_install,
    scenario_pull_request_shallow,
    scenario_pull_request_old_base,
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "target/debug/blueprint-lint")
    parser.add_argument("-k", help="run only scenarios whose name contains this")
    args = parser.parse_args()
    binary = args.bin.resolve()
    if not binary.is_file():
        print(f"error: {binary} not found (build it first: cargo build)", file=sys.stderr)
        return 2
    action = yaml.safe_load(ACTION.read_text())
    passed = failed = 0
    for scenario in SCENARIOS:
        if args.k and args.k not in scenario.__name__:
            continue
        tmp = Path(tempfile.mkdtemp(prefix="bpl-action-"))
        try:
            note = scenario(action, binary, tmp)
            print(f"ok    {scenario.__name__}" + (f" ({note})" if note else ""))
            passed += 1
        except Exception:  # noqa: BLE001 - report every failure, then go on
            print(f"FAIL  {scenario.__name__}")
            traceback.print_exc()
            failed += 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
