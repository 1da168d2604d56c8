"""A small byte-level neural language model in pure numpy, trained for one epoch.  Introduced in 09.

Model: the previous ``context`` bytes are embedded (``embed`` numbers each; by default
max(8, width // 4), so the embedding grows with the model), concatenated, passed through one hidden
layer of ``width`` ReLU units, and mapped to logits over the 256 next bytes.
Parameters N count every weight and bias (embeddings included; ``parameter_count(...,
embedding_table=False)`` leaves the byte table out, the other convention). Training: Adam on the
cross-entropy, batches of ``batch`` positions drawn once each (one epoch over D tokens, no
repetition), learning rate warmed up over the first 5% of steps and then decayed by a cosine to 10%
of its peak; the peak is 0.01 up to width 32 and shrinks as 0.01 * sqrt(32 / width) beyond (wider
layers take smaller steps, as is common practice). Losses are in nats per byte (divide by ln 2 for bits).

Speed, in plain numpy: weights, gradients and Adam's moments are float32 (half the memory traffic of
float64; the lab's losses move by less than run-to-run noise), each lives in one flat array (the
named weights are views into it), so the Adam update is a dozen in-place numpy calls with no
temporaries, run on cache-sized blocks; the embedding gradient is one matrix product with a one-hot
matrix instead of ``np.add.at``. The held-out loss is read on every held-out byte, in batches.
Independent runs can be spread over processes (``run_many``); each is seeded by its own seed.
"""
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from helpers._validate import positive_int

__all__ = ["TinyLM", "Adam", "RunResult", "train_run", "train", "learning_rate", "parameter_count", "embedding_size",
           "run_grid", "run_many", "default_workers", "STUDY_WIDTHS", "STUDY_TOKENS"]

VOCAB = 256
CONTEXT = 8
BATCH = 64
DTYPE = np.float32
EVAL_BATCH = 4096  # held-out positions per forward pass when evaluating (memory, not results)


