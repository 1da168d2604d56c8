"""Self-checks say in plain words what is off, and never raise on a learner's mistake."""
import numpy as np

from helpers import check


def test_close_passes_and_fails_with_a_reason(capsys):
    assert check.close(0.34, 0.34, name="alpha") is True
    assert "✓ alpha" in capsys.readouterr().out
    assert check.close(-0.34, 0.34, name="alpha") is False
    assert "wrong sign" in capsys.readouterr().out
    assert check.close(2.0, 0.5, name="alpha") is False
    assert "reciprocal" in capsys.readouterr().out
    assert check.close(np.inf, 1.0) is False
    assert "division by zero" in capsys.readouterr().out
    assert check.close("ten", 10.0) is False
    assert "single number" in capsys.readouterr().out


def test_function_reports_not_attempted(capsys):
    def stub(x):
        raise NotImplementedError("Exercise: write me")

    assert check.function(stub, [((1.0,), 1.0)]) is False
    assert "○ stub is not written yet" in capsys.readouterr().out


def test_function_reports_the_failing_case(capsys):
    def double(x):
        return 2 * x if x < 5 else 3 * x

    assert check.function(double, [((1.0,), 2.0), ((10.0,), 20.0)]) is False
    out = capsys.readouterr().out
    assert "double(10)" in out and "1.5 times the expected value" in out


def test_function_with_tuples_and_errors(capsys):
    def pair(x):
        return x, 2 * x

    assert check.function(pair, [((3.0,), (3.0, 6.0))]) is True
    assert "passes all 1 checks" in capsys.readouterr().out
    assert check.function(pair, [((3.0,), 3.0)]) is False
    assert "returned 2 value(s); it should return 1" in capsys.readouterr().out
    assert check.function(lambda x: 1 / x, [((0.0,), 1.0)]) is False
    assert "raised ZeroDivisionError" in capsys.readouterr().out
