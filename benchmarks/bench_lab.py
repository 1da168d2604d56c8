"""How fast the lab trains: tokens/s and model GFLOP/s per width, against this machine's matmul peak.

Per width: the training steps of helpers.tinylm (helpers.tinylm.train, evaluation excluded) on
``--tokens`` bytes, timed ``--repeats`` times; model FLOPs are 6 N per token (the course's C = 6ND).
Each timing is paired with a timing of numpy's float32 product (64 x 1024) @ (1024 x 1024) on one
core, taken in this process just before, so the fraction of peak is a ratio measured under the same
machine load (report medians: on a shared machine single timings wander). Then the whole study
(datasets/run_lab_study.py: the 25-run grid and the noise runs) on every core, written to a
temporary directory, and its wall time.

    python benchmarks/bench_lab.py                      # about two minutes on two free cores
    python benchmarks/bench_lab.py --study none --repeats 5
"""
import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

from helpers import corpus, tinylm  # noqa: E402

STUDY_SCRIPT = Path(__file__).resolve().parent.parent / "datasets" / "run_lab_study.py"
DEFAULT_TOKENS = {8: 40000, 72: 40000, 648: 6400}


def matmul_peak(repeats=20):
    """GFLOP/s of one float32 (64 x 1024) @ (1024 x 1024) product: the best of ``repeats`` timings."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 1024)).astype(np.float32)
    b = rng.standard_normal((1024, 1024)).astype(np.float32)
    out = np.empty((64, 1024), np.float32)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2 * 64 * 1024 * 1024 / best / 1e9


def time_training(text, width, tokens, dtype=tinylm.DTYPE):
    """Seconds for the training steps of one run (no evaluation), and N."""
    model = tinylm.TinyLM(width, seed=0, dtype=dtype)
    positions = tinylm.CONTEXT + np.random.default_rng(0).permutation(text.train.size - tinylm.CONTEXT)[:tokens]
    start = time.perf_counter()
    tinylm.train(model, text.train, positions)
    return time.perf_counter() - start, model.n_params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=list(DEFAULT_TOKENS))
    parser.add_argument("--tokens", type=int, default=None, help="training bytes timed per width "
                        "(default: 40,000, or 6,400 at width 648)")
    parser.add_argument("--repeats", type=int, default=3, help="timings per width (median)")
    parser.add_argument("--study", choices=("full", "tiny", "none"), default="full",
                        help="also time the whole study on every core (tiny: a 2 x 2 grid, for tests)")
    parser.add_argument("--workers", type=int, default=tinylm.default_workers())
    args = parser.parse_args(argv)

    text = corpus.load_corpus()
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; numpy {np.__version__}; "
          f"{os.cpu_count()} cores (shared: other processes may run)")
    print("width        N  tokens/s  GFLOP/s (6N/token)  matmul peak GFLOP/s  fraction of peak")
    rows = {}
    for width in args.widths:
        tokens = args.tokens or DEFAULT_TOKENS.get(width, 40000)
        time_training(text, width, min(tokens, 10 * tinylm.BATCH))  # warm-up
        fractions, speeds, peaks = [], [], []
        for _ in range(args.repeats):
            peak = matmul_peak()
            seconds, n = time_training(text, width, tokens)
            speeds.append(6 * n * tokens / seconds / 1e9)
            peaks.append(peak)
            fractions.append(speeds[-1] / peak)
        speed, fraction = statistics.median(speeds), statistics.median(fractions)
        rows[width] = (speed, fraction)
        print(f"{width:5d} {n:9,d} {speed * 1e9 / (6 * n):9,.0f}  {speed:18.1f}  {statistics.median(peaks):19.0f}"
              f"  {fraction:16.0%}")
    study_seconds = None
    if args.study != "none":
        study_seconds = _time_study(args.study, args.workers)
        print(f"study ({args.study}) on {args.workers} processes: {study_seconds:.1f} s wall")
    return rows, study_seconds


def _time_study(scale, workers):
    """Wall seconds of the lab study (``scale`` "full" or "tiny") on ``workers`` processes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_lab_study", STUDY_SCRIPT)
    study = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(study)
    options = {} if scale == "full" else dict(widths=(4, 8), tokens=(1000, 2000), noise_cells=((4, 1000),))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        study.write_study(Path(out), workers=workers, progress=None, **options)
        return time.perf_counter() - start


if __name__ == "__main__":
    main()
