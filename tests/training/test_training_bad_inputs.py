"""The training loop, the language-model metrics, F1 and BLEU walked with the inputs a student gets wrong.

Non-finite weights stop training with the step and the parameters named; a loss_fn that returns a
float, batches of the wrong kind, an optimizer of another model and bad counts are clear errors.
"""
import math

import numpy as np
import pytest
import torch

import rnnlab.training.loop as loop
from rnnlab.checks import TokenIdError
from rnnlab.training.bleu import corpus_bleu, corpus_chrf, exact_match
from rnnlab.training.loop import TrainingDiverged, train
from rnnlab.training.metrics import (accuracy, bigram_probs, bits_per_char, confusion_matrix, macro_f1, per_class_prf,
                                     perplexity, unigram_nll, unigram_probs)

G = torch.Generator().manual_seed(0)
X, Y = torch.randn(8, 3, generator=G), torch.randn(8, 1, generator=G)


def mse(model, batch):
    x, y = batch
    return torch.nn.functional.mse_loss(model(x), y)


class BreaksAt(torch.optim.SGD):
    """SGD whose ``at``-th step writes inf into one weight, the loss and gradient finite all along."""

    def __init__(self, params, at: int):
        super().__init__(params, lr=0.01)
        self.at, self.calls = at, 0

    @torch.no_grad()
    def step(self, closure=None):
        super().step(closure)
        self.calls += 1
        if self.calls == self.at:
            self.param_groups[0]["params"][0][0, 0] = math.inf


def _train(model=None, **kwargs):
    model = model if model is not None else torch.nn.Linear(3, 1)
    args = {"batches": [(X, Y)], "loss_fn": mse, "steps": 3, "progress": False, **kwargs}
    if "optimizer" not in args:
        args["optimizer"] = torch.optim.SGD(model.parameters(), lr=0.1)
    return train(model, args.pop("batches"), args.pop("loss_fn"), **args)


def test_the_last_step_leaving_non_finite_weights_stops_training(raises_naming):
    model = torch.nn.Linear(3, 1)
    with raises_naming(TrainingDiverged, "after step 3", "'weight'", "non-finite", "learning rate"):
        _train(model, optimizer=BreaksAt(model.parameters(), at=3), steps=3)


def test_an_earlier_step_is_named_as_the_one_that_broke_the_weights(raises_naming):
    model = torch.nn.Linear(3, 1)
    with raises_naming(TrainingDiverged, "at step 3", "the loss is", "'weight'", "optimizer step of step 2"):
        _train(model, optimizer=BreaksAt(model.parameters(), at=2), steps=10)


def test_weights_broken_before_training_are_named(raises_naming):
    model = torch.nn.Linear(3, 1)
    with torch.no_grad():
        model.bias.fill_(math.nan)
    with raises_naming(TrainingDiverged, "step 1", "'bias'", "initialisation or loading"):
        _train(model)


def test_a_broken_model_is_never_evaluated():
    model = torch.nn.Linear(3, 1)
    seen = []
    with pytest.raises(TrainingDiverged, match="after step 2"):
        _train(model, optimizer=BreaksAt(model.parameters(), at=2), steps=5, evaluate=seen.append, eval_every=2)
    assert seen == []


@pytest.mark.parametrize("steps, eval_every, checks", [(50, 0, 1), (50, 10, 5), (7, 0, 1), (9, 4, 3)])
def test_weights_are_checked_at_evaluations_and_the_end_only(monkeypatch, steps, eval_every, checks):
    """Not every step: a pass over the weights at the end (and before each evaluate) keeps training as fast."""
    calls = []
    original = loop._nonfinite_weights
    monkeypatch.setattr(loop, "_nonfinite_weights", lambda model: calls.append(1) or original(model))
    evaluate = (lambda m: {}) if eval_every else None
    _train(steps=steps, eval_every=eval_every, evaluate=evaluate)
    assert len(calls) == checks


def _gen():
    yield (X, Y)
    yield (X, Y)


