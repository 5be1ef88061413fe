"""Real data that ships with Python or an installed package: nothing is downloaded.

- :mod:`rnnlab.data.corpus` — English text (Python's documentation topics) and Python
  source code, a character vocabulary, train/valid/test splits.
- :mod:`rnnlab.data.char_batches` — contiguous streams of a text cut into batches for
  stateful training with truncated BPTT (notebook 07).
"""
from .corpus import CharVocab, load_python_docs, load_python_source, split_text

__all__ = ["CharVocab", "load_python_docs", "load_python_source", "split_text"]
