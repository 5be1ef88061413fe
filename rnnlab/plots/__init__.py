"""Figures and widget callbacks for the notebooks, one module per notebook topic.

The computations live in the topic's own module (e.g. :mod:`rnnlab.experiments.gradflow`); the
modules here only draw, so each widget can be tested and benchmarked headless
(matplotlib's Agg backend) without a browser.

- :mod:`rnnlab.plots.unrolled_plots` — notebook 01: an RNN unrolled in time, weights coloured.
- :mod:`rnnlab.plots.memory_plots` — notebook 01: how long an untrained RNN remembers its first input.
- :mod:`rnnlab.plots.bptt_plots` — notebook 02: the backward pass drawn, gradient reach under
  truncation, the character model's training curve and sampling temperature.
- :mod:`rnnlab.plots.gradflow_plots` — notebook 03: gradient norms against the bound, clipping,
  the long-range recall task.
- :mod:`rnnlab.plots.gates_plots` — notebook 04: LSTM/GRU gate heatmaps, the gradient highway
  of RNN vs LSTM vs GRU, the adding and copy results.
- :mod:`rnnlab.plots.tagging_plots` — notebook 05: tagged lines of code, per-class F1, the
  uni- vs bidirectional tagger comparison widget.
- :mod:`rnnlab.plots.classify_plots` — notebook 06: the names confusion matrix, sunspot forecasts.
- :mod:`rnnlab.plots.seq2seq_plots` — notebook 08: the encoder–decoder drawn, training curves of
  teacher forcing / free running / scheduled sampling, accuracy against input length.
- :mod:`rnnlab.plots.attention_plots` — notebook 09: alignment heatmaps (source along x, output
  down y), scores against input length with and without attention, the alignment widget.
- :mod:`rnnlab.plots.pointer_plots` — notebook 10: pointer attention as heatmaps and as arrows on
  the plane, exact match against the number of inputs.
- :mod:`rnnlab.plots.lm_plots` — notebook 07: stateful streams, the language model's learning curve.
- :mod:`rnnlab.plots.sampling_plots` — notebook 07: the next-character distribution and the
  sampling widget (temperature, top-p, prompt).
- :mod:`rnnlab.plots.transformer_plots` — notebook 11: masks, the sinusoid, attention weights per
  head, pre- vs post-norm, training curves; the attention-map widget callback.
- :mod:`rnnlab.plots.speed_plots` — notebook 12: who waits for whom (RNN, attention, scan), training
  tokens/s, memory against generated length, the speed ladder (time and operations against T),
  the KV-cache size widget.
- :mod:`rnnlab.plots.crf_plots` — notebook 14: a CRF's learned transition scores as a heatmap.
- :mod:`rnnlab.plots.music_plots` — notebook 15: piano rolls (opening | continuation) and the NLL race.
- :mod:`rnnlab.plots.caption_plots` — notebook 16: scenes with captions, attention per word over the image, the race.
- :mod:`rnnlab.plots.ctc_plots` — notebook 13: a log-mel spectrogram with the CTC posteriors'
  spikes under it.
"""