def embedding_size(width):
    """Default embedding size for a model of ``width`` hidden units: max(8, width // 4)."""
    return max(8, positive_int("width", width) // 4)


def parameter_count(width, embed=None, context=CONTEXT, embedding_table=True):
    """N for a model of the given width: embeddings, hidden layer and output layer with biases.

    embedding_table: False leaves out the 256 x embed byte table (a lookup: it costs no multiply-adds),
    the convention Kaplan et al. follow; True (default) counts every parameter, as Hoffmann et al. do.
    """
    width = positive_int("width", width)
    embed = embedding_size(width) if embed is None else positive_int("embed", embed)
    context = positive_int("context", context)
    table = VOCAB * embed if embedding_table else 0
    return table + context * embed * width + width + width * VOCAB + VOCAB


def _flat_views(flat, shapes):
    """Named views into consecutive stretches of the 1-D array ``flat``, one per (name, shape)."""
    views, start = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        views[name] = flat[start:start + size].reshape(shape)
        start += size
    return views


class TinyLM:
    """Weights of the model and its forward/backward pass.

    width: hidden units. seed: int for the initialisation. dtype: float32 (default) or float64.
    .params: named weight arrays E (256, embed), W1 (context*embed, width), b1 (width,),
    W2 (width, 256), b2 (256,), all views into the one flat array .flat_params (and likewise
    .grads into .flat_grads), so an optimiser can update them all at once.
    """

    def __init__(self, width, seed, embed=None, context=CONTEXT, dtype=DTYPE):
        self.width = positive_int("width", width)
        self.embed = embedding_size(self.width) if embed is None else positive_int("embed", embed)
        self.context = positive_int("context", context)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
        fan_in = self.context * self.embed
        shapes = {"E": (VOCAB, self.embed), "W1": (fan_in, self.width), "b1": (self.width,),
                  "W2": (self.width, VOCAB), "b2": (VOCAB,)}
        self.flat_params = np.zeros(sum(int(np.prod(s)) for s in shapes.values()), self.dtype)
        self.flat_grads = np.zeros_like(self.flat_params)
        self.params = _flat_views(self.flat_params, shapes)
        self.grads = _flat_views(self.flat_grads, shapes)
        # Drawn in float64 and rounded, so both precisions start from the same weights.
        self.params["E"][...] = rng.standard_normal((VOCAB, self.embed))
        self.params["W1"][...] = rng.standard_normal((fan_in, self.width)) / np.sqrt(fan_in)
        self.params["W2"][...] = rng.standard_normal((self.width, VOCAB)) / np.sqrt(self.width)
        self._one_hot = np.zeros((0, VOCAB), self.dtype)

    @property
    def n_params(self):
        return self.flat_params.size

    def _forward(self, contexts):
        """Hidden pre-activations z1 (B, width), activations a1, inputs x (B, context*embed), logits
        (B, 256) shifted so each row's maximum is 0."""
        p = self.params
        x = p["E"][contexts].reshape(len(contexts), -1)
        z1 = x @ p["W1"]
        z1 += p["b1"]
        a1 = np.maximum(z1, 0)
        logits = a1 @ p["W2"]
        logits += p["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        return x, z1, a1, logits

    def loss(self, contexts, targets):
        """Summed cross-entropy (nats, a float) of targets (B,) given contexts (B, context) of byte ids."""
        _, _, _, logits = self._forward(contexts)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        return float(np.sum(log_norm - logits[np.arange(len(targets)), targets], dtype=np.float64))

    def loss_and_grads(self, contexts, targets, need_grads=True):
        """Mean cross-entropy (nats) of predicting targets (B,) from contexts (B, context) of byte ids,
        and its gradients: a dict of arrays shaped like .params (the views .grads, overwritten by the
        next call), or None when need_grads is False."""
        batch = len(targets)
        if not need_grads:
            return self.loss(contexts, targets) / batch, None
        p, g = self.params, self.grads
        x, z1, a1, logits = self._forward(contexts)
        probs = np.exp(logits)
        norm = probs.sum(axis=1)
        rows = np.arange(batch)
        loss = float(np.mean(np.log(norm) - logits[rows, targets], dtype=np.float64))
        # d loss / d logits = (softmax - one-hot of the target) / batch
        probs *= (1.0 / (norm * batch))[:, None]
        probs[rows, targets] -= 1.0 / batch
        d_logits = probs
        np.matmul(a1.T, d_logits, out=g["W2"])
        np.sum(d_logits, axis=0, out=g["b2"])
        d_z1 = d_logits @ p["W2"].T
        d_z1 *= z1 > 0                                        # through the ReLU
        np.matmul(x.T, d_z1, out=g["W1"])
        np.sum(d_z1, axis=0, out=g["b1"])
        d_x = (d_z1 @ p["W1"].T).reshape(-1, self.embed)      # (B*context, embed)
        # Each embedding row gets the sum of d_x over the positions that used that byte: a product
        # with the (B*context, 256) one-hot matrix of the byte ids (faster than np.add.at).
        ids = contexts.reshape(-1)
        if self._one_hot.shape[0] != ids.size:
            self._one_hot = np.zeros((ids.size, VOCAB), self.dtype)
        hot = np.arange(ids.size), ids
        self._one_hot[hot] = 1
        np.matmul(self._one_hot.T, d_x, out=g["E"])
        self._one_hot[hot] = 0
        return loss, g

    def evaluate(self, data, batch=EVAL_BATCH):
        """Mean loss (nats per byte) of predicting every byte of ``data`` (uint8 array) that has a
        full context before it, in forward passes of ``batch`` positions."""
        positions = np.arange(self.context, positive_int("data size", data.size, minimum=self.context + 1))
        total = 0.0
        for start in range(0, positions.size, positive_int("batch", batch)):
            total += self.loss(*_windows(data, positions[start:start + batch], self.context))
        return total / positions.size


class Adam:
    """Adam (Kingma & Ba 2015) over one flat array of parameters, updated in place.  Introduced in 09.

    The moments m and v are allocated once, like the parameters. A step is a fixed sequence of a
    dozen whole-array numpy calls that write into m, v and the gradient array (used as scratch: it is
    overwritten), so no temporary arrays are created. The calls run on blocks of BLOCK numbers at a
    time, so that a block's parameters, gradients and moments stay in the core's cache across the
    dozen passes instead of coming from memory each time.
    """

    BLOCK = 1 << 16  # 65,536 numbers: four float32 arrays of it take 1 MB

    def __init__(self, size, dtype=DTYPE, beta1=0.9, beta2=0.999, eps=1e-8):
        self.m = np.zeros(positive_int("size", size), dtype)
        self.v = np.zeros_like(self.m)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0

    def step(self, params, grads, lr):
        """params -= lr * m_hat / (sqrt(v_hat) + eps), after updating the moments with grads.

        params, grads: 1-D arrays of the same size; grads is left holding the step taken.
        """
        self.t += 1
        # m_hat / (sqrt(v_hat) + eps) with m_hat = m / c1, v_hat = v / c2
        #   = (sqrt(c2) / c1) * m / (sqrt(v) + eps sqrt(c2))
        # (Python floats, not numpy float64 scalars, which would make float32 arrays compute in float64.)
        c1, root_c2 = 1 - self.beta1 ** self.t, (1 - self.beta2 ** self.t) ** 0.5
        eps, scale = float(self.eps * root_c2), float(lr * root_c2 / c1)
        for start in range(0, params.size, self.BLOCK):
            block = slice(start, start + self.BLOCK)
            self._update(params[block], grads[block], self.m[block], self.v[block], eps, scale)

    def _update(self, p, g, m, v, eps, scale):
        """The update of one block of parameters p, gradients g and moments m, v, in place."""
        m -= g
        m *= self.beta1
        m += g                                  # m = b1 m + (1 - b1) g
        g *= g
        v -= g
        v *= self.beta2
        v += g                                  # v = b2 v + (1 - b2) g^2
        np.sqrt(v, out=g)
        g += eps
        np.divide(m, g, out=g)
        g *= scale                              # lr * m_hat / (sqrt(v_hat) + eps)
        p -= g


def _windows(data, positions, context):
    """Contexts (len(positions), context) and next-byte targets for positions into data."""
    offsets = np.arange(-context, 0)
    return data[positions[:, None] + offsets], data[positions]


@dataclass(frozen=True)
class RunResult:
    """One training run. N: parameters (all, byte table included). D: training tokens. flops: 6 N D.
    train_loss: mean loss over the last 10% of steps. held_out_loss: nats per byte on all held-out text.
    seed: the run's seed (initial weights and the order of the training bytes)."""
    width: int
    N: int
    D: int
    flops: float
    train_loss: float
    held_out_loss: float
    seed: int = 0

    @property
    def held_out_bits(self):
        return self.held_out_loss / np.log(2)

    @property
    def N_without_table(self):
        """N without the byte-embedding table (Kaplan et al.'s convention)."""
        return parameter_count(self.width, embedding_table=False)


def learning_rate(step, steps, width):
    """The schedule: linear warm-up over 5% of ``steps``, then a cosine to 10% of the peak, whose
    value is 0.01 up to width 32 and 0.01 * sqrt(32 / width) beyond.  Introduced in 09."""
    peak = 0.01 * np.sqrt(32 / max(width, 32))
    warmup = max(1, steps // 20)
    if step < warmup:
        return peak * (step + 1) / warmup
    progress_in_decay = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * progress_in_decay)))


