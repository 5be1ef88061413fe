"""RNN vs LSTM vs GRU on the adding problem and the copy task, at equal parameter counts (notebook 04).

The races run on ``torch.nn.RNN``, ``LSTM`` and ``GRU``: the course's fastest correct path
(notebooks 01 and 04 check ``rnnlab.nn``'s layers equal to them), a few times faster on a CPU at
``T = 100``. Every contender has about the same number of parameters (:func:`equal_sizes`), the
course init (orthogonal ``W_hh``, LSTM forget bias 1), Adam, gradient clipping at 1 and the same
steps and batches; :mod:`rnnlab.experiments.fair` tunes the learning rate and repeats the seeds::

    run = adding_run(T=100, steps=1000)
    results = fair.compare(["RNN", "LSTM", "GRU"], run, lrs=[1e-3, 3e-3, 1e-2], seeds=[0, 1, 2])
"""
from __future__ import annotations

import torch

from rnnlab.checks import check_int
from rnnlab.course.runtime import get_device, seed_everything
from rnnlab.models import long_range
from rnnlab.models.sizes import nearest_size
from rnnlab.nn.init import course_init_
from rnnlab.tasks import adding as addp, copy as copyp
from rnnlab.training.loop import train

#: The contenders: torch's layers, one gate block (RNN), four (LSTM), three (GRU).
CELLS = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}
_BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3}


def layer_params(name: str, input_size: int, hidden: int) -> int:
    """Parameters of one torch layer: ``G (H D + H^2 + 2H)`` for ``G`` gate blocks."""
    return _BLOCKS[name] * (hidden * input_size + hidden * hidden + 2 * hidden)


def equal_sizes(lstm_hidden: int, input_size: int) -> dict:
    """Hidden sizes that give RNN and GRU layers about the parameters of an LSTM of ``lstm_hidden``.

    Returns ``{"RNN": H, "LSTM": lstm_hidden, "GRU": H}``; each ``H`` is the size whose layer
    comes closest to the LSTM layer's count (within one unit's worth).
    """
    lstm_hidden = check_int("lstm_hidden", lstm_hidden, 1, expected="a positive int", fn="equal_sizes")
    target = layer_params("LSTM", input_size, lstm_hidden)
    return {name: nearest_size(lambda h, name=name: layer_params(name, input_size, h), target) for name in CELLS}


def _fit(model, batches, loss_fn, lr, steps, seed, desc):
    course_init_(model.rnn)
    train(model, batches, loss_fn, optimizer=torch.optim.Adam(model.parameters(), lr=lr), steps=steps,
          clip=1.0, seed=seed, desc=desc, device=get_device())
    return model


def adding_run(T: int, steps: int, batch: int = 64, lstm_hidden: int = 32, n_test: int = 1000):
    """``run(name, lr, seed) -> (test MSE, parameters, validation MSE)`` for :func:`rnnlab.experiments.fair.compare`.

    Trains a :class:`~rnnlab.models.long_range.LastStateRegressor` on fresh batches of the adding
    problem at length ``T`` and scores it on ``n_test`` held-out sequences, and on as many others
    for validation (the same for all runs; the learning-rate grid chooses by these).
    """
    sizes = equal_sizes(lstm_hidden, input_size=2)
    x_test, y_test = addp.adding_problem(n_test, T, generator=torch.Generator().manual_seed(3))
    x_valid, y_valid = addp.adding_problem(n_test, T, generator=torch.Generator().manual_seed(4))

    def run(name: str, lr: float, seed: int):
        seed_everything(seed)
        model = long_range.LastStateRegressor(CELLS[name], input_size=2, hidden_size=sizes[name])
        data = torch.Generator().manual_seed(1000 + seed)
        _fit(model, lambda step: addp.adding_problem(batch, T, generator=data), long_range.adding_loss,
             lr, steps, seed, f"adding {name}, T = {T}, lr {lr:g}, seed {seed}")
        params = sum(p.numel() for p in model.parameters())
        return (long_range.adding_mse(model, x_test, y_test), params,
                long_range.adding_mse(model, x_valid, y_valid))

    return run


def copy_run(T: int, steps: int, batch: int = 64, lstm_hidden: int = 64, n_symbols: int = 8, length: int = 10,
             n_test: int = 1000):
    """``run(name, lr, seed) -> (test score, parameters, validation score)``.

    Trains a :class:`~rnnlab.models.long_range.SequenceTagger` on fresh batches of the copy task
    (``length`` symbols of ``n_symbols``, ``T`` blanks) and scores it on ``n_test`` held-out
    sequences, and on as many others for validation. The score is the cross-entropy per step divided by the memoryless baseline
    ``length ln(n_symbols) / (T + 2 length)``: 1 is no memory at all, 0 a perfect copy.
    """
    sizes = equal_sizes(lstm_hidden, input_size=n_symbols + 2)
    x_test, y_test = copyp.copy_task(n_test, T, n_symbols, length, generator=torch.Generator().manual_seed(3))
    x_valid, y_valid = copyp.copy_task(n_test, T, n_symbols, length, generator=torch.Generator().manual_seed(4))
    baseline = copyp.copy_baseline(T, n_symbols, length)

    def run(name: str, lr: float, seed: int):
        seed_everything(seed)
        model = long_range.SequenceTagger(CELLS[name], input_size=n_symbols + 2, hidden_size=sizes[name],
                                          n_classes=n_symbols + 1)
        data = torch.Generator().manual_seed(1000 + seed)
        _fit(model, lambda step: copyp.copy_task(batch, T, n_symbols, length, generator=data), long_range.copy_loss,
             lr, steps, seed, f"copy {name}, T = {T}, lr {lr:g}, seed {seed}")
        params = sum(p.numel() for p in model.parameters())
        score = lambda x, y: long_range.copy_scores(model, x, y, length=length)["ce"] / baseline
        return score(x_test, y_test), params, score(x_valid, y_valid)

    return run
