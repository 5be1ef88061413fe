"""Training and scoring.

- :mod:`~rnnlab.training.loop` — the training loop: seeded, progress bar, clipping, a log, a clear
  stop on a non-finite loss.
- :mod:`~rnnlab.training.checkpoint` — save and resume, so a restarted kernel picks up where it stopped.
- :mod:`~rnnlab.training.metrics` — perplexity, bits per character, n-gram baselines, F1.
- :mod:`~rnnlab.training.bleu` — exact match, BLEU and chrF for generated strings.
"""