@pytest.mark.parametrize("kwargs, error, parts", [
    ({"loss_fn": lambda m, b: 0.5}, TypeError, ("loss_fn", "float", "not loss.item()")),
    ({"loss_fn": lambda m, b: mse(m, b).item()}, TypeError, ("loss_fn", "float", "step 1")),
    ({"loss_fn": lambda m, b: None}, TypeError, ("loss_fn", "NoneType")),
    ({"loss_fn": lambda m, b: m(b[0])}, ValueError, ("scalar tensor", "(8, 1)", "loss.mean()")),
    ({"loss_fn": lambda m, b: mse(m, b).detach()}, ValueError, ("no gradient", "requires_grad=False")),
    ({"loss_fn": "mse"}, TypeError, ("loss_fn", "str")),
    ({"steps": 0}, ValueError, ("steps", "positive int", "got 0")),
    ({"steps": -5}, ValueError, ("steps", "got -5")),
    ({"steps": True}, TypeError, ("steps", "True")),
    ({"steps": 2.0}, TypeError, ("steps", "2.0")),
    ({"clip": -1.0}, ValueError, ("clip", "positive number or None", "got -1.0")),
    ({"clip": "x"}, TypeError, ("clip", "'x'")),
    ({"clip": True}, TypeError, ("clip", "True")),
    ({"log_every": 1.5}, TypeError, ("log_every", "1.5")),
    ({"log_every": 0}, ValueError, ("log_every", "0")),
    ({"eval_every": -1, "evaluate": lambda m: {}}, ValueError, ("eval_every", "-1")),
    ({"evaluate": "accuracy"}, TypeError, ("evaluate", "str")),
    ({"progress": "yes"}, TypeError, ("progress", "'yes'")),
    ({"batches": "abc"}, TypeError, ("batches", "str", "one character per batch")),
    ({"batches": (X, Y)}, TypeError, ("batches", "tuple", "[(x, y)]")),
    ({"batches": X}, TypeError, ("batches", "Tensor", "(8, 3)", "[x]")),
    ({"batches": {"x": X, "y": Y}}, TypeError, ("batches", "dict", "[batch]")),
    ({"batches": 3}, TypeError, ("batches", "iterable of batches or a callable", "int")),
    ({"batches": []}, ValueError, ("batches is empty",)),
    ({"batches": _gen()}, ValueError, ("batches ran out after 2", "step 3", "generator")),
    ({"optimizer": 0.1}, TypeError, ("optimizer", "float", "torch.optim.Adam(model.parameters()")),
    ({"optimizer": torch.optim.SGD(torch.nn.Linear(3, 1).parameters(), lr=0.1)}, ValueError,
     ("optimizer", "none of the model's 2 trainable parameters")),
])
def test_train_bad_arguments(raises_naming, kwargs, error, parts):
    with raises_naming(error, *parts):
        _train(**kwargs)


def test_train_refuses_a_model_that_is_not_one(raises_naming):
    weight = torch.zeros(1, requires_grad=True)
    with raises_naming(TypeError, "model", "torch.nn.Module", "str"):
        _train("net", optimizer=torch.optim.SGD([weight], lr=0.1))
    frozen = torch.nn.Linear(3, 1).requires_grad_(False)
    with raises_naming(ValueError, "no trainable parameters"):
        _train(frozen, optimizer=torch.optim.SGD([weight], lr=0.1))


def test_train_takes_numpy_counts_and_an_optimizer_with_extra_parameters():
    model = torch.nn.Linear(3, 1)
    extra = torch.zeros(1, requires_grad=True)            # e.g. a learned loss weight outside the model
    opt = torch.optim.SGD([*model.parameters(), extra], lr=0.1)
    log = _train(model, optimizer=opt, steps=np.int64(4), log_every=np.int64(2), clip=np.float32(1.0))
    assert log.steps == [2, 4]


