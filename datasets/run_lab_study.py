"""Train the lab's grid of small byte-level language models and write their losses to datasets/.

Five model sizes x five token budgets (helpers.tinylm.STUDY_WIDTHS, STUDY_TOKENS), each trained
once on the Python documentation corpus (helpers.corpus), seeded. About six minutes on one core.

    python datasets/run_lab_study.py            # writes lab_tinylm_runs.csv and lab_tinylm_runs_meta.json

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
from importlib.metadata import version
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from helpers import corpus, datasets, tinylm  # noqa: E402  (after the thread settings)

RUNS_FILE = "lab_tinylm_runs.csv"
META_FILE = "lab_tinylm_runs_meta.json"
FRESH_FILE = "lab_tinylm_fresh_run.csv"
FRESH_COLUMNS = ["width", "params", "tokens", "flops", "predicted_held_out_loss", "train_loss", "held_out_loss",
                 "seed", "wall_seconds"]


def _progress_bar(done, total, last):
    bar = "#" * int(30 * done / total)
    tail = f"  last: N={last.N:,} D={last.D:,} loss {last.held_out_loss:.3f}" if last else ""
    print(f"\r[{bar:<30}] {done}/{total}{tail}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def write_study(out_dir, widths=tinylm.STUDY_WIDTHS, tokens=tinylm.STUDY_TOKENS, seed=0, progress=_progress_bar):
    """Run the grid and write the CSV and its metadata into out_dir (a Path). Returns the results."""
    text = corpus.load_corpus()
    results, seconds = tinylm.run_grid(text, widths, tokens, seed=seed, progress=progress)
    with open(out_dir / RUNS_FILE, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["width", "params", "tokens", "flops", "train_loss", "held_out_loss"])
        for r in results:
            writer.writerow([r.width, r.N, r.D, f"{r.flops:.6g}", f"{r.train_loss:.5f}", f"{r.held_out_loss:.5f}"])
    meta = {"seed": seed, "widths": list(widths), "tokens": list(tokens), "corpus": text.source,
            "corpus_bytes": {"train": int(text.train.size), "held_out": int(text.held_out.size)},
            "python": platform.python_version(), "numpy": version("numpy"),
            "wall_seconds_per_run": [round(s, 2) for s in seconds], "wall_seconds_total": round(sum(seconds), 1)}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return results


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
    write_study(args.out, seed=args.seed)
    if args.out.resolve() == datasets.DATA_DIR:
        datasets.refresh_manifest()
    print(f"wrote {RUNS_FILE} and {META_FILE} to {args.out}")


if __name__ == "__main__":
    main()
