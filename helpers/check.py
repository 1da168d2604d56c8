"""Exercise self-checks that tell the learner in plain words what is off.  Introduced in 01.

Each check prints one line per finding and returns True when everything matches, so a
notebook never stops on a traceback because an exercise is not done yet:

    ✓  passed
    ✗  something is off, and how
    ○  not attempted yet (the stub still raises NotImplementedError)
"""
import numpy as np

__all__ = ["close", "function"]

PASS, FAIL, TODO = "✓", "✗", "○"


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


def close(value, expected, *, rtol=1e-6, atol=0.0, name="your answer"):
    """Check one number: prints ✓/✗ with what is off; returns True if |value - expected| is within tolerance.

    value: the learner's number. expected: the reference. rtol, atol: relative and absolute tolerance.
    """
    try:
        value_f = float(value)
    except (TypeError, ValueError):
        print(f"{FAIL} {name} should be a single number, but it is {value!r}.")
        return False
    if not np.isfinite(value_f):
        print(f"{FAIL} {name} is {value_f}: check for a division by zero or a log of a non-positive number.")
        return False
    if np.isclose(value_f, expected, rtol=rtol, atol=atol):
        print(f"{PASS} {name} = {value_f:.4g} matches the expected {expected:.4g}.")
        return True
    print(f"{FAIL} {name} = {value_f:.4g}, expected {expected:.4g}: {_describe_miss(value_f, expected)}.")
    return False


def function(func, cases, *, rtol=1e-6, name=None):
    """Run ``func`` on each case and say which ones are off.

    func: the learner's function. cases: list of (args, expected), args a tuple and expected a
    number or a tuple of numbers. Returns True when every case matches within ``rtol``.
    """
    name = name or getattr(func, "__name__", "your function")
    if not cases:
        raise ValueError("cases must list at least one (args, expected) pair")
    all_ok = True
    for args, expected in cases:
        shown = ", ".join(_short(a) for a in args)
        try:
            result = func(*args)
        except NotImplementedError:
            print(f"{TODO} {name} is not written yet: replace the `raise NotImplementedError(...)` line "
                  "with your code, run that cell, then run this check again.")
            return False
        except Exception as exc:  # the learner's code may fail in any way; say how
            print(f"{FAIL} {name}({shown}) raised {type(exc).__name__}: {exc}")
            return False
        expected_t = expected if isinstance(expected, tuple) else (expected,)
        result_t = result if isinstance(result, tuple) else (result,)
        if len(result_t) != len(expected_t):
            print(f"{FAIL} {name}({shown}) returned {len(result_t)} value(s); it should return "
                  f"{len(expected_t)}.")
            return False
        for i, (got, want) in enumerate(zip(result_t, expected_t)):
            label = f"{name}({shown})" + (f"[{i}]" if len(expected_t) > 1 else "")
            try:
                got_f = float(got)
            except (TypeError, ValueError):
                print(f"{FAIL} {label} should be a number, but it is {got!r}.")
                all_ok = False
                continue
            if not np.isclose(got_f, want, rtol=rtol):
                miss = _describe_miss(got_f, want) if np.isfinite(got_f) else "it is not finite"
                print(f"{FAIL} {label} = {got_f:.4g}, expected {want:.4g}: {miss}.")
                all_ok = False
    if all_ok:
        print(f"{PASS} {name} passes all {len(cases)} checks.")
    return all_ok


def _short(value):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return f"{float(arr):.4g}" if np.issubdtype(arr.dtype, np.number) else repr(value)
    return f"<{arr.shape[0]} values>"
