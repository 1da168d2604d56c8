"""Fitting the Chinchilla form L = E + A/N**alpha + B/D**beta to (N, D, loss) runs.  Used in 06 and 07.

The objective is Hoffmann et al. 2022's (App. D.2), with natural logs:

    sum_i  Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i ),
    A = exp(a), B = exp(b), E = exp(e).

Two ways to minimise it live here:

* ``fit_chinchilla`` (fast): for a grid of (alpha, beta) the best (E, A, B) follows from a
  small non-negative least-squares problem, solved for every grid cell at once; the few
  distinct basins that grid reveals are then polished together by a damped Newton
  method with the objective's exact gradient and Hessian.
* ``fit_chinchilla_paper_grid`` (the paper's method): L-BFGS-B from every point of the
  4500-point initialisation grid.  Slow; kept to check the fast fit and to show the
  method's pitfalls (e.g. averaging instead of summing the Huber terms).

``lbfgsb_fit`` runs scipy's L-BFGS-B once, from one start, with the objective scaled and the
tolerances chosen by the caller, and reports why it stopped (notebook 07's pitfall and its fix).

Internally the parameters are centred: a_c = a - alpha * mean(log N) and
b_c = b - beta * mean(log D), which makes the Newton steps well conditioned.
"""
import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from helpers._validate import (
    FitError,
    as_positive_array,
    positive_int,
    positive_scalar,
    same_shape,
)
from helpers.laws import ChinchillaLaw

__all__ = [
    "ChinchillaFit", "BootstrapResult", "chinchilla_objective", "fit_chinchilla",
    "fit_chinchilla_paper_grid", "bootstrap_chinchilla", "settled_halfwidths", "PAPER_GRID",
    "LBFGSB_FTOL", "BootstrapView", "bootstrap_view", "LBFGSBRun", "lbfgsb_fit",
]

PARAMETER_NAMES = ("E", "A", "B", "alpha", "beta")

# Hoffmann et al. 2022, App. D.2: alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
# a, b in {0, 5, ..., 25}; rows are (a, b, e, alpha, beta).  4500 starts.
PAPER_GRID = np.array(list(itertools.product(
    np.arange(0, 30, 5.0), np.arange(0, 30, 5.0), np.arange(-1, 1.5, 0.5),
    np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5))))

# Projection grid over (alpha, beta): geometric, wider than the paper's grid at the low end.
_PROJECTION_EXPONENTS = np.geomspace(0.02, 2.5, 40)
_MAX_STARTS = 4            # distinct basins polished by Newton
_NEWTON_MAX_ITER = 200
_GRADIENT_TOL = 1e-11      # on the centred gradient, per data point

# scipy's L-BFGS-B stops when an iteration lowers f by less than ftol * max(|f_k|, |f_k+1|, 1);
# its default ftol is factr * machine epsilon with factr = 1e7.
LBFGSB_FTOL = 1e7 * np.finfo(float).eps


