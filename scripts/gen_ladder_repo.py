#!/usr/bin/env python3
"""Generate a repository of career-ladder blueprints for timing the cross-file ladder rules.

Each family is a ladder: IC rungs (intern .. distinguished) and manager rungs (manager ..
vp), with `career.next` / `career.feeders` links between consecutive rungs, an IC-to-manager
link from the senior rung, experience bands and authority that fit the built-in default
ladder. The generated repository is lint-clean, so a timing measures the checks rather than
the rendering of findings.

    scripts/gen_ladder_repo.py OUT --blueprints 500 --families 60
    scripts/gen_ladder_repo.py OUT --blueprints 5000 --families 600

    scripts/gen_ladder_repo.py --bench     # generate both sizes in a temporary folder and
                                           # time `check` (release build) with the ladder
                                           # rules on and off; prints the fastest runs and ratios
"""

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time

# (level, track, title word, years min, years max, authority)
RUNGS = [
    ("junior", "ic", "Junior", 0, 2, {"budget": "none", "architecture": "contributes", "delivery": "contributes"}),
    ("mid", "ic", "", 2, 5, {"budget": "contributes", "architecture": "recommends", "delivery": "owns"}),
    ("senior", "ic", "Senior", 5, 8, {"budget": "contributes", "architecture": "approves", "delivery": "owns"}),
    ("staff", "ic", "Staff", 8, 12, {"budget": "recommends", "architecture": "owns", "delivery": "owns"}),
    ("manager", "manager", "Manager", 6, 12, {"budget": "recommends", "hiring": "approves", "delivery": "owns"}),
    ("principal", "ic", "Principal", 12, None, {"budget": "approves", "architecture": "owns", "delivery": "owns"}),
    ("senior-manager", "manager", "Senior Manager", 8, 15, {"budget": "approves", "hiring": "owns", "delivery": "owns"}),
    ("intern", "ic", "Intern", 0, 1, {"budget": "none", "architecture": "contributes", "delivery": "contributes"}),
    ("director", "manager", "Director", 10, None, {"budget": "owns", "hiring": "owns", "delivery": "owns"}),
    ("distinguished", "ic", "Distinguished", 15, None, {"budget": "approves", "architecture": "owns", "delivery": "owns"}),
    ("vp", "manager", "VP", 15, None, {"budget": "owns", "hiring": "owns", "delivery": "owns"}),
]
IC_ORDER = ["intern", "junior", "mid", "senior", "staff", "principal", "distinguished"]
M_ORDER = ["manager", "senior-manager", "director", "vp"]


def role_id(family, level):
    return f"{level}-{family}-engineer" if level in IC_ORDER else f"{level}-{family}"


def title(family, level, word, track):
    name = family.replace("-", " ").title()
    if track == "manager":
        return f"{word}, {name} Engineering" if word != "Manager" else f"Engineering Manager, {name}"
    return f"{word} {name} Engineer".strip()


def blueprint(family, level, track, word, ymin, ymax, authority, present):
    order = IC_ORDER if track == "ic" else M_ORDER
    pos = order.index(level)
    lower = [l for l in order[:pos] if l in present]
    higher = [l for l in order[pos + 1:] if l in present]
    lines = [
        "apiVersion: blueprint/v1",
        "kind: RoleBlueprint",
        f"id: {role_id(family, level)}",
        f"title: {title(family, level, word, track)}",
        f"family: {family}",
        f"level: {level}",
        f"track: {track}",
        "summary:",
        f"  text: Builds and runs the {family.replace('-', ' ')} services and their operations.",
        "  interactions:",
        "    - Product management",
        "    - Site Reliability Engineering",
        "responsibilities:",
        "  - category: technical",
        "    items:",
        "      - title: Build and operate the family's services",
        "        detail: Design, test, ship, and monitor changes.",
        "  - category: operational",
        "    items:",
        "      - title: Take part in incident response",
        "        detail: Escalate to senior engineers when thresholds are met.",
        "kpis:",
        "  - id: change-failure-rate",
        "    name: Change failure rate",
        "    measures: Share of deployments causing incidents",
        "    target: < 10%",
        "    frequency: Monthly",
        "    weight: 50",
        "  - id: lead-time",
        "    name: Lead time for changes",
        "    measures: Time from PR opened to production",
        "    target: Median < 2 days",
        "    frequency: Monthly",
        "    weight: 50",
        "decision_rights:",
        "  authority:",
    ]
    for area, value in authority.items():
        lines += [f"    {area}:", f"      level: {value}"]
    lines += ["qualifications:", "  years:", f"    min: {ymin}"]
    if ymax is not None:
        lines.append(f"    max: {ymax}")
    lines.append("career:")
    feeders = [lower[-1]] if lower else []
    nxt = [higher[0]] if higher else []
    if track == "ic" and level == "senior" and "manager" in present:
        nxt.append("manager")
    if track == "manager" and level == "manager" and "senior" in present:
        feeders.append("senior")
    if feeders:
        lines.append("  feeders:")
        lines += [f"    - role: {role_id(family, l)}" for l in feeders]
    lines.append("  next:")
    if nxt:
        lines += [f"    - role: {role_id(family, l)}" for l in nxt]
    else:
        lines.append("    - title: A role in another family")
    if pos + 1 < len(order):
        lines += ["  promotion:", f"    to: {order[pos + 1]}"]
    return "\n".join(lines) + "\n"


