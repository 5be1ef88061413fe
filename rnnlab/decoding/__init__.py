"""Turning a model's scores into sequences.

- :mod:`~rnnlab.decoding.greedy` — the arg-max token at every step, for any encoder-decoder
  (notebooks 08, 09, 11).
- :mod:`~rnnlab.decoding.beam` — beam search with length normalisation, for any step-by-step
  decoder (notebooks 08–10).
- :mod:`~rnnlab.decoding.sampling` — temperature, top-k and nucleus (top-p) sampling from a
  language model (notebook 07).
- :mod:`~rnnlab.decoding.ctc_decoding` — CTC outputs read greedily (best path) or by prefix beam
  search (notebook 13).

The pointer network decodes greedily in its own ``forward`` (its outputs are positions, not tokens).
"""
