#!/usr/bin/env python3
"""Check throughput: blueprint-lint vs check-jsonschema on the same files, same schema, same run.

Generates N (default 2,000) seed-sized blueprints into a temporary folder, each a deterministic
variant of the commerce-platform seed (unique id, reshuffled text, KPI and hiring weights that
still add up to 100, career `role:` links pointing at other generated blueprints), checks that
both tools accept every file, then times

    target/release/blueprint-lint check <dir> --format concise -q
    check-jsonschema --schemafile schema/blueprint.v1.schema.json <every file>

in alternating rounds (three by default; each run is checked again), and prints the median wall
clock time of each, files per second, CPU time, and the ratio.

check-jsonschema is measured twice: as `pip install check-jsonschema` gives it (its YAML parser,
ruamel.yaml, is then pure Python) and with `ruamel.yaml.clib` added (check-jsonschema then
parses YAML in C); `--no-clib` skips the second.

It installs what it needs itself: `cargo build --release` for blueprint-lint, and
check-jsonschema (plus `rfc3987`, which check-jsonschema needs to check the schema's `uri`
format, as blueprint-lint does) into virtualenvs under target/bench-tools/ (reused by later
runs; `cargo clean` removes them). Python 3.9+ and pip are the only prerequisites; only the
standard library is used here. `--hyperfine` times each tool with hyperfine instead (it must be
on PATH); the default alternates the tools run by run, which is fairer on a busy machine.

    python3 scripts/bench_check.py                 # the full benchmark (2,000 files)
    python3 scripts/bench_check.py --files 100     # a quick run

The generated files live in a temporary folder that is removed at the end (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED_FILE = REPO / "examples/commerce-platform/junior-commerce-platform-engineer.blueprint.yaml"
SCHEMA = REPO / "schema/blueprint.v1.schema.json"
BINARY = REPO / "target/release/blueprint-lint"
TOOLS_DIR = REPO / "target/bench-tools"
# check-jsonschema checks `format: uri` only when rfc3987 is importable; blueprint-lint always
# checks it, so install it to make both tools do the same schema work.
PIP_PACKAGES = ["check-jsonschema", "rfc3987"]

# Prints which YAML parser check-jsonschema's loader (ruamel.yaml, typ="safe") ends up with.
YAML_PARSER_PROBE = (
    "import ruamel.yaml\n"
    "p = ruamel.yaml.YAML(typ='safe', pure=False).Parser\n"
    "print('C (ruamel.yaml.clib)' if 'clib' in p.__module__ else 'pure Python (ruamel.yaml)')"
)

SECTIONS_REVIEWED = ["summary", "responsibilities", "kpis", "career", "hiring", "scorecard"]

# Word swaps applied (each with probability 1/2) to the summary and mission text.
SYNONYMS = [
    ("reliable", "dependable"),
    ("improving", "strengthening"),
    ("a company’s", "an organization’s"),
    ("business-critical", "revenue-critical"),
    ("faster", "quicker"),
    ("stable", "steady"),
    ("reducing", "lowering"),
    ("consistent", "steady"),
    ("Deliver", "Provide"),
    ("meaningful", "material"),
]
FOCUS_AREAS = [
    "checkout reliability",
    "payments integration",
    "catalog and search services",
    "pricing and promotions",
    "order management",
    "developer tooling",
    "observability",
    "release engineering",
]


def die(message: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"\nbench_check: error: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, **kwargs)


# --------------------------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------------------------


def build_blueprint_lint(skip: bool) -> Path:
    if not skip:
        print("$ cargo build --release", flush=True)
        result = run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
        if result.returncode != 0:
            die("`cargo build --release` failed (see above)")
    if not BINARY.exists():
        die(f"{BINARY} does not exist; run `cargo build --release`")
    return BINARY


def install_check_jsonschema(name: str, packages: list[str], required: bool) -> list[str] | None:
    """Installs `packages` into target/bench-tools/<name> (a venv, reused by later runs) and
    returns the command prefix that runs check-jsonschema from there. Returns None when
    `required` is false and the install fails."""
    home = TOOLS_DIR / name
    venv = home / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = home / "site"
    marker = home / "installed.txt"
    pip_flags = ["--quiet", "--disable-pip-version-check"]
    if marker.exists() and marker.read_text().split() == packages:
        if python.exists():
            return [str(python), "-m", "check_jsonschema"]
        if site.exists():
            os.environ["PYTHONPATH"] = str(site)
            return [sys.executable, "-m", "check_jsonschema"]
    home.mkdir(parents=True, exist_ok=True)
    print(f"$ {sys.executable} -m venv {venv}", flush=True)
    if run([sys.executable, "-m", "venv", "--clear", str(venv)]).returncode == 0:
        print(f"$ {python} -m pip install {' '.join(packages)}", flush=True)
        ok = run([str(python), "-m", "pip", "install", *pip_flags, *packages]).returncode == 0
        command = [str(python), "-m", "check_jsonschema"]
    else:
        # No venv module (e.g. Debian without python3-venv): install into a plain folder.
        print(f"no venv; $ {sys.executable} -m pip install --target {site} ...", flush=True)
        ok = run([sys.executable, "-m", "pip", "install", *pip_flags, "--upgrade", "--target",
                  str(site), *packages]).returncode == 0
        # Only one configuration fits on PYTHONPATH: main() skips the clib one in this case.
        os.environ["PYTHONPATH"] = str(site)
        command = [sys.executable, "-m", "check_jsonschema"]
    if not ok:
        if required:
            die("pip could not install " + " ".join(packages))
        print(f"warning: pip could not install {' '.join(packages)}; skipping {name}",
              file=sys.stderr)
        return None
    marker.write_text(" ".join(packages))
    return command


# --------------------------------------------------------------------------------------------
# Generating the blueprints
# --------------------------------------------------------------------------------------------


def top_level_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, end line exclusive)."""
    starts = [(i, m.group(1)) for i, line in enumerate(lines)
              if (m := re.match(r"([a-z_]+):", line))]
    sections = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections[key] = (start, end)
    return sections


