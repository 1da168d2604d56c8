"""Parameters and FLOPs of a decoder-only Transformer from its shape.  Introduced in 04.

Kaplan et al. 2020, sec. 2.1: each layer has attention projections (4 d_model**2 weights: query,
key, value, output) and a feed-forward block (2 d_model d_ff, with d_ff = 4 d_model usually), so
N ≈ 12 n_layer d_model**2 non-embedding parameters (eq. 2.1). A forward pass costs about 2N FLOP
per token plus 2 n_layer n_ctx d_model for attending over the context (eq. 2.2); the backward
pass costs twice the forward pass, so training costs about 3 times the forward pass. Eq. 2.2
leaves out the output (de-embedding) layer, 2 d_model n_vocab FLOP per token forward (Table 1,
"De-embed"): with N counted without embeddings, 6N misses it too.
"""
from dataclasses import dataclass

from helpers._validate import positive_int

__all__ = ["TransformerShape", "transformer_shape"]


@dataclass(frozen=True)
class TransformerShape:
    """Counts for one Transformer shape.

    non_embedding: parameters in the layers (eq. 2.1 with the given d_ff). embedding: token
    embedding vocab_size * d_model (+ n_ctx * d_model learned positions if counted).
    forward_flops_per_token: 2 * non_embedding + 2 n_layer n_ctx d_model (eq. 2.2).
    training_flops_per_token: 3 times the forward pass. six_n: 6 * non_embedding, the usual
    approximation; context_share: the attention-over-context part of the training FLOPs.
    output_flops_per_token: the output layer's 2 d_model vocab_size (forward), which eq. 2.2
    and six_n leave out; context_vs_2n and output_vs_2n: the two omissions relative to 2N.
    """
    n_layer: int
    d_model: int
    d_ff: int
    n_ctx: int
    vocab_size: int
    non_embedding: int
    embedding: int
    forward_flops_per_token: float
    training_flops_per_token: float

    @property
    def total(self):
        """All parameters: non-embedding plus embedding."""
        return self.non_embedding + self.embedding

    @property
    def embedding_share(self):
        """Fraction of all parameters in the embeddings."""
        return self.embedding / self.total

    @property
    def six_n(self):
        """6 N (FLOP per training token) with N the non-embedding count."""
        return 6.0 * self.non_embedding

    @property
    def context_share(self):
        """Fraction of the training FLOPs per token spent attending over the context."""
        return 1.0 - self.six_n / self.training_flops_per_token

    @property
    def context_flops_per_token(self):
        """Forward FLOP per token for attending over the context, 2 n_layer n_ctx d_model (eq. 2.2)."""
        return 2.0 * self.n_layer * self.n_ctx * self.d_model

    @property
    def output_flops_per_token(self):
        """Forward FLOP per token of the output (de-embedding) layer, 2 d_model vocab_size (Kaplan Table 1)."""
        return 2.0 * self.d_model * self.vocab_size

    @property
    def context_vs_2n(self):
        """The context term relative to 2N: n_ctx / (12 d_model) when d_ff = 4 d_model."""
        return self.context_flops_per_token / (2.0 * self.non_embedding)

    @property
    def output_vs_2n(self):
        """The output layer relative to 2N: vocab_size / (12 n_layer d_model) when d_ff = 4 d_model."""
        return self.output_flops_per_token / (2.0 * self.non_embedding)

    def summary_lines(self):
        """What the parameter and FLOP counts come to, as lines of text.  Introduced in 04."""
        return [
            f"non-embedding parameters 12 n_layer d_model^2 = {self.non_embedding:,}",
            f"embedding parameters vocab x d_model = {self.embedding:,} "
            f"({self.embedding_share:.1%} of all {self.total:,})",
            f"training FLOP per token: 6N = {self.six_n:.3g}; with attention over the context "
            f"{self.training_flops_per_token:.3g}, of which the context term is {self.context_share:.1%}",
            f"left out of both: the output layer, 2 d_model vocab = {self.output_flops_per_token:.3g} FLOP per "
            f"token forward, {self.output_vs_2n:.1%} of 2N (the context term is {self.context_vs_2n:.1%} of 2N)",
        ]


def transformer_shape(n_layer, d_model, *, n_ctx=1024, vocab_size=50257, d_ff=None, learned_positions=False):
    """Parameter and FLOP counts of a decoder-only Transformer.  Introduced in 04.

    n_layer, d_model: layers and width. n_ctx: context length (tokens). vocab_size: tokens in
    the vocabulary. d_ff: feed-forward width (default 4 * d_model). learned_positions: count
    n_ctx * d_model position embeddings. Defaults follow Kaplan et al. 2020's setup
    (n_ctx 1024, vocabulary 50257). Returns TransformerShape.
    """
    n_layer = positive_int("n_layer", n_layer)
    d_model = positive_int("d_model", d_model)
    n_ctx = positive_int("n_ctx", n_ctx)
    vocab_size = positive_int("vocab_size", vocab_size)
    d_ff = 4 * d_model if d_ff is None else positive_int("d_ff", d_ff)
    non_embedding = n_layer * (4 * d_model ** 2 + 2 * d_model * d_ff)
    embedding = vocab_size * d_model + (n_ctx * d_model if learned_positions else 0)
    forward = 2.0 * non_embedding + 2.0 * n_layer * n_ctx * d_model
    return TransformerShape(n_layer=n_layer, d_model=d_model, d_ff=d_ff, n_ctx=n_ctx, vocab_size=vocab_size,
                            non_embedding=int(non_embedding), embedding=int(embedding),
                            forward_flops_per_token=float(forward), training_flops_per_token=3.0 * forward)
