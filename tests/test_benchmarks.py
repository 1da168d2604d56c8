"""The benchmark script runs (on a small grid here; the full run is `make benchmark`)."""
from pathlib import Path

from scripts import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_fit_chinchilla.py"


def test_benchmark_script_runs_and_reports(capsys):
    module = load_script(SCRIPT)
    ratio, objective_gap = module.main(["--starts", "45", "--repeats", "3", "--resamples", "50",
                                        "--bootstrap-repeats", "1"])
    out = capsys.readouterr().out
    assert "speed-up:" in out and "bootstrap_chinchilla, 50 resamples" in out
    assert ratio > 0
    assert objective_gap <= 1e-9  # no worse than the grid's optimum, even on this subset


def test_redraw_benchmark_times_compute_and_render_apart(capsys):
    module = load_script(SCRIPT.parent / "bench_explorer_redraw.py")
    rows = module.main(["04", "08", "--changes", "4"])
    out = capsys.readouterr().out
    assert {row["control"] for row in rows} == {"n_layer", "d_model", "n_ctx", "vocab_size", "law_name",
                                                "log10_range", "aspect_ratio"}
    for row in rows:
        assert 0 < row["compute_s"] <= row["median_s"] <= row["max_s"]
        assert row["render_s"] >= 0 and f"{row['control'][:16]:16}" in out


LAB_SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_lab.py"


def test_lab_benchmark_runs_and_reports(capsys):
    module = load_script(LAB_SCRIPT)
    rows, study_seconds = module.main(["--widths", "8", "24", "--tokens", "1280", "--repeats", "1",
                                       "--study", "tiny", "--workers", "2"])
    out = capsys.readouterr().out
    assert "fraction of peak" in out and "study (tiny) on 2 processes" in out
    assert set(rows) == {8, 24}
    for speed, fraction in rows.values():
        assert speed > 0 and 0 < fraction < 5  # a ratio to the matmul peak measured in the same run
    assert study_seconds > 0