LADDER_RULES = [
    "level-unknown",
    "title-level-mismatch",
    "experience-level-mismatch",
    "authority-exceeds-level",
    "career-next-not-higher",
    "career-feeder-not-lower",
    "ladder-duplicate-level",
    "ladder-experience-order",
    "level-qualifier-mismatch",
]


def timed(cmd, runs):
    """Fastest wall-clock and CPU (user + system) seconds of `runs` runs after one warm-up run.
    The minimum is the measurement least disturbed by other processes; CPU time is reported
    too because wall time on a busy machine mostly measures the other processes."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout.decode()[:2000]}")
    return min(walls), min(cpus)


def bench(runs):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.join(root, "target", "release", "blueprint-lint")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
    sizes = [(500, 60), (5000, 600)]
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for blueprints, families in sizes:
            # One folder per size: a config's folder is the project the cross-file rules see.
            base = os.path.join(tmp, f"size-{blueprints}")
            out = os.path.join(base, "repo")
            generate(out, blueprints, families)
            off = os.path.join(base, "ladder-off.yaml")
            with open(off, "w") as fh:
                fh.write("rules:\n" + "".join(f"  {r}: off\n" for r in LADDER_RULES))
            on = os.path.join(base, "ladder-on.yaml")
            with open(on, "w") as fh:
                fh.write("rules: {}\n")
            cmd = [binary, "check", out, "--format", "concise", "-q"]
            results.append((blueprints, families, timed(cmd + ["--config", on], runs), timed(cmd + ["--config", off], runs)))
    print(f"{'blueprints':>10} {'families':>8}  {'all rules (wall / CPU)':>24}  {'ladder rules off':>20}  {'ladder rules (CPU)':>18}")
    for b, f, (w_on, c_on), (w_off, c_off) in results:
        print(f"{b:>10} {f:>8}  {w_on * 1000:>9.0f} ms / {c_on * 1000:>6.0f} ms  {w_off * 1000:>7.0f} ms / {c_off * 1000:>5.0f} ms  {(c_on - c_off) * 1000:>15.0f} ms")
    (b1, _, on1, off1), (b2, _, on2, off2) = results
    ladder1, ladder2 = on1[1] - off1[1], on2[1] - off2[1]
    print(
        f"ratio {b2}/{b1} blueprints (linear = {b2 / b1:.0f}x): check wall {on2[0] / on1[0]:.1f}x, "
        f"check CPU {on2[1] / on1[1]:.1f}x, ladder rules CPU {ladder2 / max(ladder1, 1e-9):.1f}x"
    )

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--blueprints", type=int, default=500)
    ap.add_argument("--families", type=int, default=60)
    ap.add_argument("--bench", action="store_true", help="time check on 500 and 5,000 blueprints")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement (the fastest counts)")
    args = ap.parse_args()
    if args.bench:
        bench(args.runs)
        return
    if not args.out:
        ap.error("give an output folder, or --bench")
    generate(args.out, args.blueprints, args.families)


def generate(out, blueprints, families):
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    # Spread the blueprints over the families; each family takes the first rungs of RUNGS.
    base, extra = divmod(blueprints, families)
    if base + 1 > len(RUNGS):
        raise SystemExit(f"at most {len(RUNGS)} blueprints per family")
    written = 0
    for f in range(families):
        family = f"family-{f:04d}"
        rungs = RUNGS[: base + (1 if f < extra else 0)]
        present = {r[0] for r in rungs}
        folder = os.path.join(out, family)
        os.makedirs(folder)
        for level, track, word, ymin, ymax, authority in rungs:
            text = blueprint(family, level, track, word, ymin, ymax, authority, present)
            with open(os.path.join(folder, role_id(family, level) + ".blueprint.yaml"), "w") as fh:
                fh.write(text)
            written += 1
    print(f"wrote {written} blueprints in {families} families to {out}")


if __name__ == "__main__":
    main()
