"""A small byte-level neural language model in pure numpy, trained for one epoch.  Introduced in 09.

Model: the previous ``context`` bytes are embedded (``embed`` numbers each; by default
max(8, width // 4), so the embedding grows with the model), concatenated, passed through one hidden
layer of ``width`` ReLU units, and mapped to logits over the 256 next bytes.
Parameters N count every weight and bias (embeddings included). Training: Adam on the
cross-entropy, batches of ``batch`` positions drawn once each (one epoch over D tokens, no
repetition), learning rate warmed up over the first 5% of steps and then decayed by a cosine to 10%
of its peak; the peak is 0.01 up to width 32 and shrinks as 0.01 * sqrt(32 / width) beyond (wider
layers take smaller steps, as is common practice). Losses are in nats per byte (divide by ln 2 for bits).
"""
from dataclasses import dataclass

import numpy as np

from helpers._validate import positive_int

__all__ = ["TinyLM", "RunResult", "train_run", "parameter_count", "embedding_size", "run_grid", "STUDY_WIDTHS",
           "STUDY_TOKENS"]

VOCAB = 256
CONTEXT = 8
BATCH = 64
EVAL_POSITIONS = 20000


def embedding_size(width):
    """Default embedding size for a model of ``width`` hidden units: max(8, width // 4)."""
    return max(8, positive_int("width", width) // 4)


def parameter_count(width, embed=None, context=CONTEXT):
    """N for a model of the given width: embeddings, hidden layer and output layer with biases."""
    width = positive_int("width", width)
    embed = embedding_size(width) if embed is None else positive_int("embed", embed)
    return VOCAB * embed + context * embed * width + width + width * VOCAB + VOCAB


class TinyLM:
    """Weights of the model and its forward/backward pass.

    width: hidden units. seed: int for the initialisation. Weights are float64 arrays in .params.
    """

    def __init__(self, width, seed, embed=None, context=CONTEXT):
        self.width = positive_int("width", width)
        self.embed = embedding_size(self.width) if embed is None else positive_int("embed", embed)
        self.context = positive_int("context", context)
        rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
        fan_in = self.context * self.embed
        self.params = {
            "E": rng.standard_normal((VOCAB, self.embed)),
            "W1": rng.standard_normal((fan_in, self.width)) / np.sqrt(fan_in),
            "b1": np.zeros(self.width),
            "W2": rng.standard_normal((self.width, VOCAB)) / np.sqrt(self.width),
            "b2": np.zeros(VOCAB),
        }

    @property
    def n_params(self):
        return sum(p.size for p in self.params.values())

    def loss_and_grads(self, contexts, targets, need_grads=True):
        """Mean cross-entropy (nats) of predicting targets (B,) from contexts (B, context) of byte ids."""
        p = self.params
        x = p["E"][contexts].reshape(len(targets), -1)               # (B, context*embed)
        z1 = x @ p["W1"] + p["b1"]
        a1 = np.maximum(z1, 0.0)
        logits = a1 @ p["W2"] + p["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1))
        loss = float(np.mean(log_norm - logits[np.arange(len(targets)), targets]))
        if not need_grads:
            return loss, None
        probs = np.exp(logits - log_norm[:, None])
        probs[np.arange(len(targets)), targets] -= 1.0
        d_logits = probs / len(targets)
        grads = {"W2": a1.T @ d_logits, "b2": d_logits.sum(axis=0)}
        d_z1 = (d_logits @ p["W2"].T) * (z1 > 0)
        grads["W1"] = x.T @ d_z1
        grads["b1"] = d_z1.sum(axis=0)
        d_x = (d_z1 @ p["W1"].T).reshape(len(targets), self.context, self.embed)
        grads["E"] = np.zeros_like(p["E"])
        np.add.at(grads["E"], contexts, d_x)
        return loss, grads


def _windows(data, positions, context):
    """Contexts (len(positions), context) and next-byte targets for positions into data."""
    offsets = np.arange(-context, 0)
    return data[positions[:, None] + offsets], data[positions]


@dataclass(frozen=True)
class RunResult:
    """One training run. N: parameters. D: training tokens. flops: 6 N D.
    train_loss: mean loss over the last 10% of steps. held_out_loss: nats per byte on held-out text."""
    width: int
    N: int
    D: int
    flops: float
    train_loss: float
    held_out_loss: float

    @property
    def held_out_bits(self):
        return self.held_out_loss / np.log(2)


def train_run(corpus, width, tokens, seed=0, batch=BATCH, progress=None):
    """Train one model of ``width`` hidden units on ``tokens`` training bytes, once each.  Introduced in 09.

    corpus: helpers.corpus.Corpus. tokens: at least 10 batches and at most the training text.
    progress: optional callable(fraction_done). Returns RunResult.
    """
    from helpers.corpus import Corpus

    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a helpers.corpus.Corpus, got {type(corpus).__name__}")
    if corpus.held_out.size <= CONTEXT:
        raise ValueError(f"corpus.held_out must hold more than {CONTEXT} bytes, got {corpus.held_out.size}")
    width = positive_int("width", width)
    batch = positive_int("batch", batch)
    tokens = positive_int("tokens", tokens, minimum=10 * batch)
    available = corpus.train.size - CONTEXT
    if tokens > available:
        raise ValueError(f"tokens must be at most the {available} training bytes (one epoch), got {tokens}")
    seed = positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    model = TinyLM(width, seed)
    positions = CONTEXT + rng.permutation(available)[:tokens]
    steps = tokens // batch
    peak = 0.01 * np.sqrt(32 / max(width, 32))
    warmup = max(1, steps // 20)
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in model.params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    late_losses = []
    for step in range(steps):
        if step < warmup:
            lr = peak * (step + 1) / warmup
        else:
            progress_in_decay = (step - warmup) / max(1, steps - warmup)
            lr = peak * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * progress_in_decay)))
        contexts, targets = _windows(corpus.train, positions[step * batch:(step + 1) * batch], CONTEXT)
        loss, grads = model.loss_and_grads(contexts, targets)
        if step >= steps - max(1, steps // 10):
            late_losses.append(loss)
        t = step + 1
        for name, grad in grads.items():
            m, v = moments[name]
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            model.params[name] -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        if progress is not None and step % 50 == 0:
            progress((step + 1) / steps)
    held = corpus.held_out
    eval_positions = CONTEXT + np.arange(min(EVAL_POSITIONS, held.size - CONTEXT))
    held_loss = float(np.mean([model.loss_and_grads(*_windows(held, chunk, CONTEXT), need_grads=False)[0]
                               for chunk in np.array_split(eval_positions, 10)]))
    n = model.n_params
    return RunResult(width=width, N=n, D=steps * batch, flops=6.0 * n * steps * batch,
                     train_loss=float(np.mean(late_losses)), held_out_loss=held_loss)


# The lab's grid: widths give N from about 5e3 to 1.3e6; tokens from 4e4 to 4e5 (one epoch at most).
STUDY_WIDTHS = (8, 24, 72, 216, 648)
STUDY_TOKENS = (40000, 70000, 120000, 220000, 400000)


def run_grid(corpus, widths=STUDY_WIDTHS, tokens=STUDY_TOKENS, seed=0, progress=None):
    """Train every (width, tokens) pair, smallest compute first.  Introduced in 09.

    progress: optional callable(done, total, last RunResult or None). Returns (results, seconds), lists
    of RunResult and of wall-clock seconds per run, in the order run.
    """
    import time

    widths = [positive_int("widths", w) for w in widths]
    tokens = [positive_int("tokens", d, minimum=10 * BATCH) for d in tokens]
    if max(tokens) > corpus.train.size - CONTEXT:
        raise ValueError(f"tokens must be at most the {corpus.train.size - CONTEXT} training bytes, got {max(tokens)}")
    pairs = sorted(((w, d) for w in widths for d in tokens), key=lambda wd: parameter_count(wd[0]) * wd[1])
    results, seconds = [], []
    for i, (width, n_tokens) in enumerate(pairs):
        if progress is not None:
            progress(i, len(pairs), results[-1] if results else None)
        start = time.perf_counter()
        results.append(train_run(corpus, width, n_tokens, seed=seed))
        seconds.append(time.perf_counter() - start)
    if progress is not None:
        progress(len(pairs), len(pairs), results[-1])
    return results, seconds
