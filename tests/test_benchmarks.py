"""The benchmark script runs (on a small grid here; the full run is `make benchmark`)."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_fit_chinchilla.py"


def test_benchmark_script_runs_and_reports(capsys):
    spec = importlib.util.spec_from_file_location("bench_fit_chinchilla", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ratio, objective_gap = module.main(["--starts", "45", "--repeats", "3", "--resamples", "50",
                                        "--bootstrap-repeats", "1"])
    out = capsys.readouterr().out
    assert "speed-up:" in out and "bootstrap_chinchilla, 50 resamples" in out
    assert ratio > 0
    assert objective_gap <= 1e-9  # no worse than the grid's optimum, even on this subset
