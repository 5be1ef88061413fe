"""rnnlab.decoding.ctc_decoding: greedy (best path) and prefix beam search over CTC outputs."""
import math

import pytest
import torch

from rnnlab.decoding.ctc_decoding import ctc_beam_decode, ctc_greedy_decode, prefix_beam_search
from rnnlab.nn.ctc_loss import ctc_alpha


def _log_p(lp, labels):
    """log p(labels | x), summed over all alignments by the forward recursion."""
    target = torch.tensor([list(labels) or [1]])
    return ctc_alpha(lp[:, None].double(), target, [lp.shape[0]], [len(labels)])[1].item()


def test_greedy_takes_the_arg_max_per_frame_then_collapses():
    ids = torch.tensor([[1, 1, 0, 1, 2, 2, 0], [0, 3, 3, 0, 0, 0, 0]])
    lp = torch.nn.functional.one_hot(ids, 4).float().add(0.01).log()
    assert ctc_greedy_decode(lp, torch.tensor([7, 3])) == [[1, 1, 2], [3]]
    assert ctc_greedy_decode(lp, torch.tensor([2, 3])) == [[1], [3]]          # only up to each length


def test_the_prefix_beam_finds_a_labelling_more_probable_than_greedys():
    # Each frame: blank 0.6, "1" 0.4. Best path: blank blank, reads "" with p = 0.36. But "1" has three
    # alignments (1 1, 1 -, - 1): p = 0.16 + 0.24 + 0.24 = 0.64.
    lp = torch.tensor([[0.6, 0.4], [0.6, 0.4]]).log()
    greedy = ctc_greedy_decode(lp[None], torch.tensor([2]))[0]
    (best, score), *_ = prefix_beam_search(lp, beam_width=4)
    assert greedy == [] and list(best) == [1]
    assert math.exp(_log_p(lp, best)) == pytest.approx(0.64) and math.exp(_log_p(lp, greedy)) == pytest.approx(0.36)
    assert score == pytest.approx(math.log(0.64))


@pytest.mark.parametrize("seed", range(5))
def test_an_unpruned_wide_beam_scores_each_prefix_by_its_exact_probability(seed):
    lp = torch.randn(6, 4, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).log_softmax(1)
    beams = prefix_beam_search(lp, beam_width=10_000)
    for labels, score in beams[:10]:
        assert score == pytest.approx(_log_p(lp, labels), abs=1e-9)
    assert sum(math.exp(s) for _, s in beams) == pytest.approx(1.0)     # every alignment reads some prefix
    assert _log_p(lp, beams[0][0]) >= _log_p(lp, ctc_greedy_decode(lp[None], torch.tensor([6]))[0]) - 1e-12


@pytest.mark.parametrize("seed", range(8))
def test_beam_width_one_equals_greedy_when_every_frame_is_confident(seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, 5, (3, 15), generator=g)
    lp = (torch.nn.functional.one_hot(ids, 5) * 6.0 + torch.randn(3, 15, 5, generator=g) * 0.3).log_softmax(-1)
    assert (lp.exp().max(-1).values > 0.9).all()
    lengths = torch.tensor([15, 9, 4])
    assert ctc_beam_decode(lp, lengths, beam_width=1) == ctc_greedy_decode(lp, lengths)
    assert ctc_beam_decode(lp, lengths, beam_width=8) == ctc_greedy_decode(lp, lengths)


def test_pruning_keeps_the_answer_on_a_peaked_case():
    lp = torch.tensor([[0.05, 0.9, 0.05], [0.9, 0.05, 0.05], [0.05, 0.05, 0.9]]).log()
    assert prefix_beam_search(lp, 4, prune=math.log(0.01))[0][0] == (1, 2)
    assert prefix_beam_search(lp, 4, blank=1)[0][0] == (0, 2)


LP = torch.zeros(2, 3, 4).log_softmax(-1)


@pytest.mark.parametrize("fn, args, error, match", [
    (ctc_greedy_decode, (LP[0], torch.tensor([3])), ValueError, r"\(B, T, C\).*log_probs\[None\]"),
    (ctc_greedy_decode, (LP, torch.tensor([3, 4])), ValueError, r"every length in 1..3"),
    (ctc_greedy_decode, (LP, [3, 3]), TypeError, r"lengths: expected a torch tensor"),
    (ctc_greedy_decode, (LP.long(), torch.tensor([3, 3])), TypeError, r"floating-point"),
    (ctc_greedy_decode, (LP, torch.tensor([3, 3]), 4), ValueError, r"blank: expected an int in 0..3"),
    (prefix_beam_search, (LP,), ValueError, r"\(T, C\) of one sequence.*ctc_beam_decode"),
    (prefix_beam_search, (LP[0], 0), ValueError, r"beam_width: expected an int >= 1"),
    (prefix_beam_search, (LP[0], 2.0), TypeError, r"beam_width.*not an integer"),
    (prefix_beam_search, (LP[0], 2, 0, 0.5), ValueError, r"prune: expected a number <= 0"),
    (ctc_beam_decode, (LP, torch.tensor([3])), ValueError, r"shape \(2,\)"),
])
def test_bad_inputs_are_named(fn, args, error, match):
    with pytest.raises(error, match=match):
        fn(*args)
