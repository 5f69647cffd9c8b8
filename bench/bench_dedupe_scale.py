"""The duplicate finder at province scale: run in parts (by birth year), each part reading the
records as a stream, on several worker processes — as the county job runs them from the database.

  nice -n 10 .venv/bin/python bench/bench_dedupe_scale.py generate --size 1000000 --out /tmp/dd/1m
  /usr/bin/time -v nice -n 10 .venv/bin/python bench/bench_dedupe_scale.py run --data /tmp/dd/1m --workers 2
  .venv/bin/python bench/bench_dedupe_scale.py replicate --data /tmp/dd/1m --copies 5 --out /tmp/dd/5m

`generate` writes the labelled records of `bench/dedupe_data.py` to a file of pickled chunks (in
pieces of 1,000,000 with `chunk` k, so 5,000,000 never sit in memory together), and the labels
beside it. `run` streams the file: once to count names (`dedupe.name_counts`) and list the parts,
then once per part in a worker (`find_duplicates(part=…, region=…)`: two birth years of one
prefecture), and prints time, the peak memory of
the main process and of the largest worker, and the scores per kind as `bench_dedupe.py` does.
The file stands for the database: a part reads the rows of its birth years (`quality.services`).
"""
import argparse
import gc
import os
import pickle
import resource
import sys
import time
from collections import Counter
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_dedupe import evaluate, report  # noqa: E402
from bench.dedupe_data import generate  # noqa: E402
from shouhu.rules import dedupe  # noqa: E402
from shouhu.rules.idcard import check_char  # noqa: E402

PIECE = 1_000_000
FIELDS = ("id", "name", "sex", "birth_date", "id_number", "village_code", "school_id", "school_class_id", "father_name",
          "mother_name", "father_id_number", "mother_id_number", "father_phone", "mother_phone", "carer_name", "carer_phone",
          "address_detail", "entered_in")


class Labels:
    """What `evaluate` reads of a Dataset, for several generated pieces."""

    def __init__(self):
        self.pair_label, self.entity, self.family, self.fabricated, self.true_birth = {}, {}, {}, {}, {}


