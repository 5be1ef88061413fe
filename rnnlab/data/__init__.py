"""Real data that ships with rnnlab or an installed package: nothing is downloaded.

- :mod:`rnnlab.data.corpus` — English text (Python's documentation topics) and Python
  source code, from a snapshot of Python 3.11.7 shipped in ``snapshot/``, a character
  vocabulary, train/valid/test splits.
- :mod:`rnnlab.data.char_batches` — contiguous streams of a text cut into batches for
  stateful training with truncated BPTT (notebook 07).
- :mod:`rnnlab.data.names` — names by language of origin from the lists Faker ships for its
  locales (notebook 06).
- :mod:`rnnlab.data.series` — the yearly sunspot numbers that statsmodels ships (notebook 06).
"""
from .corpus import CharVocab, load_python_docs, load_python_source, split_text

__all__ = ["CharVocab", "load_python_docs", "load_python_source", "split_text"]
