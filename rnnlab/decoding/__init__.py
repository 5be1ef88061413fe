"""Turning a model's scores into sequences.

- :mod:`~rnnlab.decoding.beam` — beam search with length normalisation, for any step-by-step
  decoder (notebooks 08–10).
- :mod:`~rnnlab.decoding.sampling` — temperature, top-k and nucleus (top-p) sampling from a
  language model (notebook 07).

Greedy decoding lives beside each model (``rnnlab.models.seq2seq.greedy_decode``, the pointer
network's ``forward``).
"""
