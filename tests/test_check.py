"""Self-checks say in plain words what is off, and never raise on a learner's mistake."""
import numpy as np
import pytest

from helpers import check


@pytest.mark.parametrize("value,expected,words", [
    (0.34, 0.34, "✓ alpha = 0.34 matches"),
    (-0.34, 0.34, "wrong sign"),
    (2.0, 0.5, "reciprocal"),
    (0.6, 0.3, "2 times the expected value"),
    (np.inf, 1.0, "division by zero"),
    ("ten", 10.0, "single number"),
])
def test_close_says_what_is_off(capsys, value, expected, words):
    assert check.close(value, expected, name="alpha") is None
    out = capsys.readouterr().out
    assert words in out
    assert out.startswith("✓" if words.startswith("✓") else "✗")


def test_function_reports_not_attempted(capsys):
    def stub(x):
        raise NotImplementedError("Exercise: write me")

    check.function(stub, [((1.0,), 1.0)])
    assert capsys.readouterr().out.startswith("○ stub is not written yet")


def test_function_reports_only_the_failing_case(capsys):
    def double(x):
        return 2 * x if x < 5 else 3 * x

    check.function(double, [((1.0,), 2.0), ((10.0,), 20.0)])
    out = capsys.readouterr().out
    assert "double(10)" in out and "1.5 times the expected value" in out
    assert "double(1)" not in out and "✓" not in out


def test_function_with_tuples_arrays_and_errors(capsys):
    def pair(x):
        return x, 2 * x

    check.function(pair, [((3.0,), (3.0, 6.0))])
    assert capsys.readouterr().out.strip() == "✓ pair passes all 1 checks."
    check.function(pair, [((3.0,), 3.0)])
    assert "returned 2 value(s); it should return 1" in capsys.readouterr().out
    check.function(lambda x: 1 / x, [((0.0,), 1.0)], name="inverse")
    assert "inverse(0) raised ZeroDivisionError" in capsys.readouterr().out
    check.function(np.sum, [((np.arange(4.0),), 7.0)], name="total")
    assert "total(<4 values>) = 6" in capsys.readouterr().out


def test_hint_is_printed_only_after_a_miss(capsys):
    check.close(1.0, 1.0, hint="look at the message")
    assert "Hint" not in capsys.readouterr().out
    check.close(2.0, 1.0, hint="look at the message")
    assert capsys.readouterr().out.rstrip().endswith("Hint: look at the message")

    def stub(x):
        raise NotImplementedError("Exercise: write me")

    check.function(stub, [((1.0,), 1.0)], hint="look at the message")
    assert "Hint" not in capsys.readouterr().out


def test_reveal_false_keeps_the_expected_value_out(capsys):
    check.close(0.61, 0.5, name="a", reveal=False)
    out = capsys.readouterr().out
    assert out.startswith("✗ a = 0.61 is too high") and "0.5" not in out
    check.function(lambda x: x - 1, [((3.0,), 2.5)], reveal=False, hint="compare with the plot")
    out = capsys.readouterr().out
    assert "too low" in out and "2.5" not in out and "Hint: compare with the plot" in out
    check.close(0.5, 0.5, reveal=False)
    assert "within the accepted range" in capsys.readouterr().out


@pytest.mark.parametrize("kwargs,error", [(dict(hint=""), TypeError), (dict(hint=3), TypeError),
                                          (dict(reveal="no"), TypeError)])
def test_hint_and_reveal_are_checked(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        check.close(1.0, 1.0, **kwargs)
    with pytest.raises(error, match=next(iter(kwargs))):
        check.function(lambda x: x, [((1.0,), 1.0)], **kwargs)
