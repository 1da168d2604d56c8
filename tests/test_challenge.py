"""The budget challenge's ledger and rules (helpers.challenge), on real but tiny training runs."""
import dataclasses

import numpy as np
import pytest

from helpers import challenge, corpus, laws, tinylm

WIDE = 10_000  # a screening budget far beyond what the tiny runs below spend


@pytest.fixture(scope="module")
def text():
    """The first 60,000 training bytes and 3,000 held-out bytes: runs of a few hundred steps take milliseconds."""
    full = corpus.load_corpus()
    return corpus.Corpus(train=full.train[:60_000].copy(), held_out=full.held_out[:3_000].copy(), source="test slice")


def flops(width, tokens):
    return 6.0 * tinylm.parameter_count(width) * (tokens // tinylm.BATCH * tinylm.BATCH)


def ledger_for(text, budget_runs=WIDE, target=None):
    """A ledger whose budget pays ``budget_runs`` runs of width 2 on 1,280 tokens; a screening run may use up to
    6,400 tokens at width 4, and the final run about 31,000 at width 16."""
    target = target or challenge.TARGET_FACTOR * flops(4, 6_400)
    return challenge.Ledger(text, budget=budget_runs * flops(2, 1_280), target=target)


def snapshot(ledger):
    return (ledger.spent, ledger.remaining, list(ledger.results), ledger.cache_hits, ledger.commitment,
            ledger.final_result)


class Interrupt:
    """A progress callback that stops the run part-way, as Jupyter's stop button does."""

    def __init__(self):
        self.calls = 0

    def __call__(self, fraction):
        self.calls += 1
        if fraction > 0.3:
            raise KeyboardInterrupt


def test_a_screening_run_is_trained_and_charged_six_n_d(text):
    ledger = ledger_for(text)
    run = ledger.screen(4, 2_000)
    assert run.D == 1_984 and run.width == 4  # rounded down to whole batches of 64
    assert ledger.spent == flops(4, 2_000) == run.flops
    assert ledger.remaining == pytest.approx(ledger.budget - run.flops)
    assert ledger.results == [run]
    assert np.isfinite(run.held_out_loss) and run.held_out_loss < np.log(256)


def test_the_same_configuration_again_is_free_and_returns_the_same_result(text, monkeypatch):
    ledger = ledger_for(text)
    first = ledger.screen(4, 2_000)
    spent = ledger.spent

    def no_training(*args, **kwargs):
        raise AssertionError("a cached configuration must not be trained again")

    monkeypatch.setattr(tinylm, "train_run", no_training)
    assert ledger.screen(4, 2_000) is first
    assert ledger.screen(4, 1_990) is first  # 1,990 tokens train the same 31 batches
    assert ledger.spent == spent and ledger.cache_hits == 2 and len(ledger.results) == 1


def test_a_cached_result_is_what_training_again_would_give(text):
    first = ledger_for(text).screen(4, 2_000)
    again = ledger_for(text).screen(4, 2_000)
    assert again == first  # seeded: the cache returns what a rerun would measure


def test_another_seed_is_another_configuration_and_is_charged(text):
    ledger = ledger_for(text)
    a = ledger.screen(4, 2_000)
    b = ledger.screen(4, 2_000, seed=1)
    assert ledger.spent == 2 * flops(4, 2_000)
    assert a.held_out_loss != b.held_out_loss


def test_a_run_over_the_remaining_budget_is_refused_before_it_starts(text, monkeypatch):
    ledger = ledger_for(text, budget_runs=3)
    ledger.screen(2, 1_280)
    before = snapshot(ledger)
    monkeypatch.setattr(tinylm, "train_run", lambda *a, **k: pytest.fail("an overspending run was trained"))
    with pytest.raises(ValueError) as caught:
        ledger.screen(2, 3 * 1_280)
    message = str(caught.value)
    assert "tokens=3,840" in message and f"only {ledger.remaining:.3g} FLOP of the budget remain" in message
    assert snapshot(ledger) == before


def test_the_budget_can_be_spent_exactly(text):
    ledger = ledger_for(text, budget_runs=2)
    ledger.screen(2, 1_280)
    ledger.screen(2, 1_280, seed=1)
    assert ledger.remaining == 0
    with pytest.raises(ValueError, match="only 0 FLOP of the budget remain"):
        ledger.screen(2, 1_280, seed=2)


def test_a_screening_run_may_use_at_most_a_tenth_of_the_target(text):
    ledger = ledger_for(text)
    cap_tokens = int(ledger.per_run_cap / (6 * tinylm.parameter_count(4)))
    ledger.screen(4, cap_tokens)  # exactly at the cap (rounded down to batches): allowed
    with pytest.raises(ValueError, match="more than a screening run may"):
        ledger.screen(4, cap_tokens + tinylm.BATCH)
    assert ledger.per_run_cap == ledger.target / challenge.TARGET_FACTOR


def test_an_interrupted_screening_run_is_not_charged_and_can_be_run_again(text):
    ledger = ledger_for(text)
    ledger.screen(2, 1_280)
    before = snapshot(ledger)
    stop = Interrupt()
    with pytest.raises(KeyboardInterrupt):
        ledger.screen(4, 6_400, progress=stop)
    assert stop.calls >= 2  # it was really running
    assert snapshot(ledger) == before
    run = ledger.screen(4, 6_400)  # charged exactly once, when it finishes
    assert ledger.spent == before[0] + run.flops and ledger.results[-1] is run


def test_the_final_run_is_refused_before_a_commitment(text):
    ledger = ledger_for(text)
    with pytest.raises(RuntimeError, match="commit a prediction first"):
        ledger.final()
    assert ledger.final_result is None


def final_request(ledger, width=16):
    low, high = ledger.final_tokens(width)
    return width, high


def test_commit_then_final_trains_exactly_the_committed_run(text):
    ledger = ledger_for(text)
    ledger.screen(2, 1_280)
    width, tokens = final_request(ledger)
    commitment = ledger.commit(width, tokens, 2.5)
    assert (commitment.width, commitment.N, commitment.loss, commitment.screened) == \
        (16, tinylm.parameter_count(16), 2.5, 1)
    assert challenge.FINAL_SHARE * ledger.target <= commitment.flops <= ledger.target
    assert commitment.flops >= challenge.TARGET_FACTOR * max(r.flops for r in ledger.results)
    final = ledger.final()
    assert (final.width, final.D, final.flops) == (commitment.width, commitment.tokens, commitment.flops)
    assert ledger.final() is final  # asked again: the stored result
    assert ledger.spent == flops(2, 1_280)  # the final run is not charged to the screening budget


def test_a_commitment_cannot_be_changed_and_closes_screening(text):
    ledger = ledger_for(text)
    run = ledger.screen(2, 1_280)
    width, tokens = final_request(ledger)
    commitment = ledger.commit(width, tokens, 2.5)
    assert ledger.commit(width, tokens, 2.5) is commitment  # rerunning the cell is harmless
    with pytest.raises(RuntimeError, match="already committed"):
        ledger.commit(width, tokens, 2.4)
    with pytest.raises(RuntimeError, match="screening is over"):
        ledger.screen(2, 1_280, seed=5)
    assert ledger.screen(2, 1_280) is run  # looking up a run already paid for is still allowed
    assert ledger.commitment is commitment


def test_commit_refuses_a_final_run_off_the_target(text):
    ledger = ledger_for(text)
    low, high = ledger.final_tokens(16)
    assert high < ledger.max_tokens
    for tokens in (low - tinylm.BATCH, high + tinylm.BATCH):
        with pytest.raises(ValueError, match=f"for width=16 that is {low:,} to {high:,} tokens"):
            ledger.commit(16, tokens, 2.5)
    ledger.commit(16, low + tinylm.BATCH, 2.5)  # inside the range: accepted


def test_commit_names_a_width_too_small_for_the_target_within_the_corpus(text):
    ledger = ledger_for(text)
    assert ledger.final_tokens(2)[0] > ledger.max_tokens
    with pytest.raises(ValueError, match="width=2 is too small for the target"):
        ledger.commit(2, ledger.max_tokens, 2.5)


def test_an_interrupted_final_run_leaves_the_commitment_and_can_be_run_again(text):
    ledger = ledger_for(text)
    commitment = ledger.commit(*final_request(ledger), 2.5)
    with pytest.raises(KeyboardInterrupt):
        ledger.final(progress=Interrupt())
    assert ledger.final_result is None and ledger.commitment is commitment
    with pytest.raises(RuntimeError, match="not been trained yet"):
        ledger.score(laws.HOFFMANN_ROUNDED)
    assert ledger.final().D == commitment.tokens


def test_the_score_compares_the_commitment_and_the_reference_with_the_measured_loss(text):
    ledger = ledger_for(text)
    width, tokens = final_request(ledger)
    commitment = ledger.commit(width, tokens, 2.5)
    final = ledger.final()
    reference = laws.ChinchillaLaw(E=1.0, A=20.0, B=50.0, alpha=0.4, beta=0.4)
    score = ledger.score(reference)
    assert score.predicted == 2.5 and score.measured == final.held_out_loss
    assert score.reference == pytest.approx(1.0 + 20.0 / commitment.N ** 0.4 + 50.0 / commitment.tokens ** 0.4)
    assert score.error == pytest.approx(2.5 / final.held_out_loss - 1)
    assert score.within(abs(score.error) * 1.001) and not score.within(abs(score.error) * 0.999)
    with pytest.raises(TypeError, match="reference_law must be a laws.ChinchillaLaw"):
        ledger.score("the course's law")


def test_score_arithmetic():
    score = challenge.Score(predicted=2.06, measured=2.0, reference=1.98)
    assert score.error == pytest.approx(0.03) and score.reference_error == pytest.approx(-0.01)
    assert not score.beat_reference and score.within(0.0301) and not score.within(0.029)
    assert challenge.Score(predicted=1.99, measured=2.0, reference=2.1).beat_reference
    with pytest.raises(ValueError, match="tolerance must be positive"):
        score.within(0)


def result(width, flops, loss):
    n = tinylm.parameter_count(width)
    return tinylm.RunResult(width=width, N=n, D=int(flops / (6 * n)), flops=flops, train_loss=loss,
                            held_out_loss=loss)


def test_an_optimum_inside_the_screened_widths_is_not_flagged_and_one_at_the_edge_is():
    runs = [result(8, 1.0e9, 2.7), result(24, 1.05e9, 2.6), result(72, 0.98e9, 2.8),   # best inside
            result(8, 1.0e10, 2.3), result(24, 1.1e10, 2.2), result(72, 1.0e10, 2.1)]  # best at the widest
    low, high = challenge.isoflop_slices(runs)
    assert low.widths == (8, 24, 72) and low.best.width == 24 and not low.at_edge
    assert high.widths == (8, 24, 72) and high.best.width == 72 and high.at_edge
    assert low.flops == pytest.approx((1.0e9 * 1.05e9 * 0.98e9) ** (1 / 3))
    narrowest = challenge.isoflop_slices([result(8, 3e9, 2.3), result(24, 3e9, 2.4), result(72, 3e9, 2.5)])
    assert narrowest[0].at_edge and narrowest[0].best.width == 8


def test_an_edge_width_that_wins_by_less_than_the_tie_is_not_flagged():
    runs = [result(8, 1e10, 2.30), result(24, 1e10, 2.2099), result(72, 1e10, 2.20)]
    (tied,) = challenge.isoflop_slices(runs)  # 72 is best, but 24 is within 1%: a minimum may lie between
    assert tied.best.width == 72 and tied.contenders == (24, 72) and not tied.at_edge
    (strict,) = challenge.isoflop_slices(runs, tie=0.0)
    assert strict.contenders == (72,) and strict.at_edge
    (clear,) = challenge.isoflop_slices([result(8, 1e10, 2.30), result(24, 1e10, 2.2221), result(72, 1e10, 2.20)])
    assert clear.contenders == (72,) and clear.at_edge
    with pytest.raises(ValueError, match="tie must be non-negative"):
        challenge.isoflop_slices(runs, tie=-0.01)


def test_slices_group_by_compute_and_leave_out_single_widths():
    runs = [result(8, 1e9, 2.7), result(24, 1.2e9, 2.6),   # within 1.3x: one slice
            result(72, 2e9, 2.5),                          # alone: no slice
            result(8, 1e10, 2.3), result(8, 1.1e10, 2.25)]  # one width only: no slice
    slices = challenge.isoflop_slices(runs)
    assert [s.widths for s in slices] == [(8, 24)]
    assert slices[0].at_edge  # with two widths the best is always at an edge: no minimum is shown
    assert challenge.isoflop_slices(runs, spread=2.5)[0].widths == (8, 24, 72)
    with pytest.raises(ValueError, match="spread must be larger than 1"):
        challenge.isoflop_slices(runs, spread=1.0)


def test_the_ledger_flags_its_own_slices(text):
    ledger = ledger_for(text)
    for width in (2, 4, 8):
        ledger.screen(width, int(flops(2, 5_120) / (6 * tinylm.parameter_count(width))))
    (only,) = ledger.slices()
    assert only.widths == (2, 4, 8)
    assert only.at_edge == (only.best.width in (2, 8))


GOOD_PLAN = [(w, int(c / (6 * tinylm.parameter_count(w)))) for c in (1e9, 3e9, 1e10) for w in (8, 24, 72)]


def test_a_sound_plan_has_no_problems():
    assert challenge.plan_problems(GOOD_PLAN, budget=5e10, target=1e11, max_tokens=419_638) == []


@pytest.mark.parametrize("plan, budget, words", [
    (GOOD_PLAN, 3e10, "more than the budget"),
    (GOOD_PLAN, 1e11, "only 42% of the budget"),
    ([(w, d) for w in (8, 24, 72) for d in (10_000, 20_000, 40_000)], 3e10, "no IsoFLOP slice has 3 widths"),
    ([(8, 30_000), (8, 60_000), (24, 30_000), (24, 60_000), (8, 100_000)], 6e9, "3 widths and 3 token counts"),
    ([*GOOD_PLAN, (72, 100_000)], 7e10, "more than a tenth of the target"),
    ([*GOOD_PLAN, (8, 500_000)], 5e10, "tokens must be at most the 419,638"),
    ([*GOOD_PLAN, (0, 10_000)], 5e10, "width must be at least 1"),
    ([*GOOD_PLAN, (8, 10_000, 3)], 5e10, "is not a (width, tokens) pair"),
])
def test_plan_problems_are_named(plan, budget, words):
    problems = challenge.plan_problems(plan, budget=budget, target=1e11, max_tokens=419_638)
    assert any(words in p for p in problems), problems


def test_plan_review_counts_a_repeated_run_once():
    assert challenge.plan_problems(GOOD_PLAN + GOOD_PLAN[:3], budget=5e10, target=1e11, max_tokens=419_638) == []


def test_run_config_is_what_the_ledger_charges():
    config = challenge.run_config(24, 70_000, max_tokens=419_638)
    assert config == challenge.RunConfig(width=24, tokens=69_952, seed=0, N=10_008, flops=6.0 * 10_008 * 69_952)
    assert dataclasses.replace(config, seed=1) != config
