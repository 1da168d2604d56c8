"""Generate the simulated Chinchilla study: IsoFLOP runs, training curves and a ~240-run table.

The raw runs of Hoffmann et al. 2022 are not public, so the course simulates a study with the
same design. Everything here is SIMULATED, not measured:

* truth: the Epoch AI refit of the Chinchilla law (Besiroglu et al. 2024, Table 1),
  L(N, D) = E + A / N**alpha + B / D**beta;
* run-to-run noise: each run's final loss gets Gaussian noise of 0.02 nats (Kaplan et al. 2020,
  sec. 4.2, report run-to-run variation of about that size); points along one training curve
  share their run's offset plus 0.005 nats of evaluation noise;
* schedules: a run is trained with a cosine learning-rate schedule whose horizon is its planned
  token count. Part-way through the schedule the data term B / t**beta is inflated by a factor
  1 + 0.1 * (1 + cos(pi t / horizon)) / 2, which is 1.1 at the start and 1 at the end: a
  simulation assumption that makes a curve's intermediate points worse than a run planned to
  stop there;
* design: the IsoFLOP grids are centred on the frontier of Hoffmann et al.'s rounded fit (the
  experimenters' best guess), not on the truth.

Regenerate (same seed, same bytes):  python datasets/generate_simulated_chinchilla.py
"""
import argparse
import csv
from pathlib import Path

import numpy as np

from helpers import datasets, laws

SEED = 2022
RUN_NOISE_NATS = 0.02
EVAL_NOISE_NATS = 0.005
SCHEDULE_PENALTY = 0.1
ISOFLOP_BUDGETS = np.geomspace(6e18, 3e21, 9)   # FLOP, as in Hoffmann et al. 2022
ISOFLOP_SPREAD_DECADES = 0.8                    # grid from guess/10**0.8 to guess*10**0.8
CURVE_SIZES = np.geomspace(7e7, 1.6e10, 16)     # parameters
CURVE_HORIZON_FACTORS = (5.0, 10.0, 20.0, 40.0, 80.0)  # planned tokens per parameter (five horizons)
CURVE_POINTS = 40
TABLE_BUDGETS = 24
TABLE_SIZES = 10
TABLE_FLOPS = (6e18, 3e22)

TRUTH = laws.EPOCH_REFIT
DESIGN_GUESS = laws.HOFFMANN_ROUNDED

FILES = {
    "isoflop": "simulated_chinchilla_isoflop.csv",
    "curves": "simulated_chinchilla_training_curves.csv",
    "runs": "simulated_chinchilla_runs.csv",
    "truth": "simulated_chinchilla_truth.csv",
}


def curve_loss(N, tokens_seen, horizon):
    """Noise-free loss after ``tokens_seen`` tokens of a run whose cosine schedule ends at ``horizon``."""
    data_term = TRUTH.B * tokens_seen ** (-TRUTH.beta)
    penalty = 1 + SCHEDULE_PENALTY * (1 + np.cos(np.pi * tokens_seen / horizon)) / 2
    return TRUTH.E + TRUTH.A * N ** (-TRUTH.alpha) + data_term * penalty


def isoflop_runs(rng):
    rows = []
    guesses, _ = DESIGN_GUESS.compute_optimal(ISOFLOP_BUDGETS)
    for budget, guess in zip(ISOFLOP_BUDGETS, guesses):
        n_sizes = int(rng.integers(8, 13))
        sizes = guess * np.logspace(-ISOFLOP_SPREAD_DECADES, ISOFLOP_SPREAD_DECADES, n_sizes)
        tokens = budget / (6 * sizes)
        loss = TRUTH.loss(sizes, tokens) + RUN_NOISE_NATS * rng.standard_normal(n_sizes)
        rows += [(budget, n, d, value) for n, d, value in zip(sizes, tokens, loss)]
    return rows


def training_curves(rng):
    rows = []
    run = 0
    for N in CURVE_SIZES:
        for factor in CURVE_HORIZON_FACTORS:
            horizon = factor * N
            seen = np.geomspace(horizon / 30, horizon, CURVE_POINTS)
            offset = RUN_NOISE_NATS * rng.standard_normal()
            loss = curve_loss(N, seen, horizon) + offset + EVAL_NOISE_NATS * rng.standard_normal(CURVE_POINTS)
            rows += [(run, N, horizon, t, value) for t, value in zip(seen, loss)]
            run += 1
    return rows


def run_table(rng):
    budgets = np.geomspace(*TABLE_FLOPS, TABLE_BUDGETS)
    guesses, _ = DESIGN_GUESS.compute_optimal(budgets)
    factors = np.logspace(-1, 1, TABLE_SIZES)
    N = (guesses[:, None] * factors[None, :]).ravel()
    D = np.repeat(budgets, TABLE_SIZES) / (6 * N)
    loss = TRUTH.loss(N, D) + RUN_NOISE_NATS * rng.standard_normal(N.size)
    return list(zip(N, D, loss))


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([v if isinstance(v, (int, np.integer, str)) else f"{v:.6g}" for v in row])


def generate(out_dir, seed=SEED):
    """Write the four CSV files into ``out_dir`` (a Path)."""
    # One independent stream per table, so changing one table's design leaves the others as they are.
    isoflop_rng, curves_rng, runs_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    _write(out_dir / FILES["isoflop"], ["budget_flop", "params", "tokens", "loss"], isoflop_runs(isoflop_rng))
    _write(out_dir / FILES["curves"], ["run", "params", "horizon_tokens", "tokens_seen", "loss"],
           training_curves(curves_rng))
    _write(out_dir / FILES["runs"], ["params", "tokens", "loss"], run_table(runs_rng))
    truth_rows = [(name, getattr(TRUTH, name), "Epoch AI refit (Besiroglu et al. 2024, Table 1)")
                  for name in ("E", "A", "B", "alpha", "beta")]
    truth_rows += [("run_noise_nats", RUN_NOISE_NATS,
                    "sd of each run's final loss (Kaplan et al. 2020 sec. 4.2: ~0.02)"),
                   ("eval_noise_nats", EVAL_NOISE_NATS, "sd of each point along a training curve"),
                   ("schedule_penalty", SCHEDULE_PENALTY, "data term x (1 + penalty (1 + cos(pi t / horizon)) / 2)"),
                   ("seed", seed, "numpy default_rng seed")]
    _write(out_dir / FILES["truth"], ["name", "value", "note"], truth_rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Regenerate the simulated Chinchilla study.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write into (default: datasets/, then the manifest is refreshed)")
    args = parser.parse_args(argv)
    generate(args.out)
    if args.out.resolve() == datasets.DATA_DIR:
        datasets.refresh_manifest()
    print(f"wrote {', '.join(FILES.values())} to {args.out}")


if __name__ == "__main__":
    main()
