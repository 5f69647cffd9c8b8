"""Duplicate finder (`shouhu.rules.dedupe`) against Splink on the same labelled synthetic children.

  nice -n 10 .venv/bin/python bench/bench_dedupe.py --sizes 10000 1000000 [--splink-max 1000000] [--seed 5]

(`pip install -e '.[bench]'` first: Splink and DuckDB are used only here.) For each size it
generates the data (`bench/dedupe_data.py`), runs our finder at its documented threshold, then
Splink 5 on the DuckDB backend with its recommended workflow (Fellegi-Sunter; comparisons on
given name and surname with term-frequency adjustments, date of birth, ID number, parents'
names and phones, sex, village, class; blocking rules for prediction; probability that two
records match from deterministic rules, u by random sampling, m by EM on two blocking rules) on
the same columns, and prints side by side:

- recall per error type (generator labels) and overall;
- precision per error type: a true pair counts for its label, a false pair for the type it looks
  like (names homophones → homophone, one character different → shape, only the surname
  different → surname, day/month swapped → swap_dm, one ID missing → missing_id, else exact/other),
  so the per-type figures add up to the overall one;
- false positives by trap (twins, siblings, copied-parent fabrications, namesakes, other);
- run time (wall, this process; generation not included) and peak memory of the process.

Splink is reported at match probability ≥ 0.5 and, to be fair to it, also at the probability
threshold that gives it the best overall F1 on these labels (an oracle ours does not get).
"""
import argparse
import gc
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dedupe_data import ERROR_TYPES, generate  # noqa: E402
from shouhu.rules import dedupe  # noqa: E402
from shouhu.rules.names import fuzzy_pinyin, simplified, split_name  # noqa: E402

KINDS = (*ERROR_TYPES, "combined")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def looks_like(a: dict, b: dict) -> str:
    """The error type a pair of records looks like, from the data alone."""
    na, nb = a["name"], b["name"]
    if na != nb:
        if simplified(na) == simplified(nb):
            return "traditional"
        if fuzzy_pinyin(na) == fuzzy_pinyin(nb):
            return "homophone"
        (sa, ga), (sb, gb) = split_name(na), split_name(nb)
        if sa == sb and ga and gb:
            if len(ga) == len(gb) == 2 and ga == gb[::-1]:
                return "swap"
            short, long_ = sorted((ga, gb), key=len)
            if len(long_) == len(short) + 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_))):
                if any(long_[i] == long_[i + 1] for i in range(len(long_) - 1)):
                    return "double"
                return "pet" if long_[0] in "小阿" and long_[1:] == short else "drop"
            if len(ga) == len(gb) == 2 and any(g[0] in "小阿" or g[0] == g[1] for g in (ga, gb)):
                return "pet"
        if sa != sb and ga and (ga == gb or fuzzy_pinyin("王" + ga) == fuzzy_pinyin("王" + gb)):
            return "surname"
        if len(na) == len(nb) and sum(x != y for x, y in zip(na, nb, strict=True)) == 1:
            return "shape"
        return "other"
    da, db = a["birth_date"], b["birth_date"]
    if da != db and dedupe.swap_day_month(da) == db:
        return "swap_dm"
    if bool(a["id_number"]) != bool(b["id_number"]):
        return "missing_id"
    return "exact"


