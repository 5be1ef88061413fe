"""The linear-chain CRF (rnnlab.nn.crf) against brute force: log Z and Viterbi equal the enumeration
of every one of the K^T tag sequences, with padding; gradcheck of the NLL; d log Z / d emissions =
the marginals of forward-backward; BIO constraints; bad inputs."""
import itertools

import pytest
import torch

from rnnlab.checks import LengthError
from rnnlab.data.vocab import IGNORE
from rnnlab.nn.crf import CRF, bio_constraints
from rnnlab.tasks.entities import TAGS

BIO = ["O", "B-PER", "I-PER", "B-LOC"]


def brute_force(crf, emissions, length):
    """Every tag sequence of one sentence (emissions (T, K), its first ``length`` steps) and its score."""
    start, A, end = crf.scores()
    E = emissions[:length]
    paths, scores = [], []
    for y in itertools.product(range(crf.num_tags), repeat=length):
        s = start[y[0]] + end[y[-1]] + sum(E[t, y[t]] for t in range(length))
        s = s + sum(A[y[t - 1], y[t]] for t in range(1, length))
        paths.append(y)
        scores.append(s)
    return paths, torch.stack(scores)


def _random_crf(K, constrained=False, seed=0):
    torch.manual_seed(seed)
    crf = CRF(K, constraints=bio_constraints(BIO[:K]) if constrained else None).double()
    with torch.no_grad():
        for p in crf.parameters():
            p.normal_()  # larger than the init, so that a wrong transition shows
    return crf


@pytest.mark.parametrize("K, T, constrained", [(1, 3, False), (2, 1, False), (2, 5, False), (3, 4, False),
                                               (4, 5, False), (4, 5, True), (3, 3, True)])
def test_log_partition_viterbi_and_score_equal_brute_force_with_padding(K, T, constrained):
    crf = _random_crf(K, constrained)
    g = torch.Generator().manual_seed(K * 10 + T)
    emissions = torch.randn(3, T, K, generator=g, dtype=torch.float64) * 2
    lengths = torch.tensor([T, max(1, T - 2), 1])
    log_z = crf.log_partition(emissions, lengths)
    best, best_score = crf.decode(emissions, lengths)
    for b in range(3):
        L = int(lengths[b])
        paths, scores = brute_force(crf, emissions[b], L)
        torch.testing.assert_close(log_z[b], torch.logsumexp(scores, 0))
        top = int(scores.argmax())
        assert best[b, :L].tolist() == list(paths[top])
        assert (best[b, L:] == IGNORE).all()
        torch.testing.assert_close(best_score[b], scores[top])
        # the score of a given path, and its NLL
        tags = torch.full((1, T), IGNORE)
        tags[0, :L] = torch.tensor(paths[1 % len(paths)])
        one = emissions[b:b + 1]
        torch.testing.assert_close(crf.score(one, tags, lengths[b:b + 1])[0], scores[1 % len(paths)])
        torch.testing.assert_close(crf.nll(one, tags, lengths[b:b + 1]),
                                   torch.logsumexp(scores, 0) - scores[1 % len(paths)])


def test_padding_changes_nothing():
    crf = _random_crf(3)
    e = torch.randn(1, 4, 3, dtype=torch.float64)
    padded = torch.cat([e, torch.randn(1, 3, 3, dtype=torch.float64) * 100], 1)  # junk past the length
    torch.testing.assert_close(crf.log_partition(padded, torch.tensor([4])), crf.log_partition(e))
    assert crf.decode(padded, torch.tensor([4]))[0][0, :4].tolist() == crf.decode(e)[0][0].tolist()


@pytest.mark.parametrize("constrained", [False, True])
def test_gradcheck_of_the_nll_wrt_emissions_and_transitions(constrained):
    crf = _random_crf(4, constrained, seed=1)
    emissions = torch.randn(2, 4, 4, dtype=torch.float64, requires_grad=True)
    lengths = torch.tensor([4, 2])
    tags = torch.tensor([[1, 2, 0, 3], [0, 1, IGNORE, IGNORE]])  # valid BIO under BIO's constraints

    # gradcheck perturbs the module's own parameters in place, so the lambda reads them
    assert torch.autograd.gradcheck(lambda e, start, A, end: crf.nll(e, tags, lengths, reduction="none"),
                                    (emissions, crf.start, crf.transitions, crf.end))


def test_gradient_of_log_z_is_the_marginals_and_they_match_brute_force():
    crf = _random_crf(3, seed=2)
    emissions = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    lengths = torch.tensor([4, 3])
    grad, = torch.autograd.grad(crf.log_partition(emissions, lengths).sum(), emissions)
    marg = crf.marginals(emissions, lengths)
    torch.testing.assert_close(grad, marg)
    torch.testing.assert_close(marg[1, 3], torch.zeros(3, dtype=torch.float64))  # padding
    torch.testing.assert_close(marg[0].sum(-1), torch.ones(4, dtype=torch.float64))
    paths, scores = brute_force(crf, emissions[0].detach(), 4)
    p = torch.softmax(scores, 0)
    for t in range(4):
        for k in range(3):
            want = sum(p[n] for n, y in enumerate(paths) if y[t] == k)
            torch.testing.assert_close(marg[0, t, k], want)