@dataclass(frozen=True)
class ChinchillaFit:
    """Result of a Chinchilla-form fit.

    law: the fitted ChinchillaLaw. objective: the summed Huber objective at the optimum.
    converged: whether the optimiser met its tolerance. n_points: runs used. delta: Huber delta.
    """
    law: ChinchillaLaw
    objective: float
    converged: bool
    n_points: int
    delta: float

    @property
    def params(self):
        """The fitted parameters as a dict {E, A, B, alpha, beta}."""
        return {name: getattr(self.law, name) for name in PARAMETER_NAMES}


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap of a Chinchilla fit.

    samples: dict name -> array (n_ok,) for E, A, B, alpha, beta and the frontier exponents
    a = beta/(alpha+beta), b = alpha/(alpha+beta). n_failed: resamples whose fit did not converge.
    """
    samples: dict
    n_failed: int
    point: ChinchillaFit

    def interval(self, name, level=0.95):
        """Central percentile interval (low, high) of a sampled quantity at ``level`` in (0, 1)."""
        if name not in self.samples:
            raise KeyError(f"name must be one of {sorted(self.samples)}, got {name!r}")
        if not 0 < level < 1:
            raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
        tail = 100 * (1 - level) / 2
        low, high = np.percentile(self.samples[name], [tail, 100 - tail])
        return float(low), float(high)

    def intervals(self, level=0.95):
        """Dict name -> (low, high) for every sampled quantity."""
        return {name: self.interval(name, level) for name in self.samples}


# ---------------------------------------------------------------- the objective and its derivatives

def _huber(r, delta):
    absr = np.abs(r)
    return np.where(absr <= delta, 0.5 * r * r, delta * (absr - 0.5 * delta))


def _evaluate(theta, x, y, log_loss, weights, delta, order):
    """Objective (and derivatives) for K parameter vectors at once.

    theta: (K, 5) rows (a, b, e, alpha, beta); x, y: (n,) log N and log D (centred or not);
    log_loss: (n,); weights: (n,) or (K, n). order 0 -> f (K,); 1 -> f, g (K, 5); 2 -> f, g, H.
    """
    a, b, e, alpha, beta = (theta[:, j:j + 1] for j in range(5))
    u = a - alpha * x
    v = b - beta * y
    w = np.broadcast_to(e, u.shape)
    top = np.maximum(np.maximum(u, v), w)
    pu, pv, pw = np.exp(u - top), np.exp(v - top), np.exp(w - top)
    total = pu + pv + pw
    r = top + np.log(total) - log_loss
    f = np.sum(weights * _huber(r, delta), axis=-1)
    if order == 0:
        return f
    pu, pv, pw = pu / total, pv / total, pw / total
    quadratic = np.abs(r) <= delta
    wpsi = weights * np.where(quadratic, r, delta * np.sign(r))      # w * Huber'(r)
    su, sv, sw = (np.sum(wpsi * p, axis=-1) for p in (pu, pv, pw))
    sux, svy = np.sum(wpsi * pu * x, axis=-1), np.sum(wpsi * pv * y, axis=-1)
    g = np.stack([su, sv, sw, -sux, -svy], axis=-1)                   # (K, 5)
    if order == 1:
        return f, g
    # Hessian: sum w [psi' J J^T + psi d2r]; d2r = diag-block softmax terms - J J^T, where the
    # block terms couple only parameters of the same LSE term: (a, alpha) and (b, beta).
    jac = np.stack([pu, pv, pw, -x * pu, -y * pv], axis=-1)          # (K, n, 5) = d r / d theta
    outer_weight = weights * quadratic - wpsi
    H = np.einsum("kn,kni,knj->kij", outer_weight, jac, jac)
    H[:, 0, 0] += su
    H[:, 1, 1] += sv
    H[:, 2, 2] += sw
    H[:, 0, 3] -= sux
    H[:, 3, 0] -= sux
    H[:, 1, 4] -= svy
    H[:, 4, 1] -= svy
    H[:, 3, 3] += np.sum(wpsi * pu * x * x, axis=-1)
    H[:, 4, 4] += np.sum(wpsi * pv * y * y, axis=-1)
    return f, g, H


def chinchilla_objective(law, N, D, loss, *, delta=1e-3):
    """The paper's summed Huber objective of ``law`` on runs (N, D, loss).  Used in 07.

    law: ChinchillaLaw. N (params), D (tokens), loss (nats/token): 1-D positive arrays, same length.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    x, y, log_loss = _check_runs(N, D, loss, min_points=1)
    delta = positive_scalar("delta", delta)
    theta = _centred_theta(law, 0.0, 0.0)[None, :]
    return float(_evaluate(theta, x, y, log_loss, 1.0, delta, 0)[0])


# ---------------------------------------------------------------- stage 1: projection over (alpha, beta)