def rebalance(weights: list[int], rng: random.Random, moves: int) -> list[int]:
    """Moves points between weights; the total and every weight >= 1 are kept."""
    weights = list(weights)
    for _ in range(moves):
        a, b = rng.randrange(len(weights)), rng.randrange(len(weights))
        step = rng.randint(1, 3)
        if a != b and weights[a] - step >= 1:
            weights[a] -= step
            weights[b] += step
    return weights


class Seed:
    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        sections = top_level_sections(self.lines)
        for key in ("id", "title", "kpis", "career", "summary"):
            if key not in sections:
                die(f"seed {path} has no top-level `{key}:`")
        self.sections = sections
        self.id = self.lines[sections["id"][0]].split(":", 1)[1].strip()
        self.title = self.lines[sections["title"][0]].split(":", 1)[1].strip()
        if "reviewed" in sections:
            die("seed already has `reviewed:`; the generator adds its own")
        self.kpi_weight_lines = self._lines_in("kpis", r"    weight: (\d+)\s*$")
        self.hiring_weight_lines = self._lines_in("hiring", r"      weight: (\d+)\s*$")
        for name, found in (("kpis", self.kpi_weight_lines),
                            ("hiring.scorecard", self.hiring_weight_lines)):
            if found and sum(w for _, w in found) != 100:
                die(f"seed's {name} weights do not add up to 100")
        self.role_ref_lines = self._lines_in("career", r"\s+- role: ([a-z0-9-]+)\s*$")
        self.family = (self.lines[sections["family"][0]].split(":", 1)[1].strip()
                       if "family" in sections else None)
        career_start, career_end = sections["career"]
        self.adjacent_line = next((i for i in range(career_start, career_end)
                                   if self.lines[i] == "  adjacent:"), None)

    def _lines_in(self, section: str, pattern: str) -> list[tuple[int, int | str]]:
        if section not in self.sections:
            return []
        start, end = self.sections[section]
        found = []
        for i in range(start, end):
            m = re.match(pattern, self.lines[i])
            if m:
                value = m.group(1)
                found.append((i, int(value) if value.isdigit() else value))
        return found

    def block_list(self, section: str, key: str) -> tuple[int, int] | None:
        """Lines of the simple `- item` list under `section.key` (one line per item)."""
        if section not in self.sections:
            return None
        start, end = self.sections[section]
        for i in range(start, end):
            if self.lines[i] == f"  {key}:":
                j = i + 1
                while j < end and re.match(r"    - \S", self.lines[j]):
                    j += 1
                return (i + 1, j) if j > i + 2 else None
        return None


