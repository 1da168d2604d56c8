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


def test_several_values_may_come_as_a_list_or_an_array(capsys):
    for make in (list, np.array, tuple):
        check.function(lambda x, make=make: make([x, 2 * x]), [((3.0,), (3.0, 6.0))], name="pair")
        assert capsys.readouterr().out.strip() == "✓ pair passes all 1 checks."
    check.function(lambda x: [x], [((3.0,), (3.0, 6.0))], name="pair")
    assert "returned 1 value(s); it should return 2" in capsys.readouterr().out


def test_one_of_accepts_every_listed_answer_and_diagnoses_the_nearest(capsys):
    expected = check.one_of(5e3 * 1e9 ** 0.74, 5e3 * 1e9 ** (0.076 / 0.103))
    for exponent in (0.74, 0.076 / 0.103):
        check.close(5e3 * 1e9 ** exponent, expected, rtol=1e-9, name="D")
        assert capsys.readouterr().out.startswith("✓")
    check.close(2 * 5e3 * 1e9 ** 0.74, expected, rtol=1e-9, name="D")
    assert "2 times the expected value" in capsys.readouterr().out
    check.function(lambda n: 5e3 * n ** 0.738, [((1e9,), expected)], rtol=0.01)
    assert capsys.readouterr().out.startswith("✓")
    assert "one_of(" in repr(expected)


def test_a_hint_is_shown_under_a_miss_only(capsys):
    check.close(1.0, 2.0, name="x", hint="think about the units")
    out = capsys.readouterr().out
    assert out.startswith("✗") and "Hint: think about the units" in out
    check.close(2.0, 2.0, name="x", hint="think about the units")
    assert "Hint" not in capsys.readouterr().out

    def stub():
        raise NotImplementedError("Exercise: write me")

    check.function(stub, [((), 1.0)], hint="think about the units")
    assert "Hint" not in capsys.readouterr().out


def test_bad_expected_values_are_refused():
    with pytest.raises(ValueError, match="one_of takes finite numbers"):
        check.one_of(1.0, np.nan)
    with pytest.raises(ValueError, match="one_of needs at least one value"):
        check.one_of()
    with pytest.raises(ValueError, match="expected must be a finite number"):
        check.close(1.0, "two")
    with pytest.raises(ValueError, match="cases must give finite numbers"):
        check.function(abs, [((1.0,), (1.0, np.inf))])


def test_reveal_false_keeps_the_answer_out_of_the_verdict(capsys):
    check.close(14.2, 13.0, rtol=0.02, name="k", reveal=False, hint="what else scales with d_model?")
    out = capsys.readouterr().out
    assert out.startswith("✗ k = 14.2 is too high") and "13" not in out and "Hint:" in out
    check.function(lambda: 12.0, [((), 13.0)], rtol=0.02, name="k", reveal=False)
    out = capsys.readouterr().out
    assert "too low" in out and "13" not in out
    check.function(lambda: 12.95, [((), 13.0)], rtol=0.02, name="k", reveal=False)
    assert capsys.readouterr().out.startswith("✓ k passes")
