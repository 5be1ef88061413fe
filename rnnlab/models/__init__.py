"""What the notebooks train: one module per model family, each with its loss and predictions.

- :mod:`~rnnlab.models.long_range` — the small RNN models of the long-range tasks: recall the first
  symbol (notebook 03), the adding problem and the copy task (04).
- :mod:`~rnnlab.models.tagger` — a (bi)directional tagger over padded batches (05).
- :mod:`~rnnlab.models.name_classifier` — many-to-one classification of names, with pooling (06).
- :mod:`~rnnlab.models.forecaster` — forecasting a series: windows, naive baselines, an LSTM (06).
- :mod:`~rnnlab.models.char_lm` — the character-level LSTM language model, truncated BPTT (07).
- :mod:`~rnnlab.models.seq2seq` — encoder–decoder with a fixed context vector (08).
- :mod:`~rnnlab.models.attention` — Bahdanau and Luong attention scores, masked softmax (09).
- :mod:`~rnnlab.models.attention_decoders` — decoders that attend over the encoder states (09).
- :mod:`~rnnlab.models.pointer_net` — the pointer network, greedy and beam decoding (10).
- :mod:`~rnnlab.models.transformers` — the transformer encoder–decoder (11) and the one decoder-only
  transformer LM, with its KV cache (11, 12).
- :mod:`~rnnlab.models.streaming_lms` — LSTM and minGRU LMs that write one token at a time, with the
  transformer LM's interface, and their memory while generating (12).
- :mod:`~rnnlab.models.ctc_recognizer` — a (bi)LSTM-CTC speech recogniser, equal-parameter sizing of
  the streaming one, its unit and word error rates (13).
- :mod:`~rnnlab.models.crf_tagger` — BiLSTM + softmax and BiLSTM + CRF entity taggers, one encoder (14).
- :mod:`~rnnlab.models.music_rnn` — next-frame prediction on piano rolls, a sigmoid per key, NLL per frame, sampling (15).
- :mod:`~rnnlab.models.music_baselines` — coin-flip, key-frequency and per-key Markov baselines in nats per frame (15).
- :mod:`~rnnlab.models.captioner` — a CNN encoder's grid and an LSTM decoder with soft attention or the mean-pooled grid (16).
- :mod:`~rnnlab.models.sizes` — parameter counts, and the hidden size that matches a count: how every
  race at equal parameters sizes its contenders (04, 13, 15, 16).

The layers they are built from mirror ``torch.nn`` in :mod:`rnnlab.nn`; the data they learn is in
:mod:`rnnlab.tasks` and :mod:`rnnlab.data`.
"""
