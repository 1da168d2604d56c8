"""The lab's small numpy language model, its corpus and its study script."""
import csv
import json
from pathlib import Path

import numpy as np
import pytest
from scripts import load_script

from helpers import corpus, datasets, tinylm


@pytest.fixture(scope="module")
def text():
    return corpus.load_corpus()


def test_corpus_is_real_text_split_ninety_ten(text):
    total = text.train.size + text.held_out.size
    assert total > 300_000
    assert text.held_out.size == pytest.approx(0.1 * total, abs=1)
    decoded = bytes(text.train[:2000]).decode("utf-8")
    assert "statement" in decoded and decoded.count(" ") > 200
    np.testing.assert_array_equal(corpus.load_corpus().train[:1000], text.train[:1000])  # fixed split


def test_parameter_count_matches_the_model():
    for width in (1, 8, 100):
        assert tinylm.TinyLM(width, seed=0).n_params == tinylm.parameter_count(width)


def test_gradients_match_finite_differences():
    model = tinylm.TinyLM(width=5, seed=1, embed=3, context=4)
    rng = np.random.default_rng(0)
    contexts = rng.integers(0, 256, size=(7, 4))
    targets = rng.integers(0, 256, size=7)
    _, grads = model.loss_and_grads(contexts, targets)
    eps = 1e-6
    for name, param in model.params.items():
        for index in [tuple(rng.integers(0, s) for s in param.shape) for _ in range(5)]:
            if name == "E":
                index = (int(contexts[0, 0]), index[1])  # an embedding row that is used
            saved = param[index]
            param[index] = saved + eps
            plus, _ = model.loss_and_grads(contexts, targets, need_grads=False)
            param[index] = saved - eps
            minus, _ = model.loss_and_grads(contexts, targets, need_grads=False)
            param[index] = saved
            assert (plus - minus) / (2 * eps) == pytest.approx(grads[name][index], rel=1e-5, abs=1e-9), name


def test_training_lowers_the_loss_and_counts_flops(text):
    short = tinylm.train_run(text, width=16, tokens=2000)
    longer = tinylm.train_run(text, width=16, tokens=40000)
    assert longer.held_out_loss < short.held_out_loss < np.log(256)
    assert longer.flops == 6 * longer.N * longer.D
    assert longer.held_out_bits == pytest.approx(longer.held_out_loss / np.log(2))
    again = tinylm.train_run(text, width=16, tokens=2000)
    assert again.held_out_loss == short.held_out_loss  # seeded


def test_training_rejects_more_than_one_epoch(text):
    with pytest.raises(ValueError, match="tokens must be at most the"):
        tinylm.train_run(text, width=8, tokens=text.train.size + 1)
    with pytest.raises(ValueError, match="tokens must be at least"):
        tinylm.train_run(text, width=8, tokens=100)
    with pytest.raises(ValueError, match="width must be at least 1"):
        tinylm.train_run(text, width=0, tokens=2000)


def test_study_script_writes_a_micro_grid(tmp_path):
    script = Path(datasets.DATA_DIR) / "run_lab_study.py"
    module = load_script(script)
    calls = []
    results = module.write_study(tmp_path, widths=(4, 8), tokens=(1000, 2000),
                                 progress=lambda done, total, last: calls.append((done, total)))
    rows = list(csv.DictReader((tmp_path / module.RUNS_FILE).open()))
    assert len(rows) == len(results) == 4 and calls[-1] == (4, 4)
    assert {int(r["width"]) for r in rows} == {4, 8}
    meta = json.loads((tmp_path / module.META_FILE).read_text())
    assert meta["seed"] == 0 and len(meta["wall_seconds_per_run"]) == 4


def test_committed_study_loss_falls_with_size_and_data():
    runs = datasets.load("lab_tinylm_runs")
    loss = {(w, d): value for w, d, value in zip(runs["width"], runs["tokens"], runs["held_out_loss"])}
    widths, tokens = sorted({w for w, _ in loss}), sorted({d for _, d in loss})
    assert all(loss[(w, tokens[-1])] < loss[(w, tokens[0])] for w in widths)
    assert all(loss[(widths[-1], d)] < loss[(widths[0], d)] for d in tokens)


def test_committed_study_follows_a_chinchilla_law_and_predicts_its_largest_runs():
    from helpers import fitting
    runs = datasets.load("lab_tinylm_runs")
    N, D, loss = runs["params"], runs["tokens"], runs["held_out_loss"]
    fit = fitting.fit_chinchilla(N, D, loss)
    residuals = np.log(loss / fit.law.loss(N, D))
    assert np.sqrt(np.mean(residuals ** 2)) < 0.02
    # Fit on all but the three largest-compute runs, predict those within 3% (the design was changed
    # until this passed, as notebook 09 says; its fresh prediction is the independent test).
    order = np.argsort(runs["flops"])
    held_back, used = order[-3:], order[:-3]
    partial = fitting.fit_chinchilla(N[used], D[used], loss[used])
    errors = partial.law.loss(N[held_back], D[held_back]) / loss[held_back] - 1
    assert np.all(np.abs(errors) < 0.03), errors


def test_study_script_records_a_prediction_before_training_it(tmp_path):
    script = Path(datasets.DATA_DIR) / "run_lab_study.py"
    module = load_script(script)
    with pytest.raises(ValueError, match="already in the grid"):
        module.predict_fresh(tmp_path, 72, 120000)
    predicted = module.predict_fresh(tmp_path, 4, 1000)
    row = next(csv.DictReader((tmp_path / module.FRESH_FILE).open()))
    assert row["held_out_loss"] == "" and float(row["predicted_held_out_loss"]) == pytest.approx(predicted, abs=1e-5)
    assert int(row["tokens"]) == 960  # whole batches of 64
    result = module.train_fresh(tmp_path)
    row = next(csv.DictReader((tmp_path / module.FRESH_FILE).open()))
    assert float(row["held_out_loss"]) == pytest.approx(result.held_out_loss, abs=1e-5)
    with pytest.raises(ValueError, match="already holds a trained run"):
        module.train_fresh(tmp_path)