def test_bio_constraints_mask_and_decode_never_breaks_them():
    masks = bio_constraints(TAGS)
    i_per, b_per, o, b_loc = TAGS.index("I-PER"), TAGS.index("B-PER"), TAGS.index("O"), TAGS.index("B-LOC")
    assert masks["start"][i_per] and not masks["start"][b_per]
    assert masks["transitions"][o, i_per] and masks["transitions"][b_loc, i_per]
    assert not masks["transitions"][b_per, i_per] and not masks["transitions"][i_per, i_per]
    assert int(masks["transitions"].sum()) == 4 * (len(TAGS) - 2)  # each I-X: every tag but B-X, I-X
    torch.manual_seed(0)
    crf = CRF(len(TAGS), constraints=masks)
    emissions = torch.randn(50, 6, len(TAGS)) * 3
    emissions[..., [TAGS.index(t) for t in TAGS if t.startswith("I-")]] += 3  # tempt it with I- tags
    best, _ = crf.decode(emissions)
    bad = masks["start"][best[:, 0]].any() or masks["transitions"][best[:, :-1], best[:, 1:]].any()
    assert not bad
    free, _ = CRF(len(TAGS)).decode(emissions)
    assert masks["transitions"][free[:, :-1], free[:, 1:]].any()  # unconstrained, it does break them


def test_nll_of_a_forbidden_gold_sequence_says_where():
    crf = CRF(4, constraints=bio_constraints(BIO), tag_names=BIO)
    with pytest.raises(ValueError, match=r"sequence 0 steps from 'O' to 'I-PER' at position 1"):
        crf.nll(torch.zeros(1, 3, 4), torch.tensor([[0, 2, 0]]))
    with pytest.raises(ValueError, match=r"starts with 'I-PER'"):
        crf.nll(torch.zeros(1, 3, 4), torch.tensor([[2, 2, 0]]))


def test_the_crf_adds_k_squared_plus_2k_parameters():
    assert sum(p.numel() for p in CRF(9).parameters()) == 9 * 9 + 2 * 9


E = torch.zeros(2, 3, 4)
Y = torch.zeros(2, 3, dtype=torch.int64)


@pytest.mark.parametrize("call, error, match", [
    (lambda c: c.log_partition(E.numpy()), TypeError, r"emissions: expected a torch tensor .*from_numpy"),
    (lambda c: c.log_partition(E.long()), TypeError, r"emissions: expected a floating-point dtype"),
    (lambda c: c.log_partition(E[0]), ValueError, r"emissions: expected a 3-D input \(B, T, K\), got shape \(3, 4\)"),
    (lambda c: c.log_partition(torch.zeros(2, 3, 5)), ValueError, r"number of tags K = 4 along dim 2, got 5"),
    (lambda c: c.log_partition(torch.zeros(2, 0, 4)), ValueError, r"sequence length T is 0"),
    (lambda c: c.log_partition(torch.zeros(0, 3, 4)), ValueError, r"batch size B is 0"),
    (lambda c: c.log_partition(E.double()), TypeError, r"expected dtype torch.float32 .* got torch.float64"),
    (lambda c: c.decode(E, torch.tensor([3, 4])), LengthError, r"lengths: expected every length in 1..3"),
    (lambda c: c.decode(E, torch.tensor([3])), LengthError, r"one length per sequence, shape \(2,\)"),
    (lambda c: c.decode(E, [3, 3]), TypeError, r"lengths: expected a torch tensor"),
    (lambda c: c.nll(E, Y.float()), TypeError, r"tags: expected tag indices of dtype torch.int64"),
    (lambda c: c.nll(E, Y + 4), ValueError, r"tag 4 at position \(0, 0\) is outside the 4 tags"),
    (lambda c: c.nll(E, Y[:, :2]), ValueError, r"expected tags \(B, T\) = \(2, 3\) .* got \(2, 2\)"),
    (lambda c: c.nll(E, torch.tensor([[0, 0, IGNORE], [0, 0, 0]])), ValueError, r"got IGNORE .* position \(0, 2\)"),
    (lambda c: c.nll(E, Y, reduction="avg"), ValueError, r"reduction in .*'token_mean'.* got 'avg'"),
])
def test_bad_inputs_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call(CRF(4))


@pytest.mark.parametrize("make, error, match", [
    (lambda: CRF(0), ValueError, r"num_tags to be an int >= 1"),
    (lambda: CRF(4.0), TypeError, r"num_tags .* not an integer"),
    (lambda: CRF(4, constraints={"start": 1}), TypeError, r"constraints, a dict with keys"),
    (lambda: CRF(3, constraints=bio_constraints(BIO)), ValueError, r"constraints\['start'\] a bool mask of shape \(3,\)"),
    (lambda: CRF(3, tag_names=["O", "B-X"]), ValueError, r"expected 3 tag_names"),
    (lambda: bio_constraints("O B-X"), TypeError, r"a list of tag names"),
    (lambda: bio_constraints(["O", "PER"]), ValueError, r"BIO tags .* got 'PER' at index 1"),
    (lambda: bio_constraints(["O", "O"]), ValueError, r"distinct tag names"),
])
def test_bad_construction(make, error, match):
    with pytest.raises(error, match=match):
        make()