def _nnls_3(gram, rhs):
    """Non-negative least squares for many 3-variable problems by trying every active set.

    gram: (M, 3, 3), rhs: (M, 3) normal equations. Returns coefficients (M, 3) >= 0 and the
    reduction of the residual sum of squares each achieves (M,) (larger is better).
    """
    m = gram.shape[0]
    best_gain = np.full(m, -np.inf)
    best = np.zeros((m, 3))
    for size in (3, 2, 1):
        for subset in itertools.combinations(range(3), size):
            idx = np.array(subset)
            sub_gram = gram[:, idx[:, None], idx[None, :]]
            sub_rhs = rhs[:, idx]
            # A relative ridge of 1e-12 keeps collinear cells solvable without changing the rest.
            ridge = 1e-12 * np.trace(sub_gram, axis1=1, axis2=2)[:, None, None] * np.eye(size)
            coef = np.linalg.solve(sub_gram + ridge, sub_rhs[..., None])[..., 0]
            gain = np.einsum("mi,mi->m", coef, sub_rhs)  # = 2 c.h - c.G.c at the solution
            ok = np.all(coef > 0, axis=1) & np.isfinite(gain) & (gain > best_gain)
            best_gain = np.where(ok, gain, best_gain)
            full = np.zeros((m, 3))
            full[:, idx] = coef
            best = np.where(ok[:, None], full, best)
    return best, best_gain


