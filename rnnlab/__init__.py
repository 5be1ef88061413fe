"""rnnlab: the reference code of an interactive course on recurrent neural networks.

The package is laid out by role, so that its tree is the course's architecture:

- :mod:`rnnlab.nn` — layers that mirror ``torch.nn`` (RNN, LSTM, GRU and their cells, minGRU,
  multi-head attention, transformer layers), checked against it numerically;
- :mod:`rnnlab.byhand` — the same recurrences in NumPy, forward and backward written out;
- :mod:`rnnlab.models` — what the notebooks train, with their losses and predictions;
- :mod:`rnnlab.decoding` — greedy decoding, beam search and sampling;
- :mod:`rnnlab.training` — the training loop, checkpoints, metrics, BLEU;
- :mod:`rnnlab.data` and :mod:`rnnlab.tasks` — data only: the one vocabulary (``rnnlab.data.vocab``),
  real text and series, generated tasks;
- :mod:`rnnlab.experiments` — the measurements the notebooks make;
- :mod:`rnnlab.plots` — drawing only;
- :mod:`rnnlab.course` — the course's tooling: mode and device, ``show_source``, figures,
  self-checks, grading, the set-up check;
- :mod:`rnnlab.checks` — the input checks every module shares.
"""

__version__ = "0.1.0"
