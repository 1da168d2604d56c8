"""Train the lab's grid of small byte-level language models and write their losses to datasets/.

Five model sizes x five token budgets (helpers.tinylm.STUDY_WIDTHS, STUDY_TOKENS), each trained
once on the Python documentation corpus (helpers.corpus), seeded. About six minutes on one core.

    python datasets/run_lab_study.py            # writes lab_tinylm_runs.csv and lab_tinylm_runs_meta.json
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


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the lab's grid of small language models.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_study(args.out, seed=args.seed)
    if args.out.resolve() == datasets.DATA_DIR:
        datasets.refresh_manifest()
    print(f"wrote {RUNS_FILE} and {META_FILE} to {args.out}")


if __name__ == "__main__":
    main()