def variant(seed: Seed, index: int, ids: list[str], rng: random.Random) -> str:
    lines = list(seed.lines)
    n = len(ids)
    my_id = ids[index]
    number = my_id.rsplit("-", 1)[1]

    # Identity.
    lines[seed.sections["id"][0]] = f"id: {my_id}"
    lines[seed.sections["title"][0]] = f"title: {seed.title} {number}"
    # Each variant is its own ladder family: a family has one blueprint per level and track
    # (ladder-duplicate-level), and every variant is the seed's level.
    if "family" in seed.sections:
        lines[seed.sections["family"][0]] = f"family: {seed.family}-{number}"

    # Text: word swaps in summary and mission, plus a focus sentence closing the summary text.
    for section in ("summary", "mission"):
        if section not in seed.sections:
            continue
        start, end = seed.sections[section]
        swaps = [pair for pair in SYNONYMS if rng.random() < 0.5]
        for i in range(start, end):
            for old, new in swaps:
                lines[i] = lines[i].replace(old, new)
    summary_start, summary_end = seed.sections["summary"]
    for i in range(summary_start, summary_end):
        if lines[i].startswith("  text:"):
            j = i + 1
            while j < summary_end and lines[j].startswith("    "):
                j += 1
            focus = rng.choice(FOCUS_AREAS)
            lines[j - 1] += f" This variant ({number}) leans towards {focus}."
            break

    # Shuffle a few plain lists (order carries no meaning in them).
    for section, key in (("summary", "interactions"), ("mission", "outcomes"),
                         ("scorecard", "top_kpis"), ("scorecard", "deliverables")):
        block = seed.block_list(section, key)
        if block:
            items = lines[block[0]:block[1]]
            rng.shuffle(items)
            lines[block[0]:block[1]] = items

    # Weights: moved around, still whole numbers >= 1 adding up to 100.
    for found in (seed.kpi_weight_lines, seed.hiring_weight_lines):
        if not found:
            continue
        new = rebalance([w for _, w in found], rng, moves=rng.randint(3, 12))
        assert sum(new) == 100
        for (i, _), w in zip(found, new):
            lines[i] = re.sub(r"\d+\s*$", str(w), lines[i])

    # Career links. Every variant is a junior role, so a `role:` link to another variant is a
    # same-rank move: it belongs in `career.adjacent` (a `next` link must rank higher, see
    # career-next-not-higher). The seed's own `role:` links become free-text titles.
    for i, old_ref in seed.role_ref_lines:
        indent = lines[i][: lines[i].index("-")]
        lines[i] = f"{indent}- title: {str(old_ref).replace('-', ' ').title()}"
    if seed.adjacent_line is not None and n > 1:
        links = rng.choice((0, 1, 1, 2))
        others = dict.fromkeys((index + rng.randint(1, n - 1)) % n for _ in range(links))
        added = []
        for j in others:
            added += [f"    - role: {ids[j]}",
                      f"      note: the same level in a neighbouring area ({rng.choice(FOCUS_AREAS)})"]
        lines[seed.adjacent_line + 1:seed.adjacent_line + 1] = added

    # `reviewed`, quoted so that YAML 1.1 loaders (PyYAML, ruamel in 1.1 mode) keep it a string.
    def date() -> str:
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    if rng.random() < 0.5:
        reviewed = [f'reviewed: "{date()}"']
    else:
        picked = sorted(rng.sample(SECTIONS_REVIEWED, 3), key=SECTIONS_REVIEWED.index)
        reviewed = ["reviewed:"] + [f'  {s}: "{date()}"' for s in picked]
    anchor = seed.sections.get("source", seed.sections["title"])[0]
    lines[anchor:anchor] = reviewed

    header = (f"# Generated by scripts/bench_check.py (variant {number} of {seed.path.name}); "
              "benchmark data, not a real role.")
    return header + "\n" + "\n".join(lines) + "\n"