# ---- metrics ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, parts", [
    (lambda: perplexity("2.3"), TypeError, ("mean_nll", "str")),
    (lambda: perplexity(-1.0), ValueError, ("mean_nll", ">= 0", "-1.0", "negate")),
    (lambda: perplexity(float("nan")), ValueError, ("mean_nll", "nan", "diverged")),
    (lambda: bits_per_char(True), TypeError, ("mean_nll", "True")),
    (lambda: unigram_nll([0, 1], [0, 1, 5], 3), TokenIdError, ("test_ids", "got 5", "position 2", "3 tokens")),
    (lambda: unigram_nll([0, -1], [0, 1], 3), TokenIdError, ("train_ids", "got -1", "position 1")),
    (lambda: unigram_probs([0, 1], 2.0), TypeError, ("vocab_size", "2.0")),
    (lambda: unigram_probs([0, 1], True), TypeError, ("vocab_size", "True")),
    (lambda: unigram_probs([0, 1], 0), ValueError, ("vocab_size", "got 0")),
    (lambda: unigram_probs("abc", 3), TypeError, ("train_ids", "str", "vocab.encode")),
    (lambda: unigram_probs([0.0, 1.5], 3), TypeError, ("train_ids", "float64")),
    (lambda: unigram_probs([[0, 1]], 3), ValueError, ("train_ids", "1-D", "(1, 2)")),
    (lambda: unigram_probs([], 3), ValueError, ("train_ids", "at least 1", "got 0")),
    (lambda: bigram_probs([0, 1], 2, alpha="x"), TypeError, ("alpha", "'x'")),
    (lambda: bigram_probs([0, 1], 2, alpha=float("inf")), ValueError, ("alpha", "inf")),
    (lambda: accuracy([], []), ValueError, ("accuracy", "non-zero length", "0 and 0")),
    (lambda: accuracy([0, 1], [0]), ValueError, ("accuracy", "2 and 1")),
    (lambda: accuracy("ab", "ab"), TypeError, ("gold", "str")),
    (lambda: accuracy(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=torch.long)), ValueError,
     ("gold", "1-D", "(2, 3)")),
    (lambda: accuracy([0.0, 1.0], [0, 1]), TypeError, ("gold", "integer", "float64")),
    (lambda: macro_f1([0, 1, 4], [0, 1, 1], 3), ValueError, ("gold", "got 4", "position 2", "n_classes = 3")),
    (lambda: macro_f1([0, 1], [0, 7], 3), ValueError, ("pred", "got 7", "position 1")),
    (lambda: per_class_prf([0, -100], [0, 1], 2), ValueError, ("gold", "-100", "leave them out")),
    (lambda: macro_f1([0, 0], [0, 0], True), TypeError, ("n_classes", "True")),
    (lambda: macro_f1([0, 1], [0, 1], 3.0), TypeError, ("n_classes", "3.0")),
    (lambda: macro_f1([0, 1], [0, 1], 0), ValueError, ("n_classes", "got 0")),
    (lambda: confusion_matrix(["a"], ["b"], 2), TypeError, ("gold", "<U1")),
    (lambda: confusion_matrix([0, 1], [0], 2), ValueError, ("gold and pred", "2 and 1")),
    (lambda: confusion_matrix(None, [0], 2), TypeError, ("gold", "None")),
])
def test_metrics_bad_inputs(raises_naming, call, error, parts):
    with raises_naming(error, *parts):
        call()


def test_metrics_take_tensors_numpy_scalars_and_overflow_to_inf():
    assert perplexity(torch.tensor(math.log(5.0))) == pytest.approx(5.0)
    assert perplexity(np.float32(0.0)) == 1.0 and perplexity(1000.0) == math.inf and perplexity(math.inf) == math.inf
    assert unigram_probs(torch.tensor([0, 0, 1]), np.int64(3)) == pytest.approx([3 / 6, 2 / 6, 1 / 6])
    assert macro_f1(torch.tensor([0, 1]), np.array([0, 1]), np.int64(2)) == 1.0


# ---- BLEU ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [exact_match, corpus_bleu, corpus_chrf])
@pytest.mark.parametrize("hyps, refs, error, parts", [
    ("abc", "abd", TypeError, ("hypotheses", "one str", "['abc']")),   # list("abc") would score 3 pairs of chars
    ("abc", ["abc"], TypeError, ("hypotheses", "one str")),
    (["abc"], "abc", TypeError, ("references", "one str")),
    (None, ["a"], TypeError, ("hypotheses", "NoneType")),
    ([torch.tensor([3, 4])], ["ab"], TypeError, ("hypotheses", "Tensor", "index 0", "vocab.decode")),
    (["ab"], [["ab", "ac"]], TypeError, ("references", "list", "one reference per hypothesis")),
    (["a", 5], ["a", "b"], TypeError, ("hypotheses", "int", "index 1")),
    ([], [], ValueError, ("at least one pair",)),
    (["a", "b"], ["a"], ValueError, ("as many hypotheses as references", "2 and 1")),
])
def test_bleu_bad_inputs(raises_naming, fn, hyps, refs, error, parts):
    with raises_naming(error, fn.__name__, *parts):
        fn(hyps, refs)


def test_bleu_takes_any_iterable_of_strings():
    assert exact_match(("ab", "cd"), iter(["ab", "ce"])) == 0.5
    assert corpus_bleu(("2023-03-07",), ["2023-03-07"]) == pytest.approx(100.0)
