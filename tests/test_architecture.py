"""Notebook 04's helpers: counting a Transformer's parameters and FLOPs."""
import pytest

from helpers import architecture, datasets


def test_eq_2_1_and_embeddings():
    shape = architecture.transformer_shape(12, 768)
    assert shape.non_embedding == 12 * 12 * 768 ** 2
    assert shape.embedding == 50257 * 768
    assert shape.total == shape.non_embedding + shape.embedding
    with_positions = architecture.transformer_shape(12, 768, learned_positions=True)
    assert with_positions.embedding == (50257 + 1024) * 768
    custom = architecture.transformer_shape(2, 512, d_ff=1000)
    assert custom.non_embedding == 2 * (4 * 512 ** 2 + 2 * 512 * 1000)


def test_eq_2_2_forward_flops_and_the_context_share():
    shape = architecture.transformer_shape(24, 2048, n_ctx=2048)
    assert shape.forward_flops_per_token == 2 * shape.non_embedding + 2 * 24 * 2048 * 2048
    assert shape.training_flops_per_token == 3 * shape.forward_flops_per_token
    # Relative to 2N the context term is n_ctx / (12 d_model).
    expected = (2048 / (12 * 2048)) / (1 + 2048 / (12 * 2048))
    assert shape.context_share == pytest.approx(expected)


def test_rule_accounts_for_most_of_gopher_and_chinchilla():
    table = datasets.load("hoffmann2022_table4_architecture")
    for params, n_layer, d_model in zip(table["params"], table["n_layers"], table["d_model"]):
        ratio = architecture.transformer_shape(int(n_layer), int(d_model)).non_embedding / params
        assert 0.9 < ratio < 0.95


def test_embedding_share_falls_with_size():
    shares = [architecture.transformer_shape(n, d).embedding_share for n, d in ((2, 128), (12, 768), (48, 6144))]
    assert shares[0] > 0.9 and shares[-1] < 0.02 and shares == sorted(shares, reverse=True)


def test_summary_lines():
    lines = architecture.transformer_shape(12, 768, n_ctx=1024, vocab_size=50257).summary_lines()
    assert "84,934,656" in lines[0] and "31.2% of all" in lines[1] and "10.0%" in lines[2]


def test_the_output_layer_that_6n_leaves_out():
    # Kaplan Table 1, "De-embed": 2 d_model n_vocab FLOP per token forward.
    shape = architecture.transformer_shape(12, 768, n_ctx=1024, vocab_size=50257)
    assert shape.output_flops_per_token == 2 * 768 * 50257
    assert shape.output_vs_2n == pytest.approx(50257 / (12 * 12 * 768))
    assert shape.context_vs_2n == pytest.approx(1024 / (12 * 768))
    # The output layer outweighs the context term exactly when n_layer < n_vocab / n_ctx (about 49 here).
    for n_layer, bigger in ((48, True), (50, False)):
        s = architecture.transformer_shape(n_layer, 1024, n_ctx=1024, vocab_size=50257)
        assert (s.output_flops_per_token > s.context_flops_per_token) is bigger
    line = shape.summary_lines()[3]
    assert "output layer" in line and "45.4% of 2N" in line and "11.1% of 2N" in line
