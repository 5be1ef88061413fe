"""Training and scoring.

- :mod:`~rnnlab.training.loop` — the training loop: seeded, progress bar, clipping, a log, a clear
  stop on a non-finite loss.
- :mod:`~rnnlab.training.checkpoint` — save and resume, so a restarted kernel picks up where it stopped.
  Import checkpoints' names from it; behind it, one job each:

  - :mod:`~rnnlab.training.run_folders` — a run's folder, named by a hash of its config;
  - :mod:`~rnnlab.training.random_states` — every random generator's state, saved and restored;
  - :mod:`~rnnlab.training.checkpoint_files` — one file written atomically and read without running
    code (a planted pickle is refused);
  - :mod:`~rnnlab.training.checkpoint_checks` — the arguments, and whether a file fits this model
    and optimizer;
  - :mod:`~rnnlab.training.checkpoint_errors` — the errors, one per way a file fails to resume.
- :mod:`~rnnlab.training.metrics` — perplexity, bits per character, n-gram baselines, F1.
- :mod:`~rnnlab.training.bleu` — exact match, BLEU and chrF for generated strings.
- :mod:`~rnnlab.training.error_rates` — edit distance, unit error rate and word error rate (jiwer).
- :mod:`~rnnlab.training.span_metrics` — span F1 of BIO tags (seqeval) and invalid BIO sequences counted.
"""