def cmd_generate(size: int, out: Path, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    labels = Labels()
    next_id = 1
    t = time.monotonic()
    with open(out / "records.pkl", "wb") as f:
        for k in range((size + PIECE - 1) // PIECE):
            n = min(PIECE, size - k * PIECE)
            data = generate(n, seed=seed + k, chunk=k)
            base = next_id - 1
            ent_base, fam_base = k * 10_000_000, k * 10_000_000
            for i in range(0, len(data.records), 10_000):
                rows = [tuple(r["id"] + base if f == "id" else r.get(f) for f in FIELDS) for r in data.records[i:i + 10_000]]
                pickle.dump(rows, f, protocol=pickle.HIGHEST_PROTOCOL)
            for (a, b), lab in data.pair_label.items():
                labels.pair_label[(a + base, b + base)] = lab
            for rid, e in data.entity.items():
                labels.entity[rid + base] = e + ent_base
                labels.family[rid + base] = data.family[rid] + fam_base
            for rid, g in data.fabricated.items():
                labels.fabricated[rid + base] = g + fam_base
            for e, d in data.true_birth.items():
                labels.true_birth[e + ent_base] = d
            next_id += len(data.records)
            print(f"piece {k}: {len(data.records):,} records, {len(data.pair_label):,} true pairs, {time.monotonic() - t:.0f} s", flush=True)
            del data
            gc.collect()
    with open(out / "labels.pkl", "wb") as f:
        pickle.dump(labels.__dict__, f, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{next_id - 1:,} records in {out}")


def cmd_replicate(src: Path, copies: int, out: Path) -> None:
    """`copies` copies of a generated piece of 1,000,000 as other prefectures (4210 → 4212, 4214 …:
    village codes, the children's ID numbers with their check character, schools and classes, ids):
    a province of several million without generating each piece (700 s a million on this machine).
    The copies are alike but never meet: every part holds one prefecture."""
    out.mkdir(parents=True, exist_ok=True)
    with open(src / "labels.pkl", "rb") as f:
        lab = pickle.load(f)
    n = len(lab["entity"])
    new = {k: {} for k in lab}
    with open(out / "records.pkl", "wb") as f:
        for k in range(copies):
            pre = f"42{10 + 2 * k}"
            ids = k * n
            for rows in _chunks(src / "records.pkl"):
                moved = []
                for row in rows:
                    r = dict(zip(FIELDS, row, strict=True))
                    r["id"] += ids
                    r["village_code"] = pre + r["village_code"][4:]
                    r["entered_in"] = pre + r["entered_in"][4:]  # "village:day": another prefecture's sittings
                    if r["id_number"]:
                        first17 = pre + r["id_number"][4:17]
                        r["id_number"] = first17 + check_char(first17)
                    for f_ in ("school_id", "school_class_id"):
                        if r[f_] is not None:
                            r[f_] += k * 1_000_000
                    moved.append(tuple(r[f_] for f_ in FIELDS))
                pickle.dump(moved, f, protocol=pickle.HIGHEST_PROTOCOL)
            off = k * 100_000_000
            new["pair_label"].update({(a + ids, b + ids): v for (a, b), v in lab["pair_label"].items()})
            for key in ("entity", "family", "fabricated"):
                new[key].update({rid + ids: v + off for rid, v in lab[key].items()})
            new["true_birth"].update({e + off: d for e, d in lab["true_birth"].items()})
            print(f"copy {k}: prefecture {pre}", flush=True)
    with open(out / "labels.pkl", "wb") as f:
        pickle.dump(new, f, protocol=pickle.HIGHEST_PROTOCOL)


def _chunks(path: Path):
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def stream(path: Path):
    with open(path, "rb") as f:
        while True:
            try:
                rows = pickle.load(f)
            except EOFError:
                return
            for row in rows:
                yield dict(zip(FIELDS, row, strict=True))


_COUNTS = None


def _init(counts) -> None:
    global _COUNTS
    _COUNTS = counts


def _part_stream(split: Path, region: str, part: int):
    """The records of two birth years of one prefecture: what `dedupe_records(born=…)` reads."""
    for y in (part, part + 1):
        f = split / f"{region}-{y}.pkl"
        if f.exists():
            yield from stream(f)


def _run_part(args):
    split, part, region = args
    t = time.monotonic()
    stats: dict = {}
    found = dedupe.find_duplicates(_part_stream(split, region, part), part=part, counts=_COUNTS, stats=stats, region=region)
    return (f"{region}/{part}", [(c.a, c.b) for c in found], stats.get("records", 0), stats.get("pairs", 0), time.monotonic() - t,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def cmd_run(data: Path, workers: int, score: bool) -> None:
    path = data / "records.pkl"
    t0 = time.monotonic()
    names: Counter = Counter()
    years: set[int] = set()
    regions: Counter = Counter()
    n = 0
    # The records by prefecture and birth year, as the database's index on the birth date finds
    # them (a part reads two years); and the name counts (the database's GROUP BY).
    split = data / "by-year"
    split.mkdir(exist_ok=True)
    buffers: dict[str, list] = {}
    files: dict[str, object] = {}
    for r in stream(path):
        names[r["name"]] += 1
        years.add(r["birth_date"].year)
        reg = r["village_code"][:4]  # prefectures (a generated piece of 1,000,000 is one)
        regions[reg] += 1
        n += 1
        key = f"{reg}-{r['birth_date'].year}"
        buf = buffers.setdefault(key, [])
        buf.append(tuple(r[f] for f in FIELDS))
        if len(buf) >= 1000:  # ~100 files at 5,000,000: what is held stays small
            if key not in files:
                files[key] = open(split / f"{key}.pkl", "wb")  # noqa: SIM115
            pickle.dump(buf, files[key], protocol=pickle.HIGHEST_PROTOCOL)
            buffers[key] = []
    for key, buf in buffers.items():
        if key not in files:
            files[key] = open(split / f"{key}.pkl", "wb")  # noqa: SIM115
        if buf:
            pickle.dump(buf, files[key], protocol=pickle.HIGHEST_PROTOCOL)
    for f in files.values():
        f.close()
    del buffers
    counts = dedupe.name_counts(names.items())
    del names
    parts = [(p, reg) for reg in sorted(regions) for p in dedupe.parts_of({"birth_date": f"{y}-01-01"} for y in years)]
    t_count = time.monotonic() - t0
    print(f"{n:,} records in {len(regions)} prefectures; counted names, split by birth year and listed {len(parts)} parts "
          f"in {t_count:.1f} s", flush=True)
    predicted: set[tuple[int, int]] = set()
    compared = 0
    worker_peak = 0.0
    # forkserver: a worker starts from a fresh process, not a copy of this one's counters and buffers,
    # so its memory is its part's alone, as a task worker's is
    with get_context("forkserver").Pool(workers, initializer=_init, initargs=(counts,), maxtasksperchild=4) as pool:
        for part, pairs, n_recs, n_pairs, secs, peak in pool.imap_unordered(_run_part, [(split, p, reg) for p, reg in parts]):
            predicted.update((min(a, b), max(a, b)) for a, b in pairs)
            compared += n_pairs
            worker_peak = max(worker_peak, peak)
            print(f"  part {part}: {n_recs:,} records, {n_pairs:,} pairs compared, {len(pairs):,} found, {secs:.1f} s, worker peak {peak:,.0f} MiB", flush=True)
    elapsed = time.monotonic() - t0
    for f in split.iterdir():
        f.unlink()
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nfinder: {elapsed:.1f} s wall with {workers} workers ({n:,} records, {compared:,} pairs compared, "
          f"{len(predicted):,} found); peak memory: main {main_peak:,.0f} MiB, largest worker {worker_peak:,.0f} MiB; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    if not score:
        return
    with open(data / "labels.pkl", "rb") as f:
        labels = Labels()
        labels.__dict__.update(pickle.load(f))
    need = {x for p in predicted if p not in labels.pair_label for x in p}
    by_id = {r["id"]: r for r in stream(path) if r["id"] in need}
    ev = evaluate(labels, predicted, by_id)
    report(n, {"methods": {"Shouhu (parts)": {**ev, "time": elapsed, "extra": f"{workers} workers"}}})


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--size", type=int, required=True)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--seed", type=int, default=5)
    c = sub.add_parser("replicate")
    c.add_argument("--data", type=Path, required=True)
    c.add_argument("--copies", type=int, required=True)
    c.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("run")
    r.add_argument("--data", type=Path, required=True)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--no-score", action="store_true")
    args = ap.parse_args()
    if args.cmd == "generate":
        cmd_generate(args.size, args.out, args.seed)
    elif args.cmd == "replicate":
        cmd_replicate(args.data, args.copies, args.out)
    else:
        cmd_run(args.data, args.workers, not args.no_score)


if __name__ == "__main__":
    main()