def generate(seed: Seed, count: int, out_dir: Path, rng_seed: int) -> list[Path]:
    rng = random.Random(rng_seed)
    width = max(4, len(str(count)))
    ids = [f"{seed.id}-{i:0{width}d}" for i in range(1, count + 1)]
    paths = []
    for index, blueprint_id in enumerate(ids):
        path = out_dir / f"{blueprint_id}.blueprint.yaml"
        path.write_text(variant(seed, index, ids, rng), encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def measure(name: str, cmd: list[str], cwd: Path, expect_silent: bool) -> tuple[float, float]:
    """Runs `cmd` once; returns (wall-clock seconds, CPU seconds of the child: user + system).
    Dies unless the tool accepted every file: exit 0 and, for blueprint-lint, nothing printed
    at all (no finding, not even a warning)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0 or (expect_silent and result.stdout.strip()):
        output = (result.stdout + result.stderr).strip().splitlines()
        shown = "\n".join(output[:40]) + (f"\n... ({len(output)} lines)" if len(output) > 40 else "")
        die(f"{name} did not accept the generated files (exit {result.returncode}):\n{shown}\n"
            f"(command: {shlex.join(cmd[:6])}{' ...' if len(cmd) > 6 else ''}; run with --keep "
            "to inspect the files)")
    return wall, cpu


def time_hyperfine(cmd: list[str], cwd: Path, runs: int, scratch: Path, name: str):
    export = scratch / f"hyperfine-{name}.json"
    # The command line can be long (every file for check-jsonschema): hand it over in a script.
    script = scratch / f"run-{name}.sh"
    script.write_text("#!/bin/sh\nexec " + shlex.join(cmd) + "\n")
    script.chmod(0o755)
    result = run(["hyperfine", "--runs", str(runs), "--warmup", "0", "--style", "basic",
                  "--export-json", str(export), "--command-name", name, str(script)], cwd=cwd)
    if result.returncode != 0:
        die(f"hyperfine failed for {name}")
    data = json.loads(export.read_text())["results"][0]
    return data["times"], [data["user"] + data["system"]] * len(data["times"])


def load_average() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine_info() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return [
        f"cores (nproc): {os.cpu_count()}",
        f"CPU: {cpu}",
        f"memory: {mem or 'unknown'}",
        f"OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"Python: {platform.python_version()}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="how many blueprints (2000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="timed runs of each tool; the median is reported (3)")
    parser.add_argument("--seed", type=int, default=20250101, help="random seed for the variants")
    parser.add_argument("--seed-file", type=Path, default=DEFAULT_SEED_FILE,
                        help="the blueprint the variants are made from")
    parser.add_argument("--skip-build", action="store_true",
                        help="use the existing target/release/blueprint-lint")
    parser.add_argument("--hyperfine", action="store_true",
                        help="time with hyperfine (must be on PATH) instead of alternating rounds")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--no-clib", action="store_true",
                        help="skip the check-jsonschema + ruamel.yaml.clib configuration")
    args = parser.parse_args()
    if args.files < 1 or args.runs < 1:
        parser.error("--files and --runs must be at least 1")

    binary = build_blueprint_lint(args.skip_build)
    # The check-jsonschema configurations to compare with: the plain pip install (its YAML
    # parser, ruamel.yaml, is pure Python unless ruamel.yaml.clib is installed too), and the
    # same with ruamel.yaml.clib, which check-jsonschema then uses to parse YAML in C.
    configurations = [("check-jsonschema", PIP_PACKAGES, True)]
    if not args.no_clib:
        configurations.append(("check-jsonschema+clib", PIP_PACKAGES + ["ruamel.yaml.clib"], False))
    cjs_tools = []
    for name, packages, required in configurations:
        if cjs_tools and cjs_tools[0][1][0] == sys.executable:
            # Installed with --target (no venv): only one configuration fits on PYTHONPATH.
            print(f"warning: no venv module; skipping {name}", file=sys.stderr)
            break
        command = install_check_jsonschema(name, packages, required)
        if command is None:
            continue
        version = run([*command, "--version"], capture_output=True, text=True).stdout.strip()
        yaml_parser = run([command[0], "-c", YAML_PARSER_PROBE], capture_output=True,
                          text=True).stdout.strip() if command[0] != sys.executable else "?"
        cjs_tools.append((name, command, version.split("version")[-1].strip(), yaml_parser))
    lint_version = run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    source = run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                 text=True).stdout.strip()
    if source:
        lint_version += f" (built from {source})"
    rule_lines = run([str(binary), "rules"], capture_output=True, text=True).stdout.splitlines()
    rules_on = [line.split()[0] for line in rule_lines[1:]
                if len(line.split()) > 2 and line.split()[2] != "off"]

    seed = Seed(args.seed_file)
    work = Path(tempfile.mkdtemp(prefix="blueprint-bench-"))
    data = work / "blueprints"
    data.mkdir()
    try:
        t0 = time.perf_counter()
        paths = generate(seed, args.files, data, args.seed)
        total_bytes = sum(p.stat().st_size for p in paths)
        print(f"generated {len(paths)} blueprints from {seed.path.relative_to(REPO)} in {data} "
              f"({total_bytes / 1e6:.1f} MB, {total_bytes / len(paths) / 1e3:.1f} KB and "
              f"{len(seed.lines) + 2} lines each) in {time.perf_counter() - t0:.1f}s", flush=True)

        # All run from the data folder so that they get the same (short, relative) paths.
        names = sorted(p.name for p in paths)
        lint_cmd = [str(binary), "check", ".", "--format", "concise", "-q"]
        tools = [("blueprint-lint", lint_cmd, True)]
        for name, command, _, _ in cjs_tools:
            tools.append((name, [*command, "--schemafile", str(SCHEMA), *names], False))
        shown_cjs = f"check-jsonschema --schemafile {SCHEMA.relative_to(REPO)} <{len(names)} files>"
        shown_lint = "blueprint-lint check <dir> --format concise -q"

        results: dict[str, tuple[list[float], list[float]]] = {}
        load_before = load_average()
        if args.hyperfine:
            if not shutil.which("hyperfine"):
                die("--hyperfine given but hyperfine is not on PATH")
            print(f"timing {args.runs} runs of each tool with hyperfine ...", flush=True)
            for name, cmd, silent in tools:
                measure(name, cmd, data, silent)  # checks that the tool accepts every file
                results[name] = time_hyperfine(cmd, data, args.runs, work, name)
        else:
            # Each round runs every tool once, starting with a different tool each round, so
            # that other work on the machine hits all alike; every run is checked.
            print(f"timing {args.runs} rounds, each tool once per round ...", flush=True)
            results = {name: ([], []) for name, _, _ in tools}
            for round_no in range(args.runs):
                shift = round_no % len(tools)
                for name, cmd, silent in tools[shift:] + tools[:shift]:
                    wall, cpu = measure(name, cmd, data, silent)
                    results[name][0].append(wall)
                    results[name][1].append(cpu)
                    print(f"  round {round_no + 1}: {name:<21} {wall:8.3f}s wall {cpu:8.3f}s CPU"
                          f"  (load {load_average()})", flush=True)
        load_after = load_average()
    finally:
        if args.keep:
            print(f"kept the generated files in {data}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print("Machine")
    for line in machine_info():
        print(f"  {line}")
    print(f"  load average (1/5/15 min): {load_before} before the timings, {load_after} after")
    print(f"  blueprint-lint: {lint_version}, {len(rules_on)} rules on by default")
    for name, _, version, yaml_parser in cjs_tools:
        print(f"  {name}: check-jsonschema {version} (+ rfc3987 for `format: uri`), "
              f"YAML parser: {yaml_parser}")
    print()
    print("Commands (run in the folder of generated blueprints)")
    print(f"  {shown_lint}")
    print(f"  {shown_cjs}")
    print()
    header = (f"{'tool':<22} {'files':>6} {'median s':>9} {'min s':>8} {'max s':>8} "
              f"{'files/s':>8} {'CPU s':>8}")
    print(header)
    print("-" * len(header))
    medians, cpus = {}, {}
    for name, (walls, cpu_times) in results.items():
        medians[name] = statistics.median(walls)
        cpus[name] = statistics.median(cpu_times)
        print(f"{name:<22} {len(paths):>6} {medians[name]:>9.3f} {min(walls):>8.3f} "
              f"{max(walls):>8.3f} {len(paths) / medians[name]:>8.1f} {cpus[name]:>8.3f}")
    print()
    print(f"(median of {args.runs} runs each, wall clock; CPU s = user + system time of the "
          "process, all threads)")
    for name, _, _, _ in cjs_tools:
        ratio = medians[name] / medians["blueprint-lint"]
        cpu_ratio = cpus[name] / cpus["blueprint-lint"]
        verdict = "meets" if ratio >= 20 else "MISSES"
        print(f"blueprint-lint is {ratio:.1f}x faster than {name} ({len(paths)} files; "
              f"{verdict} the 20x target); {cpu_ratio:.1f}x less CPU time")


if __name__ == "__main__":
    main()
