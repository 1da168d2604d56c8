"""The explorer latency benchmark (make benchmark-browser) runs on the harness's own fixture."""
import harness

from tests.scripts import load_script

SCRIPT = harness.REPO / "benchmarks" / "bench_explorer_latency.py"


def load_benchmark():
    return load_script(SCRIPT)


def test_benchmark_measures_each_control_at_least_five_times(lab):
    bench = load_benchmark()
    fixture = harness.FIXTURE_DIR / "contract-explorers.ipynb"
    rows, failures = bench.measure(lab, fixture, changes=bench.MIN_CHANGES, explorers=[2])  # the text explorer
    assert not failures, "\n".join(failures)
    assert [(r["kind"], r["label"]) for r in rows] == [("slider", "layers"), ("dropdown", "width")]
    for row in rows:
        assert row["changes"] >= bench.MIN_CHANGES
        assert 0 < row["median_s"] <= row["max_s"] < harness.TIMEOUTS.redraw
    text = bench.table(rows)
    assert "median s" in text and "layers" in text and "width" in text
