"""Exercise self-checks that tell the learner in plain words what is off.  Introduced in 01.

Each check prints its verdict and returns nothing (so a notebook shows the verdict only, and
never stops on a traceback because an exercise is not done yet):

    ✓  passed
    ✗  something is off, and how
    ○  not attempted yet (the stub still raises NotImplementedError)

An expected value may be ``one_of(a, b, ...)`` when more than one answer is right (say, a
printed exponent and the ratio it was rounded from); a ``hint`` is printed under a ✗ to point
the learner at what to reconsider, without giving the answer away. For an exercise whose answer
is one number worked out by judgment, ``reveal=False`` keeps the expected value out of the
verdict (a miss then says only "too high" or "too low").
"""
from collections.abc import Sequence

import numpy as np

__all__ = ["close", "function", "one_of", "OneOf"]

PASS, FAIL, TODO = "✓", "✗", "○"


class OneOf:
    """Several right answers for one check: a value passes if it is close to any of them."""

    def __init__(self, *values):
        if not values:
            raise ValueError("one_of needs at least one value")
        if not all(_is_finite_number(v) for v in values):
            raise ValueError(f"one_of takes finite numbers, got {values!r}")
        self.values = tuple(float(v) for v in values)

    def nearest(self, value):
        """The accepted value closest to ``value`` (in ratio when both are positive)."""
        def distance(v):
            if value > 0 and v > 0:
                return abs(np.log(value / v))
            return abs(value - v)
        return min(self.values, key=distance)

    def __repr__(self):
        return "one_of(" + ", ".join(f"{v:.4g}" for v in self.values) + ")"


def one_of(*values):
    """An expected value with several right answers, e.g. ``one_of(5e3 * N**0.74, 5e3 * N**0.738)``.  Used in 05."""
    return OneOf(*values)


def _is_finite_number(v):
    if isinstance(v, (bool, str)) or np.ndim(v) != 0:
        return False
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return False


def _valid_expected(v):
    return isinstance(v, OneOf) or _is_finite_number(v)


def _describe_miss(value, expected):
    """A plain-words hint on how ``value`` differs from ``expected`` (both finite floats)."""
    if expected != 0 and value != 0:
        ratio = value / expected
        if np.isclose(ratio, -1, rtol=1e-3):
            return "it has the wrong sign"
        if np.isclose(value * expected, 1, rtol=1e-3):
            return "it is the reciprocal of the expected value (an exponent with the wrong sign?)"
        if ratio > 0:
            return f"it is {ratio:.3g} times the expected value"
    return f"it differs by {value - expected:.3g}"


def close(value, expected, *, rtol=1e-6, atol=0.0, name="your answer", hint=None, reveal=True):
    """Check one number and print ✓, or ✗ with what is off.  Introduced in 01.

    value: the learner's number. expected: the reference, a finite number or ``one_of(...)``.
    rtol, atol: relative and absolute tolerance. hint: text printed under a ✗ (optional).
    reveal: False keeps the expected value out of the verdict.
    """
    if not _valid_expected(expected):
        raise ValueError(f"expected must be a finite number or one_of(...), got {expected!r}")
    hint, reveal = _checked_hint(hint), _checked_reveal(reveal)
    _verdict(_close(value, expected, rtol=rtol, atol=atol, name=name, reveal=reveal), hint)


def function(func, cases, *, rtol=1e-6, atol=0.0, name=None, hint=None, reveal=True):
    """Run ``func`` on each case and print ✓, ○ (not attempted) or ✗ with the cases that are off.  Introduced in 01.

    func: the learner's function. cases: list of (args, expected), args a tuple and expected a
    finite number, ``one_of(...)`` or a tuple of them, compared within ``rtol`` (relative) and
    ``atol`` (absolute). A function that should return several values may return them as a
    tuple, a list or a 1-D array. hint: text printed under a ✗ (optional). reveal: False keeps
    the expected values out of the verdict.
    """
    hint, reveal = _checked_hint(hint), _checked_reveal(reveal)
    if not cases:
        raise ValueError("cases must list at least one (args, expected) pair")
    for _, expected in cases:
        values = expected if isinstance(expected, tuple) else (expected,)
        if not all(_valid_expected(v) for v in values):
            raise ValueError(f"cases must give finite numbers as expected values, got {expected!r}")
    _verdict(_function(func, cases, rtol=rtol, atol=atol, name=name or getattr(func, "__name__", "your function"),
                       reveal=reveal), hint)