def _check_corpus(corpus):
    from helpers.corpus import Corpus

    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a helpers.corpus.Corpus, got {type(corpus).__name__}")
    if corpus.held_out.size <= CONTEXT:
        raise ValueError(f"corpus.held_out must hold more than {CONTEXT} bytes, got {corpus.held_out.size}")
    return corpus.train.size - CONTEXT


def _check_tokens(name, tokens, batch, available):
    tokens = positive_int(name, tokens, minimum=10 * batch)
    if tokens > available:
        raise ValueError(f"{name} must be at most the {available} training bytes (one epoch), got {tokens}")
    return tokens


def train_run(corpus, width, tokens, seed=0, batch=BATCH, progress=None, dtype=DTYPE):
    """Train one model of ``width`` hidden units on ``tokens`` training bytes, once each.  Introduced in 09.

    corpus: helpers.corpus.Corpus. tokens: at least 10 batches and at most the training text.
    progress: optional callable(fraction_done). dtype: float32 (default) or float64 arithmetic.
    The held-out loss is read on every held-out byte. Returns RunResult.
    """
    available = _check_corpus(corpus)
    width = positive_int("width", width)
    batch = positive_int("batch", batch)
    tokens = _check_tokens("tokens", tokens, batch, available)
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    model = TinyLM(width, seed, dtype=dtype)
    positions = CONTEXT + rng.permutation(available)[:tokens]
    steps = tokens // batch
    train_loss = train(model, corpus.train, positions[:steps * batch], batch, progress)
    n = model.n_params
    return RunResult(width=width, N=n, D=steps * batch, flops=6.0 * n * steps * batch, train_loss=train_loss,
                     held_out_loss=model.evaluate(corpus.held_out), seed=seed)


