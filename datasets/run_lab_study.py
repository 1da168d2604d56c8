"""Train the lab's grid of small byte-level language models and write their losses to datasets/.

Five model sizes x five token budgets (helpers.tinylm.STUDY_WIDTHS, STUDY_TOKENS), each trained
once with seed 0 on the Python documentation corpus (helpers.corpus), and a few grid cells again with
other seeds (NOISE_CELLS, NOISE_SEEDS) to measure run-to-run noise. The runs are independent and
each is seeded by its own seed, so they are spread over processes (one per core by default) and the
results are the same whatever the number of workers. About 7e12 FLOP of model compute: a few minutes
on two cores (benchmarks/bench_lab.py times it).

    python datasets/run_lab_study.py            # writes lab_tinylm_runs.csv, lab_tinylm_seed_runs.csv
                                                # and lab_tinylm_runs_meta.json
    python datasets/run_lab_study.py --workers 1

A fresh prediction, in two steps and two commits (notebook 09, section 5): first record what the
law fitted to the committed grid predicts for a run the grid does not contain, then train it.

    python datasets/run_lab_study.py --predict 144 300000   # writes the prediction, nothing trained
    python datasets/run_lab_study.py --train-fresh          # trains that run, adds its losses
"""
import argparse
import csv
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402  (after the thread settings)

from helpers import corpus, datasets, tinylm  # noqa: E402

RUNS_FILE = "lab_tinylm_runs.csv"
SEED_RUNS_FILE = "lab_tinylm_seed_runs.csv"
META_FILE = "lab_tinylm_runs_meta.json"
FRESH_FILE = "lab_tinylm_fresh_run.csv"
FRESH_COLUMNS = ["width", "params", "tokens", "flops", "predicted_held_out_loss", "train_loss", "held_out_loss",
                 "seed", "wall_seconds"]
# Grid cells trained again with other seeds: one per width, small and large budgets.
NOISE_CELLS = ((8, 40000), (24, 120000), (72, 400000), (216, 70000), (648, 40000))
NOISE_SEEDS = (1, 2)


def _progress_bar(done, total, last):
    bar = "#" * int(30 * done / total)
    tail = f"  last: N={last.N:,} D={last.D:,} loss {last.held_out_loss:.3f}" if last else ""
    print(f"\r[{bar:<30}] {done}/{total}{tail}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def write_study(out_dir, widths=tinylm.STUDY_WIDTHS, tokens=tinylm.STUDY_TOKENS, seed=0, progress=_progress_bar,
                noise_cells=NOISE_CELLS, noise_seeds=NOISE_SEEDS, workers=None):
    """Run the grid (seed ``seed``) and the noise runs (each of noise_cells with each of noise_seeds) on
    ``workers`` processes (default: every core), and write the two CSVs and their metadata into out_dir
    (a Path). Returns (grid results, noise results)."""
    text = corpus.load_corpus()
    workers = tinylm.default_workers() if workers is None else workers
    pairs = sorted(((w, d) for w in widths for d in tokens), key=lambda wd: tinylm.parameter_count(wd[0]) * wd[1])
    jobs = [(w, d, seed) for w, d in pairs] + [(w, d, s) for w, d in noise_cells for s in noise_seeds]
    start = time.perf_counter()
    results, seconds = tinylm.run_many(text, jobs, workers=workers, progress=progress)
    wall = time.perf_counter() - start
    grid, noise = results[:len(pairs)], results[len(pairs):]
    _write_runs(out_dir / RUNS_FILE, grid, with_seed=False)
    _write_runs(out_dir / SEED_RUNS_FILE, noise, with_seed=True)
    meta = {"seed": seed, "widths": list(widths), "tokens": list(tokens),
            "noise_cells": [list(cell) for cell in noise_cells], "noise_seeds": list(noise_seeds),
            "batch": tinylm.BATCH, "dtype": np.dtype(tinylm.DTYPE).name, "corpus": text.source,
            "corpus_bytes": {"train": int(text.train.size), "held_out": int(text.held_out.size)},
            "held_out_positions": int(text.held_out.size - tinylm.CONTEXT),
            "python": platform.python_version(), "numpy": version("numpy"), "workers": workers,
            "wall_seconds_per_run": [round(s, 2) for s in seconds[:len(pairs)]],
            "wall_seconds_per_noise_run": [round(s, 2) for s in seconds[len(pairs):]],
            "wall_seconds_total": round(wall, 1)}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return grid, noise