def _checked_hint(hint):
    if hint is not None and (not isinstance(hint, str) or not hint.strip()):
        raise TypeError(f"hint must be a non-empty string or None, got {hint!r}")
    return hint


def _checked_reveal(reveal):
    if not isinstance(reveal, bool):
        raise TypeError(f"reveal must be True or False, got {reveal!r}")
    return reveal


def _verdict(lines, hint=None):
    if hint and any(line.startswith(FAIL) for line in lines):
        lines = [*lines, f"  Hint: {hint}"]
    print("\n".join(lines))


def _close(value, expected, *, rtol, atol, name, reveal=True):
    """Verdict lines on one number."""
    try:
        value_f = float(value)
    except (TypeError, ValueError):
        return [f"{FAIL} {name} should be a single number, but it is {value!r}."]
    if not np.isfinite(value_f):
        return [f"{FAIL} {name} is {value_f}: check for a division by zero or a log of a non-positive number."]
    expected = expected.nearest(value_f) if isinstance(expected, OneOf) else float(expected)
    if np.isclose(value_f, expected, rtol=rtol, atol=atol):
        if not reveal:
            return [f"{PASS} {name} = {value_f:.4g} is within the accepted range."]
        return [f"{PASS} {name} = {value_f:.4g} matches the expected {expected:.4g}."]
    if not reveal:
        return [f"{FAIL} {name} = {value_f:.4g} is too {'high' if value_f > expected else 'low'}."]
    return [f"{FAIL} {name} = {value_f:.4g}, expected {expected:.4g}: {_describe_miss(value_f, expected)}."]


def _function(func, cases, *, rtol, atol, name, reveal=True):
    """Verdict lines on a function over its cases."""
    lines = []
    for args, expected in cases:
        shown = ", ".join(_short(a) for a in args)
        try:
            result = func(*args)
        except NotImplementedError:
            return [f"{TODO} {name} is not written yet: replace the `raise NotImplementedError(...)` line "
                    "with your code, run that cell, then run this check again."]
        except Exception as exc:  # the learner's code may fail in any way; say how
            return [f"{FAIL} {name}({shown}) raised {type(exc).__name__}: {exc}"]
        expected_t = expected if isinstance(expected, tuple) else (expected,)
        result_t = _as_values(result, several=len(expected_t) > 1)
        if len(result_t) != len(expected_t):
            return [f"{FAIL} {name}({shown}) returned {len(result_t)} value(s); it should return "
                    f"{len(expected_t)}."]
        for i, (got, want) in enumerate(zip(result_t, expected_t)):
            label = f"{name}({shown})" + (f"[{i}]" if len(expected_t) > 1 else "")
            lines += [line for line in _close(got, want, rtol=rtol, atol=atol, name=label, reveal=reveal)
                      if not line.startswith(PASS)]
    return lines or [f"{PASS} {name} passes all {len(cases)} checks."]


def _as_values(result, several):
    """The learner's result as a tuple of values: a tuple, list or 1-D array counts as several."""
    if isinstance(result, tuple):
        return result
    if several and isinstance(result, (Sequence, np.ndarray)) and not isinstance(result, str) \
            and np.ndim(result) == 1:
        return tuple(result)
    return (result,)


def _short(value):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return f"{float(arr):.4g}" if np.issubdtype(arr.dtype, np.number) else repr(value)
    return f"<{arr.shape[0]} values>"
