"""Precision and recall of the data-quality checks (`shouhu.rules.quality`) on labelled synthetic data.

  nice -n 10 .venv/bin/python bench/bench_checks.py --sizes 10000 1000000 [--seed 5] [--visits-per-child 3.3]

For each size it generates children and visits with injected, labelled errors and traps
(`bench/checks_data.py`), then runs the pure checks as the nightly run feeds them
(`shouhu.quality.services`): `record_findings` on every record, `cross_line_findings` on the
(village record, school roster record) pairs, `shared_parent_findings` on the people columns
`_group_checks` reads, and `visit_note_findings`, `visit_burst_findings`, `visit_date_findings` on
the visits of the last 120 days. No database.

Scoring, per error type (checks_data.ERRORS) and overall, at the checks' own thresholds:
- a unit is (subject, error type): a child record, or a visit for the visit checks;
- recall = injected units with a finding of one of the type's primary codes / injected units;
- a finding is true when its subject carries an injected type that lists its code (primary or
  secondary); it then counts for that type. A false finding counts for the type whose primary
  codes hold its code (the type it looks like), else for "other"; precision per type =
  true units / (true + false units), so the per-type figures add up to the overall one;
- false findings on trap records or visits are also listed per trap ("trap false positives"),
  and every false finding by code.
Run time per stage (wall, this process) and the peak resident memory of the process.
"""
import argparse
import gc
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checks_data import ERRORS, TODAY, generate  # noqa: E402
from shouhu.rules import quality as Q  # noqa: E402

PEOPLE = ("id", "village_code", "address_detail", "carer_name", "carer_id_number", "carer_phone",
          *[f"{p}_{f}" for p in ("father", "mother") for f in ("name", "id_number", "phone")])
LOOKS_LIKE: dict[str, str] = {}
for _t, _e in ERRORS.items():
    for _c in _e.primary:
        LOOKS_LIKE.setdefault(_c, _t)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_checks(data, timings: dict) -> list[Q.Finding]:
    found: list[Q.Finding] = []
    t = time.perf_counter()
    for rec in data.records:
        found += Q.record_findings(rec, today=TODAY)
    timings["record_findings"] = time.perf_counter() - t
    t = time.perf_counter()
    found += Q.cross_line_findings(data.pairs)
    timings["cross_line_findings"] = time.perf_counter() - t
    t = time.perf_counter()
    people = [{k: rec[k] for k in PEOPLE} for rec in data.records]
    found += Q.shared_parent_findings(people)
    del people
    timings["shared_parent_findings"] = time.perf_counter() - t
    t = time.perf_counter()
    found += Q.visit_note_findings(data.visits)
    timings["visit_note_findings"] = time.perf_counter() - t
    t = time.perf_counter()
    found += Q.visit_burst_findings(data.visits)
    timings["visit_burst_findings"] = time.perf_counter() - t
    t = time.perf_counter()
    found += Q.visit_date_findings(data.visits, data.registered, TODAY)
    timings["visit_date_findings"] = time.perf_counter() - t
    return found


def evaluate(data, found: list[Q.Finding]) -> dict:
    labels = {"child": data.record_errors, "visit": data.visit_errors}
    traps = {"child": data.record_traps, "visit": data.visit_traps}
    caught: set[tuple] = set()             # (subject, id, type) caught by a primary code
    true_units: set[tuple] = set()         # (subject, id, type)
    false_units: set[tuple] = set()        # (subject, id, looks-like type)
    false_codes: Counter = Counter()
    false_examples: dict[str, tuple] = {}
    trap_fp: dict[str, set] = defaultdict(set)
    for f in found:
        subject = Q.CATALOGUE[f.code].subject
        sid = f.record_id if subject == "visit" else f.child_id
        errs = labels[subject].get(sid, ())
        prim = [t for t in errs if f.code in ERRORS[t].primary]
        sec = [t for t in errs if f.code in ERRORS[t].secondary]
        for t in prim:
            caught.add((subject, sid, t))
        if prim or sec:
            true_units.add((subject, sid, (prim or sec)[0]))
            continue
        looks = LOOKS_LIKE.get(f.code, "other")
        false_units.add((subject, sid, looks))
        false_codes[f.code] += 1
        false_examples.setdefault(f.code, (subject, sid, f.field, f.message, tuple(sorted(errs))))
        for kind in traps[subject].get(sid, ()):
            trap_fp[kind].add((subject, sid))
    injected = Counter(t for subject in ("child", "visit") for ts in labels[subject].values() for t in ts)
    rows = {}
    for t in [*ERRORS, "other"]:
        tp = sum(1 for u in true_units if u[2] == t)
        fp = sum(1 for u in false_units if u[2] == t)
        n = injected.get(t, 0)
        c = sum(1 for u in caught if u[2] == t)
        rows[t] = (n, c, tp, fp)
    return {"rows": rows, "false_codes": false_codes, "false_examples": false_examples,
            "trap_fp": {k: len(v) for k, v in trap_fp.items()},
            "trap_units": {k: sum(1 for ts in traps[s].values() if k in ts) for s in ("child", "visit")
                           for k in {k for ts in traps[s].values() for k in ts}}}


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def report(size: int, data, res: dict, timings: dict, peak: float) -> None:
    print(f"\n## {size:,} children: {len(data.records):,} records, {len(data.visits):,} visits, {len(data.pairs):,} roster pairs")
    print(f"   {data.stats}")
    print("\n| type | kind | injected | caught | P / R / F1 | false (units) |")
    print("|---|---|---|---|---|---|")
    tot_n = tot_c = tot_tp = tot_fp = 0
    for t, (n, c, tp, fp) in res["rows"].items():
        if not (n or tp or fp):
            continue
        p = tp / (tp + fp) if tp + fp else None
        r = c / n if n else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        kind = ERRORS[t].kind if t in ERRORS else "–"
        print(f"| {t} | {kind} | {n:,} | {c:,} | {_f(p)} / {_f(r)} / {_f(f1)} | {fp:,} |")
        tot_n, tot_c, tot_tp, tot_fp = tot_n + n, tot_c + c, tot_tp + tp, tot_fp + fp
    p, r = tot_tp / (tot_tp + tot_fp), tot_c / tot_n
    print(f"| **overall** | | {tot_n:,} | {tot_c:,} | {p:.3f} / {r:.3f} / {2 * p * r / (p + r):.3f} | {tot_fp:,} |")
    print("\nTrap false positives (subjects with a false finding / subjects with the trap):")
    for k, n in sorted(res["trap_units"].items()):
        print(f"  {k}: {res['trap_fp'].get(k, 0):,} / {n:,}")
    print("False findings by code (findings), with an example:")
    for code, n in res["false_codes"].most_common():
        print(f"  {code}: {n:,}   e.g. {res['false_examples'][code]}")
    print("Run time (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
          + f"; checks total {sum(v for k, v in timings.items() if k != 'generate'):.1f}; peak RSS {peak:,.0f} MiB")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--visits-per-child", type=float, default=None,
                    help="visits a child over 120 days (default 10 up to 100,000 children, 3.3 above)")
    args = ap.parse_args(argv)
    for size in args.sizes:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        data = generate(size, seed=args.seed, visits_per_child=args.visits_per_child)
        timings["generate"] = time.perf_counter() - t
        gc.collect()
        gc.freeze()  # millions of long-lived dicts: keep the cyclic collector off them
        found = run_checks(data, timings)
        res = evaluate(data, found)
        report(size, data, res, timings, _peak_mib())
        del data, found, res
        gc.unfreeze()
        gc.collect()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
