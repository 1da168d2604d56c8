"""Argument checks shared by every public helper.

Each check raises ``ValueError`` (or ``TypeError``) whose message names the argument
and says what was wrong, so a learner sees the problem, not a NaN three cells later.
"""
import numpy as np


class FitError(RuntimeError):
    """A fit did not converge; the message says which fit and why."""


def as_positive_array(name, value, *, min_size=1, ndim=None, allow_zero=False):
    """Return ``value`` as a float array after checking it is finite and positive.

    name: argument name used in error messages.
    min_size: fewest elements accepted. ndim: required number of dimensions, or None.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, got {type(value).__name__}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, found {_first_bad(arr, ~np.isfinite(arr))}")
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(bad):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be {kind}, found {_first_bad(arr, bad)}")
    return arr


def positive_scalar(name, value, *, allow_zero=False):
    """Return ``value`` as a float after checking it is a finite positive number."""
    if isinstance(value, bool) or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single number, got {value!r}")
    return float(as_positive_array(name, value, allow_zero=allow_zero))


def finite_scalar(name, value):
    """Return ``value`` as a float after checking it is a finite number."""
    if isinstance(value, bool) or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def positive_int(name, value, *, minimum=1):
    """Return ``value`` as an int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def in_open_interval(name, value, low, high):
    """Return ``value`` as a float after checking low < value < high."""
    x = finite_scalar(name, value)
    if not low < x < high:
        raise ValueError(f"{name} must lie strictly between {low} and {high}, got {x}")
    return x


def same_shape(**arrays):
    """Check that the named 1-D arrays all have the same length."""
    shapes = {name: np.shape(a) for name, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        listed = ", ".join(f"{n} {s}" for n, s in shapes.items())
        raise ValueError(f"arrays must have the same shape, got {listed}")


def broadcastable(**arrays):
    """Return the arrays broadcast together, or name the ones that do not fit."""
    try:
        return np.broadcast_arrays(*arrays.values())
    except ValueError:
        listed = ", ".join(f"{n} {np.shape(a)}" for n, a in arrays.items())
        raise ValueError(f"shapes do not broadcast together: {listed}") from None


def _first_bad(arr, mask):
    flat = arr.ravel()[mask.ravel()]
    return f"{flat[0]!r} (1 of {int(mask.sum())} bad value(s))"