def evaluate(data, predicted: set[tuple[int, int]], by_id: dict) -> dict:
    truth = data.pair_label
    total = Counter(truth.values())
    tp = Counter()
    fp = Counter()
    traps = Counter()
    for p in predicted:
        label = truth.get(p)
        if label is not None:
            tp[label] += 1
            continue
        a, b = by_id[p[0]], by_id[p[1]]
        looks = looks_like(a, b)
        fp[looks] += 1
        ea, eb = data.entity[p[0]], data.entity[p[1]]
        if data.family[p[0]] == data.family[p[1]]:
            if data.true_birth[ea] == data.true_birth[eb]:
                traps[f"twins ({looks})"] += 1
            else:
                traps[f"siblings ({looks})"] += 1
        elif p[0] in data.fabricated and data.fabricated.get(p[0]) == data.fabricated.get(p[1]):
            traps["fabrication"] += 1
        elif a["name"] == b["name"]:
            traps["namesake"] += 1
        else:
            traps["other"] += 1
    rows = {}
    for k in (*KINDS, "other"):
        t, f, n = tp[k], fp[k], total[k]
        prec = t / (t + f) if t + f else None
        rec = t / n if n else None
        f1 = 2 * prec * rec / (prec + rec) if prec and rec else (0.0 if n or f else None)
        rows[k] = {"n": n, "tp": t, "fp": f, "precision": prec, "recall": rec, "f1": f1}
    t, f, n = sum(tp.values()), sum(fp.values()), sum(total.values())
    prec, rec = (t / (t + f) if t + f else 0.0), t / n
    rows["overall"] = {"n": n, "tp": t, "fp": f, "precision": prec, "recall": rec,
                       "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
    return {"rows": rows, "traps": dict(traps)}


def load_baseline(path: str):
    """Another version of the finder (a `dedupe.py` file, e.g. /work/main's or one checked out from
    git), run beside this one on the same data: were any trap pairs added?"""
    import importlib.util

    spec = importlib.util.spec_from_file_location("shouhu.rules._dedupe_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "shouhu.rules"
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def run_ours(records: list[dict], finder=dedupe) -> tuple[set, float, dict]:
    gc.collect()
    t0 = time.monotonic()
    stats: dict = {}
    cands = finder.find_duplicates(records, stats=stats)
    elapsed = time.monotonic() - t0
    return {(min(c.a, c.b), max(c.a, c.b)) for c in cands}, elapsed, stats


def run_splink(records: list[dict], *, max_pairs_u: float) -> tuple[list[tuple[int, int, float]], dict]:
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    times = {}
    t0 = time.monotonic()

    def col(key, conv=lambda v: v or None):
        return [conv(r.get(key)) for r in records]

    names = [split_name(r["name"]) for r in records]
    table = pa.table({
        "id": pa.array(col("id", int), pa.int64()),
        "surname": [s or None for s, _ in names],
        "given_name": [g or None for _, g in names],
        "name": col("name"),
        "birth_date": pa.array(col("birth_date"), pa.date32()),
        "birth_year": pa.array([r["birth_date"].year if r["birth_date"] else None for r in records], pa.int32()),
        "id_number": col("id_number"),
        "sex": col("sex"),
        "village_code": col("village_code"),
        "county": [(r["village_code"] or "")[:6] or None for r in records],
        "school_class_id": pa.array(col("school_class_id"), pa.int64()),
        "father_name": col("father_name"),
        "mother_name": col("mother_name"),
        "father_phone": col("father_phone"),
        "mother_phone": col("mother_phone"),
    })
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.ExactMatch("surname").configure(term_frequency_adjustments=True),  # one character: no string distance
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("id_number"),
            cl.NameComparison("father_name"),
            cl.NameComparison("mother_name"),
            cl.ExactMatch("father_phone"),
            cl.ExactMatch("mother_phone"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("village_code"),
            cl.ExactMatch("school_class_id"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("birth_date", "county"),
            block_on("surname", "birth_date"),
            block_on("given_name", "birth_year", "county"),  # province-wide at 1,000,000 without the county
            block_on("name", "village_code"),
            block_on("father_name", "mother_name"),
            block_on("father_phone"),
            block_on("mother_phone"),
            block_on("given_name", "school_class_id"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    df = db_api.register(table)
    linker = Linker(df, settings, log_level=None)
    times["load"] = time.monotonic() - t0
    t = time.monotonic()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number"), block_on("name", "birth_date")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=1)
    # EM on the ID number (pairs almost all the same child: trains names, dates, parents, places),
    # then on the name (trains the ID number). Blocking EM on the birth date instead lets the EM
    # take "same household" for "same child" (parents' names and phones agree for siblings and
    # twins and are not independent), and every sibling pair comes out a match.
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    times["train"] = time.monotonic() - t
    t = time.monotonic()
    pred = linker.inference.predict(threshold_match_probability=0.01)
    rel = pred.as_duckdbpyrelation()
    rows = rel.project("id_l, id_r, match_probability").fetchall()
    times["predict"] = time.monotonic() - t
    times["total"] = time.monotonic() - t0
    return [(min(a, b), max(a, b), p) for a, b, p in rows], times


def fmt(x, digits=3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def report(size: int, res: dict) -> None:
    print(f"\n### {size:,} records\n")
    heads = [name for name in res["methods"]]
    print("| type | pairs | " + " | ".join(f"{h}: P / R / F1" for h in heads) + " |")
    print("|---|---|" + "---|" * len(heads))
    for k in (*KINDS, "other", "overall"):
        n = res["methods"][heads[0]]["rows"][k]["n"]
        cells = []
        for h in heads:
            row = res["methods"][h]["rows"][k]
            if row["n"] == 0 and row["fp"] == 0:
                cells.append("–")
            else:
                cells.append(f"{fmt(row['precision'])} / {fmt(row['recall'])} / {fmt(row['f1'])}" + (f" ({row['fp']} FP)" if k == "other" else ""))
        print(f"| {k} | {n:,} | " + " | ".join(cells) + " |")
    print()
    for h in heads:
        m = res["methods"][h]
        print(f"- {h}: {m['time']:.1f} s; false positives by trap: {m['traps'] or 'none'}" + (f"; {m['extra']}" if m.get("extra") else ""))
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--splink-max", type=int, default=1_000_000, help="largest size Splink runs on")
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--baseline", help="another dedupe.py to run beside this one (e.g. the previous version's)")
    args = ap.parse_args()
    print(f"# duplicates benchmark, seed {args.seed}, {os.cpu_count()} CPUs, threshold {dedupe.THRESHOLD}")
    for size in args.sizes:
        t = time.monotonic()
        data = generate(size, seed=args.seed)
        by_id = {r["id"]: r for r in data.records}
        print(f"\ngenerated {len(data.records):,} records in {time.monotonic() - t:.1f} s: "
              f"{len(data.pair_label):,} true pairs {dict(Counter(data.pair_label.values()))}; "
              f"{len(data.fabricated):,} children in copied-parent groups; twin pairs {data.twins}")
        res = {"methods": {}}
        pred, elapsed, stats = run_ours(data.records)
        ev = evaluate(data, pred, by_id)
        res["methods"]["Shouhu"] = {**ev, "time": elapsed, "extra": (
            f"{stats['pairs']:,} pairs compared, {stats.get('skipped_blocks', 0)} oversized blocks skipped, "
            f"peak RSS so far {_peak_mib():,.0f} MiB")}
        print(f"Shouhu: {elapsed:.1f} s")
        sys.stdout.flush()
        if args.baseline:
            bpred, belapsed, bstats = run_ours(data.records, load_baseline(args.baseline))
            res["methods"]["baseline"] = {**evaluate(data, bpred, by_id), "time": belapsed, "extra": args.baseline}
            del bpred
        if not args.no_splink and size <= args.splink_max:
            del pred
            gc.collect()
            rows, times = run_splink(data.records, max_pairs_u=1e7 if size > 100_000 else 1e6)
            at = {(a, b) for a, b, p in rows if p >= 0.5}
            ev = evaluate(data, at, by_id)
            res["methods"]["Splink p≥0.5"] = {**ev, "time": times["total"], "extra": (
                f"train {times['train']:.1f} s, predict {times['predict']:.1f} s, peak RSS so far {_peak_mib():,.0f} MiB")}
            best = (-1.0, 0.5, None)
            for thr in (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999, 0.999999):
                e = evaluate(data, {(a, b) for a, b, p in rows if p >= thr}, by_id)
                if e["rows"]["overall"]["f1"] > best[0]:
                    best = (e["rows"]["overall"]["f1"], thr, e)
            res["methods"][f"Splink best p≥{best[1]}"] = {**best[2], "time": times["total"], "extra": "oracle threshold"}
        report(size, res)
        del data, by_id, res
        gc.collect()


if __name__ == "__main__":
    main()
