"""Real data that ships with rnnlab or an installed package: nothing is downloaded.

- :mod:`rnnlab.data.vocab` — the one vocabulary class (:class:`~rnnlab.data.vocab.Vocab`: tokens
  <-> ids, special tokens ``<pad> <bos> <eos> <unk>``, padded batches), the ids every task shares
  (``PAD`` = 0, ``BOS`` = 1, ``EOS`` = 2, ``IGNORE`` = -100) and ``valid_mask`` (lengths -> real
  positions).
- :mod:`rnnlab.data.corpus` — English text (Python's documentation topics) and Python
  source code, from a snapshot of Python 3.11.7 shipped in ``snapshot/``, and
  train/valid/test splits.
- :mod:`rnnlab.data.char_batches` — contiguous streams of a text cut into batches for
  stateful training with truncated BPTT (notebook 07).
- :mod:`rnnlab.data.names` — names by language of origin from the lists Faker ships for its
  locales (notebook 06).
- :mod:`rnnlab.data.series` — the yearly sunspot numbers that statsmodels ships (notebook 06).
- :mod:`rnnlab.data.audio` — log-mel spectrograms: ``torch.stft`` and a triangular mel filterbank
  built here (HTK mel scale), for any waveform (notebook 13).
- :mod:`rnnlab.data.chorales` — Bach's four-part chorales from music21's corpus as quarter-note piano rolls (T, 88), split by chorale (notebook 15).
- :mod:`rnnlab.data.roll_audio` — a piano roll synthesised to a waveform with NumPy, to hear it (notebook 15).
"""
from .corpus import load_python_docs, load_python_source, split_text
from .vocab import Vocab, valid_mask

__all__ = ["Vocab", "load_python_docs", "load_python_source", "split_text", "valid_mask"]
