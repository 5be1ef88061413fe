"""Synthetic sequence tasks, generated on the fly (nothing to download), batch-first.

- :mod:`rnnlab.tasks.recall` — recall the first symbol after a run of distractors
  (notebook 03: the task a vanilla RNN fails at long range for lack of gradient).
"""
from .recall import RecallClassifier, recall_accuracy, recall_first

__all__ = ["recall_first", "RecallClassifier", "recall_accuracy"]
