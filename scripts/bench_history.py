#!/usr/bin/env python3
"""Benchmark and correctness check of the freshness walk (issue 4).

Generates a synthetic repository with `git fast-import`: 2,000 blueprints and 20,000 commits
with merged branches (dated at their merge), renames/moves (some with edits), formatting-only
commits (re-indent, re-quote, comments: no value changes) and section edits. The generator
records the true last change (first-parent commit) of every section of every blueprint.

Then, in the same run:
  1. correctness: `blueprint-lint freshness --format json` must give the true commit for every
     section (100%);
  2. the full walk vs `git log --first-parent --name-only` over the same paths;
  3. per file: the full walk / 2,000 vs `git blame --porcelain` on 50 files / 50;
  4. `check --changed-since HEAD` with 5 changed files vs a full `check`: cold (`--no-cache`,
     as on a fresh CI clone) and warm (the history cache that the full check left in
     .git/blueprint-lint/, as on a developer's machine or with the cache restored in CI);
     then the cold comparison again in alternating rounds (full, PR, PR, full, ...) on the same
     working tree, so that the machine's speed drifting between the two measurements does not
     tilt the ratio;
  5. correctness again with the cache: a second `freshness` run, answered from the snapshot of
     the first, must give the same dates.
All baseline timings (the full walk, the full check) run with `--no-cache`.

Usage: scripts/bench_history.py [--bin target/release/blueprint-lint] [--keep DIR]
Build first: cargo build --release
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

BLUEPRINTS = 2000
COMMITS = 20000
SECTIONS = ["summary", "responsibilities", "kpis", "technical_skills", "soft_skills",
            "qualifications", "career", "hiring"]
DIRS = 40
ROUNDS = 11  # alternating rounds of a full check and a cold PR run
START = 1_600_000_000  # 2020-09-13


def render(bp):
    """The blueprint as YAML in its current style. Styles differ only in formatting."""
    style = bp["style"]
    ind = "    " if style % 2 else "  "
    q = ["", '"', "'"][style % 3]
    lines = []
    if style % 4 >= 2:
        lines.append(f"# {bp['id']} (formatting variant {style})")
    lines += ["apiVersion: blueprint/v1", "kind: RoleBlueprint", f"id: {bp['id']}",
              f"title: {q}Role {bp['n']}{q}", "family: synthetic", "level: mid"]
    v = bp["v"]
    lines += ["summary:", f"{ind}text: {q}Summary version {v['summary']} of role {bp['n']}{q}"]
    lines += ["responsibilities:", f"{ind}- category: technical", f"{ind}  items:"]
    for i in range(2):
        lines.append(f"{ind}    - title: {q}Responsibility {i} version {v['responsibilities']}{q}")
    if style % 5 == 4:  # flow style
        lines.append(f"kpis: [{{id: k1, name: {q}KPI version {v['kpis']}{q}}}]")
    else:
        lines += ["kpis:", f"{ind}- id: k1", f"{ind}  name: {q}KPI version {v['kpis']}{q}"]
    lines += ["technical_skills:", f"{ind}- name: {q}Skill version {v['technical_skills']}{q}",
              f"{ind}  tier: must-have", f"{ind}  importance: critical"]
    lines += ["soft_skills:", f"{ind}- name: {q}Soft version {v['soft_skills']}{q}"]
    lines += ["qualifications:", f"{ind}years:", f"{ind}{ind}min: {v['qualifications'] % 9 + 1}",
              f"{ind}education:", f"{ind}{ind}- {q}Education version {v['qualifications']}{q}"]
    lines += ["career:", f"{ind}next:", f"{ind}{ind}- title: {q}Next version {v['career']}{q}"]
    lines += ["hiring:", f"{ind}assess:", f"{ind}{ind}- {q}Assess version {v['hiring']}{q}"]
    return "\n".join(lines) + "\n"


class Gen:
    def __init__(self, seed=4):
        self.rng = random.Random(seed)
        self.out = []
        self.mark = 0
        self.commits = 0
        self.time = START
        self.main = None  # mark of main's tip
        self.bps = {}  # id -> blueprint model (main's state)
        self.truth = {}  # id -> section -> mark (first-parent commit)
        self.firstparent = []

    def blob(self, text):
        data = text.encode()
        self.out.append(b"blob\n")
        self.mark += 1
        self.out.append(f"mark :{self.mark}\ndata {len(data)}\n".encode() + data + b"\n")
        return self.mark

    def commit(self, ref, msg, ops, parent, merge=None, when=None):
        """ops: list of ("M", path, text) or ("D", path)."""
        blobs = []
        for op in ops:
            if op[0] == "M":
                blobs.append(("M", op[1], self.blob(op[2])))
            else:
                blobs.append(op)
        self.mark += 1
        m = self.mark
        when = when if when is not None else self.tick()
        data = msg.encode()
        head = (f"commit {ref}\nmark :{m}\n"
                f"author Gen Author <gen@example.com> {when} +0000\n"
                f"committer Gen Committer <gen@example.com> {when} +0000\n"
                f"data {len(data)}\n").encode() + data + b"\n"
        if parent is not None:
            head += f"from :{parent}\n".encode()
        if merge is not None:
            head += f"merge :{merge}\n".encode()
        self.out.append(head)
        for op in blobs:
            if op[0] == "M":
                self.out.append(f"M 100644 :{op[2]} {op[1]}\n".encode())
            else:
                self.out.append(f"D {op[1]}\n".encode())
        self.out.append(b"\n")
        self.commits += 1
        return m

    def tick(self):
        self.time += self.rng.randint(600, 8400)
        return self.time

    def main_commit(self, msg, ops, changed):
        """A first-parent commit on main; `changed`: [(id, section)] whose value changed."""
        m = self.commit("refs/heads/main", msg, ops, self.main)
        self.main = m
        self.firstparent.append(m)
        for bid, sec in changed:
            self.truth[bid][sec] = m
        return m

    def run(self):
        rng = self.rng
        # Creation: 100 commits of 20 blueprints each.
        ids = [f"role-{n:04d}" for n in range(BLUEPRINTS)]
        for batch in range(100):
            ops, changed = [], []
            for n in range(batch * 20, batch * 20 + 20):
                bp = {"id": ids[n], "n": n, "style": 0, "dir": f"team-{n % DIRS:02d}",
                      "v": {s: 1 for s in SECTIONS}}
                bp["path"] = f"{bp['dir']}/{bp['id']}.blueprint.yaml"
                self.bps[bp["id"]] = bp
                self.truth[bp["id"]] = {}
                ops.append(("M", bp["path"], render(bp)))
                changed += [(bp["id"], s) for s in SECTIONS]
            self.main_commit(f"Add roles batch {batch}", ops, changed)
        counts = {"edit": 0, "format": 0, "rename": 0, "merge": 0, "branch": 0}
        while self.commits < COMMITS:
            r = rng.random()
            if r < 0.62:
                ops, changed = [], []
                for bid in rng.sample(ids, rng.randint(1, 3)):
                    bp = self.bps[bid]
                    sec = rng.choice(SECTIONS)
                    bp["v"][sec] += 1
                    ops.append(("M", bp["path"], render(bp)))
                    changed.append((bid, sec))
                self.main_commit("Edit sections", ops, changed)
                counts["edit"] += 1
            elif r < 0.77:
                bp = self.bps[rng.choice(ids)]
                bp["style"] = (bp["style"] + rng.randint(1, 9)) % 10
                self.main_commit("Reformat", [("M", bp["path"], render(bp))], [])
                counts["format"] += 1
            elif r < 0.85:
                bp = self.bps[rng.choice(ids)]
                old = bp["path"]
                bp["dir"] = f"team-{rng.randrange(DIRS):02d}/moved"
                bp["path"] = f"{bp['dir']}/{bp['id']}-{rng.randrange(10**6)}.blueprint.yaml"
                changed = []
                if rng.random() < 0.5:
                    sec = rng.choice(SECTIONS)
                    bp["v"][sec] += 1
                    changed.append((bp["id"], sec))
                self.main_commit("Move role", [("D", old), ("M", bp["path"], render(bp))], changed)
                counts["rename"] += 1
            else:
                # A branch from main with 2-3 commits on other roles than one main commit
                # in between; merged with a merge commit (dated at the merge).
                base = self.main
                chosen = rng.sample(ids, 4)
                branch_ids, main_id = chosen[:3], chosen[3]
                branch_state = {bid: json.loads(json.dumps(self.bps[bid])) for bid in branch_ids}
                tip = base
                branch_changed = []
                for _ in range(rng.randint(2, 3)):
                    bid = rng.choice(branch_ids)
                    bp = branch_state[bid]
                    sec = rng.choice(SECTIONS)
                    bp["v"][sec] += 1
                    branch_changed.append((bid, sec))
                    tip = self.commit("refs/heads/feature", "Branch edit",
                                      [("M", bp["path"], render(bp))], tip)
                    counts["branch"] += 1
                bp = self.bps[main_id]
                sec = rng.choice(SECTIONS)
                bp["v"][sec] += 1
                self.main_commit("Edit on main", [("M", bp["path"], render(bp))], [(main_id, sec)])
                ops = []
                for bid in branch_ids:
                    self.bps[bid] = branch_state[bid]
                    ops.append(("M", branch_state[bid]["path"], render(branch_state[bid])))
                m = self.commit("refs/heads/main", "Merge feature", ops, self.main, merge=tip)
                self.main = m
                self.firstparent.append(m)
                for bid, s in branch_changed:
                    self.truth[bid][s] = m
                counts["merge"] += 1
        return counts


def sh(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, **kw)


CPU = {}


def cpu_now():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, cwd, runs=3, label=None):
    """Best wall time of `runs`; the best CPU time (user + system) is kept in CPU[label],
    which is what to compare on a busy machine."""
    best = None
    best_cpu = None
    out = None
    for _ in range(runs):
        c = cpu_now()
        t = time.perf_counter()
        out = subprocess.run(cmd, cwd=cwd, capture_output=True)
        dt = time.perf_counter() - t
        dc = cpu_now() - c
        best = dt if best is None else min(best, dt)
        best_cpu = dc if best_cpu is None else min(best_cpu, dc)
    CPU[label or (" ".join(cmd[1:3]) + (" pr" if "--changed-since" in cmd else "") +
                  (" nogit" if "--no-git" in cmd else ""))] = best_cpu
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "target",
                                                 "release", "blueprint-lint"))
    ap.add_argument("--keep", help="build the repository in this folder and keep it")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found; run `cargo build --release` first")
    work = args.keep or tempfile.mkdtemp(prefix="bench-history-")
    repo = os.path.join(work, "repo")
    if os.path.exists(repo):
        shutil.rmtree(repo)
    os.makedirs(repo)
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")

    t = time.perf_counter()
    gen = Gen()
    counts = gen.run()
    sh(["git", "init", "-q", "-b", "main", "."], repo, env=env)
    marks = os.path.join(work, "marks")
    subprocess.run(["git", "fast-import", "--quiet", f"--export-marks={marks}"], cwd=repo,
                   input=b"".join(gen.out), check=True, env=env)
    sh(["git", "checkout", "-q", "-f", "main"], repo, env=env)
    sh(["git", "branch", "-q", "-D", "feature"], repo, env=env)
    sha = {}
    with open(marks) as f:
        for line in f:
            m, s = line.split()
            sha[int(m[1:])] = s
    print(f"generated {BLUEPRINTS} blueprints, {gen.commits} commits "
          f"({counts['edit']} edit, {counts['format']} formatting-only, {counts['rename']} "
          f"rename/move, {counts['merge']} merges of {counts['branch']} branch commits) "
          f"in {time.perf_counter() - t:.1f}s")
    last_day = time.strftime("%Y-%m-%d", time.gmtime(gen.time + 86400))

    # 1. Correctness and the full walk.
    walk_s, out = timed([binary, "freshness", ".", "--format", "json", "--now", last_day,
                         "--no-cache"], repo)
    if out.returncode != 0:
        sys.exit(out.stderr.decode())
    data = json.loads(out.stdout)
    total = BLUEPRINTS * len(SECTIONS)

    def check_dates(data, what):
        seen, wrong = 0, []
        for b in data["blueprints"]:
            for sec in SECTIONS:
                got = b["sections"].get(sec, {}).get("commit")
                want = sha[gen.truth[b["id"]][sec]]
                seen += 1
                if got != want:
                    wrong.append((b["id"], sec, got, want))
        print(f"section dates ({what}): {seen - len(wrong)}/{total} correct "
              f"({100.0 * (seen - len(wrong)) / total:.2f}%), commits walked: "
              f"{data['commits_walked']}")
        for w in wrong[:10]:
            print("  wrong:", w)
        return wrong

    wrong = check_dates(data, "walk")
    # The same through the history cache: the first run stores a snapshot, the second is
    # answered from it.
    for _ in range(2):
        cached = subprocess.run([binary, "freshness", ".", "--format", "json", "--now", last_day],
                                cwd=repo, capture_output=True, check=True)
    wrong += check_dates(json.loads(cached.stdout), "from the cache")

    # 2. git log over the same paths.
    log_s, _ = timed(["git", "log", "--first-parent", "--name-only", "--format=%H", "--",
                      "*.blueprint.yaml"], repo)
    # 3. blame on 50 files.
    files = sorted(b["repo_path"] for b in data["blueprints"])
    sample = random.Random(7).sample(files, 50)
    t = time.perf_counter()
    c = cpu_now()
    for f in sample:
        sh(["git", "blame", "--porcelain", "--", f], repo)
    blame_s = time.perf_counter() - t
    blame_cpu = cpu_now() - c
    per_file_walk = walk_s / BLUEPRINTS
    per_file_blame = blame_s / 50

    # 4. --changed-since with 5 changed files vs a full check.
    check = [binary, "check", ".", "--format", "concise", "-q", "--now", last_day]
    full_check_s, _ = timed(check + ["--no-cache"], repo, label="check")
    # Leaves the snapshot a developer's earlier `check` (or a restored CI cache) would leave.
    subprocess.run(check, cwd=repo, capture_output=True)
    for f in files[:5]:
        with open(os.path.join(repo, f), "a") as fh:
            fh.write("variants:\n  pr:\n    - changed in this pull request\n")
    pr = check + ["--changed-since", "HEAD"]
    pr_cold_s, pr_out = timed(pr + ["--no-cache"], repo, runs=5, label="pr cold")
    pr_s, pr_warm_out = timed(pr, repo, runs=5, label="pr warm")
    if pr_warm_out.stdout != pr_out.stdout:
        print("PR mode with the cache reported differently from PR mode without it")
        wrong.append("pr-cache")
    reported = {line.split(":")[0] for line in pr_out.stdout.decode().splitlines() if line}
    # The same PR run without the history: what loading every blueprint for the cross-file
    # rules costs by itself.
    pr_nogit_s, _ = timed(pr + ["--no-git"], repo, runs=5, label="pr nogit")
    # The same comparison with the two runs alternating, round by round, on this same working
    # tree (the full check also sees the 5 changed files): a slower or faster spell of a
    # shared machine then hits both alike.
    rounds = []
    for r in range(ROUNDS):
        pair = {}
        for name in (("full", "pr") if r % 2 == 0 else ("pr", "full")):
            cmd = check + ["--no-cache"] if name == "full" else pr + ["--no-cache"]
            t = time.perf_counter()
            subprocess.run(cmd, cwd=repo, capture_output=True)
            pair[name] = time.perf_counter() - t
        rounds.append((pair["full"], pair["pr"]))
    for f in files[:5]:
        sh(["git", "checkout", "-q", "--", f], repo)

    print(f"full freshness walk:        {walk_s:8.3f} s")
    print(f"git log --first-parent:     {log_s:8.3f} s   walk/log = {walk_s / log_s:.2f}x "
          f"(target <= 2.5x)")
    print(f"git blame, 50 files:        {blame_s:8.3f} s   per file: blame {per_file_blame * 1000:.1f} ms"
          f" vs walk {per_file_walk * 1000:.3f} ms = {per_file_blame / per_file_walk:.0f}x "
          f"(target >= 100x)")
    print(f"check (full, 365d cutoff):  {full_check_s:8.3f} s   (--no-cache)")
    print(f"check --changed-since HEAD: {pr_s:8.3f} s   = {pr_s / full_check_s:.3f} of the full "
          f"check (target <= 0.1), with the history cache; files reported: {len(reported)}")
    print(f"  the same, --no-cache:     {pr_cold_s:8.3f} s   = {pr_cold_s / full_check_s:.3f} of "
          f"the full check (a fresh clone without the cache)")
    print(f"  of which without history: {pr_nogit_s:8.3f} s   (the history part, cold: "
          f"{max(pr_cold_s - pr_nogit_s, 0):.3f} s)")
    alt_full = min(f for f, _ in rounds)
    alt_pr = min(p for _, p in rounds)
    ratios = sorted(p / f for f, p in rounds)
    print(f"alternating, {ROUNDS} rounds:      full check {alt_full:.3f} s, cold PR run {alt_pr:.3f} s "
          f"= {alt_pr / alt_full:.3f} of the full check (best of each; median of the rounds' "
          f"ratios {ratios[len(ratios) // 2]:.3f}; target <= 0.1)")
    walk_cpu = CPU["freshness ."]
    log_cpu = CPU.get("log --first-parent")
    check_cpu = CPU.get("check")
    pr_cpu = CPU.get("pr warm")
    pr_cold_cpu = CPU.get("pr cold")
    print(f"CPU time (user+sys, robust on a busy machine): walk {walk_cpu:.3f} s, git log "
          f"{log_cpu:.3f} s = {walk_cpu / log_cpu:.2f}x; blame per file {blame_cpu / 50 * 1000:.1f} ms"
          f" vs walk {walk_cpu / BLUEPRINTS * 1000:.3f} ms = {blame_cpu / 50 / (walk_cpu / BLUEPRINTS):.0f}x;"
          f" --changed-since {pr_cpu:.3f} s of check {check_cpu:.3f} s = {pr_cpu / check_cpu:.3f}"
          f" (cold: {pr_cold_cpu:.3f} s = {pr_cold_cpu / check_cpu:.3f})")
    if not args.keep:
        shutil.rmtree(work)
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