def _write_runs(path, results, with_seed):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["width", "params", "tokens", "flops", *(["seed"] if with_seed else []),
                         "train_loss", "held_out_loss"])
        for r in results:
            writer.writerow([r.width, r.N, r.D, f"{r.flops:.6g}", *([r.seed] if with_seed else []),
                             f"{r.train_loss:.5f}", f"{r.held_out_loss:.5f}"])


def predict_fresh(out_dir, width, tokens, seed=0):
    """Fit the Chinchilla form to the committed grid and write its prediction for (width, tokens) to FRESH_FILE,
    with the losses left empty (nothing is trained). Returns the predicted held-out loss."""
    from helpers import fitting

    runs = datasets.load(RUNS_FILE[:-4])
    if any((runs["width"] == width) & (runs["tokens"] == tokens)):
        raise ValueError(f"width {width} with {tokens} tokens is already in the grid; choose a run it does not hold")
    law = fitting.fit_chinchilla(runs["params"], runs["tokens"], runs["held_out_loss"]).law
    n = tinylm.parameter_count(width)
    d = (tokens // tinylm.BATCH) * tinylm.BATCH
    predicted = float(law.loss(n, d))
    _write_fresh(out_dir, {"width": width, "params": n, "tokens": d, "flops": f"{6.0 * n * d:.6g}",
                           "predicted_held_out_loss": f"{predicted:.5f}", "train_loss": "", "held_out_loss": "",
                           "seed": seed, "wall_seconds": ""})
    return predicted


def train_fresh(out_dir):
    """Train the run recorded by predict_fresh and add its losses to FRESH_FILE. Returns the RunResult."""
    import time

    with open(out_dir / FRESH_FILE, newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    if row["held_out_loss"]:
        raise ValueError(f"{FRESH_FILE} already holds a trained run; predict a new one first")
    start = time.perf_counter()
    result = tinylm.train_run(corpus.load_corpus(), int(row["width"]), int(row["tokens"]), seed=int(row["seed"]))
    row.update(train_loss=f"{result.train_loss:.5f}", held_out_loss=f"{result.held_out_loss:.5f}",
               wall_seconds=f"{time.perf_counter() - start:.1f}")
    _write_fresh(out_dir, row)
    return result


def _write_fresh(out_dir, row):
    with open(out_dir / FRESH_FILE, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FRESH_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the lab's grid of small language models.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    parser.add_argument("--predict", type=int, nargs=2, metavar=("WIDTH", "TOKENS"),
                        help="record the grid's prediction for a run it does not hold (trains nothing)")
    parser.add_argument("--train-fresh", action="store_true", help="train the run recorded by --predict")
    args = parser.parse_args(argv)
    if args.predict or args.train_fresh:
        if args.predict:
            predicted = predict_fresh(args.out, *args.predict, seed=args.seed)
            print(f"predicted held-out loss {predicted:.3f} nats/byte; wrote {FRESH_FILE}")
        else:
            result = train_fresh(args.out)
            print(f"measured held-out loss {result.held_out_loss:.3f} nats/byte; wrote {FRESH_FILE}")
        if args.out.resolve() == datasets.DATA_DIR:
            datasets.refresh_manifest()
        return
    write_study(args.out, seed=args.seed, workers=args.workers)
    if args.out.resolve() == datasets.DATA_DIR:
        datasets.refresh_manifest()
    print(f"wrote {RUNS_FILE}, {SEED_RUNS_FILE} and {META_FILE} to {args.out}")


if __name__ == "__main__":
    main()
