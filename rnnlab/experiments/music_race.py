"""tanh RNN vs GRU vs LSTM on Bach chorales at equal parameter counts (notebook 15).

Every contender is a :class:`~rnnlab.models.music_rnn.PianoRollRNN` sized to the LSTM's parameter
count, head included (:func:`~rnnlab.models.music_rnn.matched_hidden_size`), and trains the same
steps on the same batches (``batch`` whole chorales drawn at random, padded, loss masked) with Adam
and gradient clipping at 1; :mod:`rnnlab.experiments.fair` tunes the learning rate by validation
NLL and repeats the seeds::

    run = music_run(train_rolls, valid_rolls, test_rolls, steps=1500)
    race = fair.compare(["tanh", "GRU", "LSTM"], run, lrs=[1e-3, 3e-3, 1e-2], seeds=[0, 1, 2])
"""
from __future__ import annotations

import torch

from rnnlab.checks import check_int
from rnnlab.course.runtime import get_device, seed_everything
from rnnlab.models import music_rnn as mr
from rnnlab.models.sizes import count_parameters
from rnnlab.training.loop import train


def music_run(train_rolls, valid_rolls, test_rolls, steps: int, batch: int = 16, lstm_hidden: int = 36):
    """``run(name, lr, seed) -> (test NLL, parameters, validation NLL, model)`` for :func:`fair.compare`.

    ``name`` is ``"tanh"``, ``"GRU"`` or ``"LSTM"``; NLLs in nats per frame (``evaluate_nll``). The
    LSTM has ``lstm_hidden`` units (36, with 88 keys: about 21 k parameters, Chung et al. 2014's
    size); the others as many parameters as it. ``seed`` seeds the weights and the batches.
    """
    steps = check_int("steps", steps, 1, what="training steps")
    batch = check_int("batch", batch, 1, len(train_rolls), what="chorales per batch")
    target = mr.piano_roll_parameters("LSTM", check_int("lstm_hidden", lstm_hidden, 1))
    sizes = {name: mr.matched_hidden_size(name, target) for name in mr.CELLS}

    def run(name: str, lr: float, seed: int):
        seed_everything(seed)
        model = mr.PianoRollRNN(name, sizes[name])
        data = torch.Generator().manual_seed(1000 + seed)
        train(model, mr.chorale_batches(train_rolls, batch, data), mr.music_loss,
              optimizer=torch.optim.Adam(model.parameters(), lr=lr), steps=steps, clip=1.0, seed=seed,
              desc=f"{name}, lr {lr:g}, seed {seed}", device=get_device())
        return (mr.evaluate_nll(model, test_rolls), count_parameters(model), mr.evaluate_nll(model, valid_rolls),
                model)

    return run
