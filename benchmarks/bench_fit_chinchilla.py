"""Time fit_chinchilla against the paper's method, and bootstrap_chinchilla with 1000 resamples.

The paper's method is L-BFGS-B (analytic gradient) from every start of the 4500-point grid of
Hoffmann et al. 2022, App. D.2. Both run on the same ~240 Chinchilla-design synthetic runs,
in this one process, so the ratio is measured under the same machine load.

    python benchmarks/bench_fit_chinchilla.py            # full grid, about 30 s
    python benchmarks/bench_fit_chinchilla.py --starts 300 --repeats 5
"""
import argparse
import os
import statistics
import time

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from helpers import chinchilla_fit, fitting, laws, synthetic  # noqa: E402


def _timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=len(chinchilla_fit.PAPER_GRID),
                        help="grid starts for the reference (default: all 4500)")
    parser.add_argument("--repeats", type=int, default=21, help="timings of the fast fit (median)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--bootstrap-repeats", type=int, default=5, help="timings of the bootstrap")
    args = parser.parse_args(argv)

    N, D, loss = synthetic.chinchilla_design_runs(laws.EPOCH_REFIT, 24, 10, 0.008, seed=0)
    grid = chinchilla_fit.PAPER_GRID[:: max(1, len(chinchilla_fit.PAPER_GRID) // args.starts)]
    print(f"data: {N.size} synthetic runs (truth: Epoch AI refit, noise 0.008 in log loss)")
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")

    fit_times = [_timed(lambda: fitting.fit_chinchilla(N, D, loss))[0] for _ in range(args.repeats)]
    fast = fitting.fit_chinchilla(N, D, loss)
    grid_time, reference = _timed(lambda: fitting.fit_chinchilla_paper_grid(N, D, loss, grid=grid))
    fast_median = statistics.median(fit_times)
    print(f"fit_chinchilla: median {fast_median * 1e3:.1f} ms over {args.repeats} runs "
          f"(min {min(fit_times) * 1e3:.1f}, max {max(fit_times) * 1e3:.1f})")
    print(f"paper's method ({len(grid)} L-BFGS-B starts): {grid_time:.2f} s")
    print(f"speed-up: {grid_time / fast_median:.0f}x")
    print(f"objective: fast {fast.objective:.12g}, grid {reference.objective:.12g}, "
          f"fast - grid = {fast.objective - reference.objective:.3g}")
    print("parameters (fast / grid): " + ", ".join(
        f"{k} {fast.params[k]:.5g}/{reference.params[k]:.5g}" for k in fast.params))

    boot_times = [_timed(lambda seed=seed: fitting.bootstrap_chinchilla(N, D, loss, args.resamples, seed=seed))[0]
                  for seed in range(args.bootstrap_repeats)]
    boot = fitting.bootstrap_chinchilla(N, D, loss, args.resamples, seed=0)
    print(f"bootstrap_chinchilla, {args.resamples} resamples: median {statistics.median(boot_times):.2f} s "
          f"over {args.bootstrap_repeats} runs; {boot.n_failed} failed; "
          "alpha 95% interval ({:.4f}, {:.4f})".format(*boot.interval("alpha")))
    return grid_time / fast_median, fast.objective - reference.objective


if __name__ == "__main__":
    main()