def train(model, data, positions, batch=BATCH, progress=None, step_cpu_seconds=None):
    """Train ``model`` (a TinyLM) in place with Adam on the bytes of ``data`` at ``positions``, in order,
    ``batch`` at a time, with the learning-rate schedule of ``learning_rate``.  Introduced in 09.

    positions: 1-D int array, a whole number of batches. step_cpu_seconds: optional list, given the
    CPU seconds of each step (time.process_time, so time spent paused while other programs run does
    not count; for benchmarks). Returns the mean training loss over the last 10% of steps (nats per byte).
    """
    steps = positions.size // batch
    adam = Adam(model.n_params, model.dtype)
    late_losses = []
    for step in range(steps):
        start = time.process_time()
        contexts, targets = _windows(data, positions[step * batch:(step + 1) * batch], model.context)
        loss, _ = model.loss_and_grads(contexts, targets)
        adam.step(model.flat_params, model.flat_grads, learning_rate(step, steps, model.width))
        if step_cpu_seconds is not None:
            step_cpu_seconds.append(time.process_time() - start)
        if step >= steps - max(1, steps // 10):
            late_losses.append(loss)
        if progress is not None and step % 50 == 0:
            progress((step + 1) / steps)
    return float(np.mean(late_losses))


# The lab's grid: widths give N from about 5e3 to 1e6; tokens from 4e4 to 4e5 (one epoch at most).
STUDY_WIDTHS = (8, 24, 72, 216, 648)
STUDY_TOKENS = (40000, 70000, 120000, 220000, 400000)

_worker_corpus = None


def _keep_corpus(corpus):
    global _worker_corpus
    _worker_corpus = corpus


def _timed_run(width, tokens, seed, batch):
    start = time.perf_counter()
    result = train_run(_worker_corpus, width, tokens, seed=seed, batch=batch)
    return result, time.perf_counter() - start


def run_many(corpus, jobs, batch=BATCH, workers=1, progress=None):
    """Train independent runs, each seeded by its own seed, on ``workers`` processes.  Introduced in 09.

    jobs: list of (width, tokens, seed). workers: processes (1 trains here, in this process); the
    results do not depend on it. progress: optional callable(done, total, last RunResult or None).
    Returns (results, seconds): RunResult and wall-clock seconds per run, in the order of ``jobs``.
    """
    available = _check_corpus(corpus)
    batch = positive_int("batch", batch)
    workers = positive_int("workers", workers)
    jobs = [(positive_int("widths", w), _check_tokens("tokens", d, batch, available),
             positive_int("seed", s, minimum=0)) for w, d, s in jobs]
    results, seconds = [None] * len(jobs), [None] * len(jobs)
    if progress is not None:
        progress(0, len(jobs), None)
    if workers == 1:
        _keep_corpus(corpus)
        for i, job in enumerate(jobs):
            results[i], seconds[i] = _timed_run(*job, batch)
            if progress is not None:
                progress(i + 1, len(jobs), results[i])
        return results, seconds
    # Largest runs first, so the last run to finish is a short one and no process idles long.
    order = sorted(range(len(jobs)), key=lambda i: -parameter_count(jobs[i][0]) * jobs[i][1])
    with ProcessPoolExecutor(max_workers=workers, initializer=_keep_corpus, initargs=(corpus,)) as pool:
        futures = {pool.submit(_timed_run, *jobs[i], batch): i for i in order}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            results[i], seconds[i] = future.result()
            if progress is not None:
                progress(done, len(jobs), results[i])
    return results, seconds


def run_grid(corpus, widths=STUDY_WIDTHS, tokens=STUDY_TOKENS, seed=0, progress=None, workers=1, batch=BATCH):
    """Train every (width, tokens) pair with one seed, listed smallest compute first.  Introduced in 09.

    progress: optional callable(done, total, last RunResult or None). workers: processes (see
    run_many; os.cpu_count() uses every core). Returns (results, seconds), lists of RunResult and
    of wall-clock seconds per run.
    """
    available = _check_corpus(corpus)
    widths = [positive_int("widths", w) for w in widths]
    tokens = [_check_tokens("tokens", d, positive_int("batch", batch), available) for d in tokens]
    pairs = sorted(((w, d) for w in widths for d in tokens), key=lambda wd: parameter_count(wd[0]) * wd[1])
    return run_many(corpus, [(w, d, seed) for w, d in pairs], batch=batch, workers=workers, progress=progress)


def default_workers():
    """Processes for a study: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
