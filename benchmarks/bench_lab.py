"""How fast the lab trains: tokens/s and model GFLOP/s per width, against this machine's matmul peak.

Per width: the training steps of helpers.tinylm (helpers.tinylm.train, evaluation excluded) on
``--tokens`` bytes, ``--repeats`` times; model FLOPs are 6 N per token (the course's C = 6ND). Every
step is timed on its own, and so is each of many float32 products (64 x 1024) @ (1024 x 1024) on one
core, interleaved with the runs in this process; speeds use the median of those timings. Timings
are CPU time (time.process_time), not wall time: on a machine shared with other work a process is
paused now and then, and a pause would count against a long step more often than against a short
product. Other work still competes for caches and memory bandwidth, so the ratio of the two speeds
measured in the same process (the fraction of the matmul peak) is the number to compare; the median
of the repeats is printed. Then the whole study (datasets/run_lab_study.py: the 25-run grid and the
noise runs) on every core, written to a temporary directory: its wall time does depend on what else
the machine runs.

    python benchmarks/bench_lab.py                      # a few minutes, most of it the study
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
DEFAULT_TOKENS = {8: 12800, 72: 12800, 648: 3200}


def matmul_peak(repeats=50):
    """GFLOP/s of one float32 (64 x 1024) @ (1024 x 1024) product: the median of ``repeats`` CPU timings."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 1024)).astype(np.float32)
    b = rng.standard_normal((1024, 1024)).astype(np.float32)
    out = np.empty((64, 1024), np.float32)
    seconds = []
    for _ in range(repeats):
        start = time.process_time()
        np.matmul(a, b, out=out)
        seconds.append(time.process_time() - start)
    return 2 * 64 * 1024 * 1024 / statistics.median(seconds) / 1e9


def training_speed(text, width, tokens, dtype=tinylm.DTYPE):
    """Model GFLOP/s (6 N per token) of the training steps of one run: the median step's (CPU time), and N."""
    model = tinylm.TinyLM(width, seed=0, dtype=dtype)
    positions = tinylm.CONTEXT + np.random.default_rng(0).permutation(text.train.size - tinylm.CONTEXT)[:tokens]
    seconds = []
    tinylm.train(model, text.train, positions, step_cpu_seconds=seconds)
    return 6 * model.n_params * tinylm.BATCH / statistics.median(seconds) / 1e9, model.n_params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=list(DEFAULT_TOKENS))
    parser.add_argument("--tokens", type=int, default=None, help="training bytes timed per width "
                        "(default: 12,800, or 3,200 at width 648)")
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
        tokens = args.tokens or DEFAULT_TOKENS.get(width, 12800)
        fractions, speeds, peaks = [], [], []
        for _ in range(args.repeats):
            peak = matmul_peak()
            speed, n = training_speed(text, width, tokens)
            speeds.append(speed)
            peaks.append(peak)
            fractions.append(speed / peak)
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
