"""The measurements a notebook makes, one module each, so a notebook shows them as measurements.

- :mod:`~rnnlab.experiments.unrolling` — untrained RNNs run forward: how long an input lasts (01).
- :mod:`~rnnlab.experiments.gradflow` — gradient norms through time, the bound, clipping (03).
- :mod:`~rnnlab.experiments.gates` — an LSTM's or GRU's gates over one sequence (04).
- :mod:`~rnnlab.experiments.highway` — the gradient through time of RNN, LSTM and GRU cells (04).
- :mod:`~rnnlab.experiments.fair` — fair comparisons: a tuned learning rate per contender, seeds, spreads (04-11).
- :mod:`~rnnlab.experiments.races` — RNN vs LSTM vs GRU on the adding and copy tasks, equal parameters (04).
- :mod:`~rnnlab.experiments.norm_placement` — post-norm against pre-norm (11).
- :mod:`~rnnlab.experiments.speed` — fair timings: interleaved repeats, medians, peak memory (12).
- :mod:`~rnnlab.experiments.ladder` — the speed ladder, from a NumPy loop to a parallel scan (12).
- :mod:`~rnnlab.experiments.music_race` — tanh RNN vs GRU vs LSTM on Bach chorales, equal parameters (15).
- :mod:`~rnnlab.experiments.captioning` — captions scored (exact match, word BLEU-4), attention on the named object, the race (16).
"""