def _projection_starts(x, y, log_loss, delta):
    """Starting points (K, 5) in centred coordinates, one per distinct basin of the projection."""
    exps = _PROJECTION_EXPONENTS
    k = len(exps)
    inv_loss = np.exp(-log_loss)
    f_n = np.exp(-np.outer(exps, x)) * inv_loss          # (k, n): N-term feature / L
    f_d = np.exp(-np.outer(exps, y)) * inv_loss          # (k, n): D-term feature / L
    gram = np.empty((k, k, 3, 3))
    gram[:, :, 0, 0] = np.sum(inv_loss ** 2)
    gram[:, :, 0, 1] = gram[:, :, 1, 0] = (f_n @ inv_loss)[:, None]
    gram[:, :, 0, 2] = gram[:, :, 2, 0] = (f_d @ inv_loss)[None, :]
    gram[:, :, 1, 1] = np.sum(f_n ** 2, axis=1)[:, None]
    gram[:, :, 2, 2] = np.sum(f_d ** 2, axis=1)[None, :]
    gram[:, :, 1, 2] = gram[:, :, 2, 1] = f_n @ f_d.T
    rhs = np.empty((k, k, 3))
    rhs[:, :, 0] = np.sum(inv_loss)
    rhs[:, :, 1] = np.sum(f_n, axis=1)[:, None]
    rhs[:, :, 2] = np.sum(f_d, axis=1)[None, :]
    coef, gain = _nnls_3(gram.reshape(-1, 3, 3), rhs.reshape(-1, 3))
    gain = gain.reshape(k, k)
    # Distinct basins: cells whose gain is at least that of all 8 neighbours.
    padded = np.pad(gain, 1, constant_values=-np.inf)
    is_peak = np.isfinite(gain)
    for di, dj in itertools.product((-1, 0, 1), repeat=2):
        if di or dj:
            is_peak &= gain >= padded[1 + di:k + 1 + di, 1 + dj:k + 1 + dj]
    peaks = np.flatnonzero(is_peak.ravel())
    if peaks.size == 0:
        raise FitError("fit_chinchilla: no (alpha, beta) on the projection grid gave a positive fit")
    floor = 1e-12 * coef[peaks].max(axis=0)  # a zero term starts tiny, not at log(0)
    E, A, B = np.maximum(coef[peaks], np.maximum(floor, 1e-300)).T
    alpha, beta = exps[peaks // k], exps[peaks % k]
    starts = np.column_stack([np.log(A), np.log(B), np.log(E), alpha, beta])
    f = _evaluate(starts, x, y, log_loss, 1.0, delta, 0)
    return starts[np.argsort(f)[:_MAX_STARTS]]


# ---------------------------------------------------------------- stage 2: batched damped Newton

def _newton(theta, x, y, log_loss, weights, delta, max_iter=_NEWTON_MAX_ITER):
    """Polish K starts at once. theta (K, 5) centred; weights (n,) or (K, n).

    Each step solves (|H| + lambda I) s = -g in H's eigenbasis (absolute eigenvalues keep
    every step a descent direction where H is indefinite); lambda shrinks after a step that
    lowers the objective and grows after one that does not.  Returns theta, f, converged (K,).
    """
    theta = theta.copy()
    k = theta.shape[0]
    weights = np.broadcast_to(weights, (k, x.size))
    total_weight = weights.sum(axis=1)
    lam = np.full(k, 1e-3)
    converged = np.zeros(k, dtype=bool)
    f, g, H = _evaluate(theta, x, y, log_loss, weights, delta, 2)
    for _ in range(max_iter):
        active = ~converged
        if not active.any():
            break
        idx = np.flatnonzero(active)
        eigval, eigvec = np.linalg.eigh(H[idx])
        scale = np.abs(eigval).max(axis=1, keepdims=True)
        denom = np.abs(eigval) + (lam[idx, None] + 1e-13) * scale
        coeff = np.einsum("kji,kj->ki", eigvec, -g[idx]) / denom
        step = np.einsum("kij,kj->ki", eigvec, coeff)
        trial = theta[idx] + step
        f_trial = _evaluate(trial, x, y, log_loss, weights[idx], delta, 0)
        better = f_trial < f[idx]
        accept = idx[better]
        theta[accept] = trial[better]
        lam[accept] = np.maximum(lam[accept] / 10, 1e-12)
        lam[idx[~better]] *= 10
        if accept.size:
            f_a, g_a, H_a = _evaluate(theta[accept], x, y, log_loss, weights[accept], delta, 2)
            f[accept], g[accept], H[accept] = f_a, g_a, H_a
        gradient = np.abs(g).max(axis=1)
        stalled = lam > 1e6  # no decrease even along tiny steps: at float precision
        converged |= (gradient <= _GRADIENT_TOL * total_weight) | (stalled & (gradient <= 1e-7 * total_weight))
    # A stationary point counts only if it is a minimum, not a saddle: no clearly negative curvature.
    eigval = np.linalg.eigvalsh(H)
    converged &= eigval[:, 0] >= -1e-8 * np.abs(eigval).max(axis=1)
    return theta, f, converged


# ---------------------------------------------------------------- public fits

def _check_runs(N, D, loss, *, min_points):
    N = as_positive_array("N", N, ndim=1, min_size=min_points)
    D = as_positive_array("D", D, ndim=1, min_size=min_points)
    loss = as_positive_array("loss", loss, ndim=1, min_size=min_points)
    same_shape(N=N, D=D, loss=loss)
    return np.log(N), np.log(D), np.log(loss)


def _check_spread(x, y):
    for name, values in (("N", x), ("D", y)):
        if np.unique(values).size < 3:
            raise ValueError(f"{name} needs at least 3 distinct values to separate the N and D terms, "
                             f"got {np.unique(values).size}")


def _to_law(theta_centred, x_mean, y_mean):
    a_c, b_c, e, alpha, beta = theta_centred
    return ChinchillaLaw(E=float(np.exp(e)), A=float(np.exp(a_c + alpha * x_mean)),
                         B=float(np.exp(b_c + beta * y_mean)), alpha=float(alpha), beta=float(beta))


def _centred_theta(law, x_mean, y_mean):
    return np.array([np.log(law.A) - law.alpha * x_mean, np.log(law.B) - law.beta * y_mean,
                     np.log(law.E), law.alpha, law.beta])


def fit_chinchilla(N, D, loss, *, delta=1e-3, require_convergence=True):
    """Fit L = E + A/N**alpha + B/D**beta by Hoffmann et al.'s summed Huber objective.  Used in 06.

    N (params), D (tokens), loss (nats/token): 1-D positive arrays of the same length, at
    least 5 runs with at least 3 distinct N and 3 distinct D. delta: Huber threshold (log loss).
    Returns ChinchillaFit(law, objective, converged, n_points, delta).  Raises FitError if the
    fit did not converge, unless require_convergence=False (then check ``.converged``).
    """
    x, y, log_loss = _check_runs(N, D, loss, min_points=5)
    _check_spread(x, y)
    delta = positive_scalar("delta", delta)
    x_mean, y_mean = x.mean(), y.mean()
    xc, yc = x - x_mean, y - y_mean
    starts = _projection_starts(xc, yc, log_loss, delta)
    theta, f, converged = _newton(starts, xc, yc, log_loss, 1.0, delta)
    best = int(np.argmin(np.where(np.isfinite(f), f, np.inf)))
    _require_positive_exponents(theta[best], "fit_chinchilla")
    vanished = _vanished_term(theta[best], xc, yc)
    ok = bool(converged[best]) and vanished is None
    if require_convergence and not ok:
        reason = (f"the {vanished} term shrank to nothing, so loss does not fall with {vanished} in "
                  "these runs" if vanished else "the objective's gradient stayed large")
        raise FitError(f"fit_chinchilla did not converge: {reason}; check that loss falls with both "
                       "N and D")
    return ChinchillaFit(law=_to_law(theta[best], x_mean, y_mean), objective=float(f[best]),
                         converged=ok, n_points=x.size, delta=delta)


def settled_halfwidths(law, N, D, loss, objective_gap, *, delta=1e-3):
    """How far each parameter may sit from the optimum while the objective is within ``objective_gap``.  Used in 07.

    An optimiser that stops once the summed objective is within ``objective_gap`` of its minimum
    settles a quantity q only to +-sqrt(2 * gap * g^T H^-1 g), where H is the objective's Hessian
    at the optimum and g the gradient of q (quadratic model of the objective).  Digits finer
    than these half-widths are noise: they follow the starting point and the CPU's arithmetic.

    law: a converged fit of the runs (e.g. fit_chinchilla(...).law). N (params), D (tokens),
    loss (nats/token): the runs it was fitted to. objective_gap: > 0, in units of the summed
    Huber objective (e.g. LBFGSB_FTOL * max(|f|, 1)).
    Returns dict name -> half-width for E, A, B, alpha, beta and a = beta/(alpha+beta), in the
    parameters' own units.  Raises FitError if ``law`` is not at a minimum of the objective.
    """
    if not isinstance(law, ChinchillaLaw):
        raise TypeError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    x, y, log_loss = _check_runs(N, D, loss, min_points=5)
    objective_gap = positive_scalar("objective_gap", objective_gap)
    delta = positive_scalar("delta", delta)
    theta = _centred_theta(law, 0.0, 0.0)[None, :]
    _, g, H = _evaluate(theta, x, y, log_loss, 1.0, delta, 2)
    eigval, eigvec = np.linalg.eigh(H[0])
    if eigval[0] <= 1e-12 * eigval[-1] or np.abs(g).max() > 1e-6 * x.size:
        raise FitError("settled_halfwidths: law is not at a minimum of the objective for these runs; "
                       "pass the law of a converged fit to the same runs")
    total = law.alpha + law.beta
    gradients = {  # d quantity / d (log A, log B, log E, alpha, beta)
        "E": [0, 0, law.E, 0, 0], "A": [law.A, 0, 0, 0, 0], "B": [0, law.B, 0, 0, 0],
        "alpha": [0, 0, 0, 1, 0], "beta": [0, 0, 0, 0, 1],
        "a": [0, 0, 0, -law.beta / total ** 2, law.alpha / total ** 2],
    }
    halfwidths = {}
    for name, gradient in gradients.items():
        projected = eigvec.T @ np.asarray(gradient, dtype=float)
        halfwidths[name] = float(np.sqrt(2 * objective_gap * np.sum(projected ** 2 / eigval)))
    return halfwidths


def _require_positive_exponents(theta, caller):
    """Raise FitError if a fitted exponent came out <= 0 (loss not falling with N or D)."""
    for name, value, variable in (("alpha", theta[3], "N"), ("beta", theta[4], "D")):
        if not value > 0:
            raise FitError(f"{caller}: the fitted exponent {name} came out {value:.3g} <= 0, so loss does not "
                           f"fall with {variable} in these runs")


def _vanished_term(theta, x, y):
    """'N' or 'D' if that term's share of the predicted loss is negligible at every run, else None."""
    a, b, e, alpha, beta = theta
    terms = np.stack([a - alpha * x, b - beta * y, np.full_like(x, e)])
    shares = np.exp(terms - terms.max(axis=0))
    shares /= shares.sum(axis=0)
    for name, share in (("N", shares[0]), ("D", shares[1])):
        if share.max() < 1e-6:
            return name
    return None


def _scaled_objective(x, y, log_loss, delta, scale):
    """scale times the summed Huber objective and its gradient, as scipy.optimize.minimize takes them."""
    def objective(theta):
        f, g = _evaluate(theta[None, :], x, y, log_loss, 1.0, delta, 1)
        return scale * f[0], scale * g[0]
    return objective


def fit_chinchilla_paper_grid(N, D, loss, *, delta=1e-3, grid=None, reduce="sum",
                              require_convergence=True):
    """The paper's method: L-BFGS-B from every start of the initialisation grid.  Used in 07.

    grid: (K, 5) starts as rows (a, b, e, alpha, beta); default PAPER_GRID (4500 starts).
    reduce: "sum" (the paper's objective) or "mean" (the pitfall Besiroglu et al. 2024 point
    to: the objective and its gradient shrink by 1/n, so L-BFGS-B stops early).
    Takes tens of seconds for the full grid. Returns ChinchillaFit with the summed objective.
    """
    x, y, log_loss = _check_runs(N, D, loss, min_points=5)
    _check_spread(x, y)
    delta = positive_scalar("delta", delta)
    grid = PAPER_GRID if grid is None else np.asarray(grid, dtype=float)
    if grid.ndim != 2 or grid.shape[1] != 5 or grid.shape[0] < 1:
        raise ValueError(f"grid must have shape (K, 5) with K >= 1, got {grid.shape}")
    if not np.all(np.isfinite(grid)):
        raise ValueError("grid must be finite")
    if reduce not in ("sum", "mean"):
        raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
    scale = 1.0 if reduce == "sum" else 1.0 / x.size
    objective = _scaled_objective(x, y, log_loss, delta, scale)
    best = None
    for start in grid:
        result = minimize(objective, start, jac=True, method="L-BFGS-B")
        if best is None or result.fun < best.fun:
            best = result
    summed = best.fun / scale
    _require_positive_exponents(best.x, "fit_chinchilla_paper_grid")
    vanished = _vanished_term(best.x, x, y)
    ok = bool(best.success) and vanished is None
    if require_convergence and not ok:
        reason = f"the {vanished} term shrank to nothing" if vanished else str(best.message)
        raise FitError(f"fit_chinchilla_paper_grid did not converge: {reason}")
    return ChinchillaFit(law=_to_law(best.x, 0.0, 0.0), objective=float(summed),
                         converged=ok, n_points=x.size, delta=delta)


@dataclass(frozen=True)
class LBFGSBRun:
    """One run of scipy's L-BFGS-B on the (scaled) summed Huber objective.

    law: where it stopped. objective: the summed (unscaled) objective there. iterations: L-BFGS-B
    iterations taken. message: scipy's stopping message. stopped_by_ftol: whether it stopped on the
    test "f fell by less than ftol * max(|f|, 1)" (scipy's "RELATIVE REDUCTION OF F"). success: scipy's flag.
    """
    law: ChinchillaLaw
    objective: float
    iterations: int
    message: str
    stopped_by_ftol: bool
    success: bool


def lbfgsb_fit(N, D, loss, start, *, delta=1e-3, scale=1.0, ftol=None, gtol=None, maxiter=15000):
    """One L-BFGS-B run from ``start`` on ``scale`` times the summed Huber objective.  Used in 07.

    N (params), D (tokens), loss (nats/token): as for fit_chinchilla. start: a ChinchillaLaw
    (e.g. the full-data fit, for a warm-started bootstrap refit). scale: > 0, multiplies the
    objective and its gradient (1/len(N) gives the mean; a large scale lifts |f| above 1, where
    scipy's ftol test becomes relative). ftol, gtol: > 0, scipy's tolerances (None: scipy's
    defaults, ftol = LBFGSB_FTOL and gtol = 1e-5). maxiter: int >= 1.
    Returns LBFGSBRun; it never raises on non-convergence (read ``.message``).
    """
    x, y, log_loss = _check_runs(N, D, loss, min_points=5)
    _check_spread(x, y)
    if not isinstance(start, ChinchillaLaw):
        raise TypeError(f"start must be a ChinchillaLaw, got {type(start).__name__}")
    delta = positive_scalar("delta", delta)
    scale = positive_scalar("scale", scale)
    maxiter = positive_int("maxiter", maxiter)
    options = {"maxiter": maxiter}
    if ftol is not None:
        options["ftol"] = positive_scalar("ftol", ftol)
    if gtol is not None:
        options["gtol"] = positive_scalar("gtol", gtol)
    result = minimize(_scaled_objective(x, y, log_loss, delta, scale), _centred_theta(start, 0.0, 0.0), jac=True,
                      method="L-BFGS-B", options=options)
    message = str(result.message)
    return LBFGSBRun(law=_to_law(result.x, 0.0, 0.0), objective=float(result.fun / scale),
                     iterations=int(result.nit), message=message,
                     stopped_by_ftol="REDUCTION OF F" in message.upper(), success=bool(result.success))


def bootstrap_chinchilla(N, D, loss, n_resamples, seed, *, delta=1e-3):
    """Refit the Chinchilla form on ``n_resamples`` resamples (with replacement) of the runs.  Used in 07.

    N, D, loss: as for fit_chinchilla. n_resamples: int >= 10. seed: int, for reproducibility.
    All resamples are polished together by Newton from the full-data optimum (each resample is
    a re-weighting of the same runs). Returns BootstrapResult; its .interval(name, level)
    gives percentile intervals.
    """
    n_resamples = positive_int("n_resamples", n_resamples, minimum=10)
    seed = positive_int("seed", seed, minimum=0)
    point = fit_chinchilla(N, D, loss, delta=delta)
    x, y, log_loss = _check_runs(N, D, loss, min_points=5)
    x_mean, y_mean = x.mean(), y.mean()
    xc, yc = x - x_mean, y - y_mean
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(x.size, np.full(x.size, 1.0 / x.size), size=n_resamples).astype(float)
    start = _centred_theta(point.law, x_mean, y_mean)
    theta, _, converged = _newton(np.tile(start, (n_resamples, 1)), xc, yc, log_loss, counts,
                                  point.delta)
    theta = theta[converged]
    if theta.shape[0] < max(10, n_resamples // 2):
        raise FitError(f"bootstrap_chinchilla: only {theta.shape[0]} of {n_resamples} resample fits "
                       "converged")
    alpha, beta = theta[:, 3], theta[:, 4]
    samples = {
        "E": np.exp(theta[:, 2]), "A": np.exp(theta[:, 0] + alpha * x_mean),
        "B": np.exp(theta[:, 1] + beta * y_mean), "alpha": alpha, "beta": beta,
        "a": beta / (alpha + beta), "b": alpha / (alpha + beta),
    }
    return BootstrapResult(samples=samples, n_failed=int(n_resamples - theta.shape[0]), point=point)


@dataclass(frozen=True)
class BootstrapView:
    """Bootstrap of a Chinchilla fit on a random subset of the runs.

    n_runs, n_resamples: the choice. a_samples: frontier exponent a per resample.
    widths: 80% interval width of alpha, beta and a (dict). intervals: those intervals (dict).
    """
    n_runs: int
    n_resamples: int
    a_samples: np.ndarray
    widths: dict
    intervals: dict


def bootstrap_view(N, D, loss, n_runs, n_resamples, seed=0):
    """80% bootstrap intervals from ``n_runs`` runs drawn (seeded) from (N, D, loss).  Introduced in 07.

    N, D, loss: the full table (1-D arrays). n_runs: runs kept, 20 to len(N).
    n_resamples: bootstrap resamples, >= 10. Returns BootstrapView.
    """
    N = np.asarray(N, dtype=float)
    D, loss = np.asarray(D, dtype=float), np.asarray(loss, dtype=float)
    same_shape(N=N, D=D, loss=loss)
    n_runs = positive_int("n_runs", n_runs, minimum=20)
    if n_runs > N.size:
        raise ValueError(f"n_runs must be at most the {N.size} runs available, got {n_runs}")
    n_resamples = positive_int("n_resamples", n_resamples, minimum=10)
    seed = positive_int("seed", seed, minimum=0)
    keep = np.sort(np.random.default_rng(seed).choice(N.size, n_runs, replace=False))
    result = bootstrap_chinchilla(N[keep], D[keep], loss[keep], n_resamples, seed)
    intervals = {name: result.interval(name, 0.8) for name in ("alpha", "beta", "a")}
    return BootstrapView(n_runs=n_runs, n_resamples=n_resamples, a_samples=result.samples["a"],
                         widths={name: high - low for name, (low, high) in intervals.items()},
                         intervals=intervals)
