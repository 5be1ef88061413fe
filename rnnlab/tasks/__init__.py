"""The course's tasks: data only, generated on the fly (nothing to download), batch-first.

The models that learn them live in :mod:`rnnlab.models` (``long_range`` for recall, adding
and copy; ``tagger``; ``seq2seq``; ``pointer_net``).

- :mod:`rnnlab.tasks.recall` — recall the first symbol after a run of distractors
  (notebook 03: the task a vanilla RNN fails at long range for lack of gradient).
- :mod:`rnnlab.tasks.adding` — the adding problem (Hochreiter & Schmidhuber 1997): sum the
  two marked values; answering 1 always scores MSE 1/6 (notebook 04).
- :mod:`rnnlab.tasks.copy` — the copy task (Arjovsky et al. 2016): reproduce symbols after
  T blanks; the memoryless baseline's cross-entropy is L ln n / (T + 2L) (notebook 04).
- :mod:`rnnlab.tasks.tagging` — tag each name in Python's own source by its role (call,
  attribute owner, assigned, other), decided by the token that follows it (notebook 05).
- :mod:`rnnlab.tasks.dates` — human-readable dates in six languages and nine formats (Babel),
  to normalise to ISO 8601, with character vocabularies (notebook 08).
- :mod:`rnnlab.tasks.reverse` — reverse random strings of letters: the information to carry
  grows with the length, so the context-vector bottleneck shows (notebook 09).
- :mod:`rnnlab.tasks.pointer` — sorting, planar convex hulls (monotone chain) and small TSP
  instances with their exact optimal tours (Held–Karp, vectorised), canonical tours and
  baselines, for pointer networks (notebook 10).
- :mod:`rnnlab.tasks.sorting_tokens` — sorting distinct number tokens: one task for a pointer
  network and a vocabulary seq2seq (notebook 10).
- :mod:`rnnlab.tasks.speech` — synthetic speech (source-filter units, random speakers, noise), labelled
  only by its unit sequence, speaker-disjoint splits, log-mel batches for CTC (notebook 13).
- :mod:`rnnlab.tasks.entities` — sentences with PER/LOC/ORG/DATE entities tagged in BIO, built from
  Faker's lists, where I-X may only follow B-X or I-X (notebook 14).
- :mod:`rnnlab.tasks.scenes` — scenes of coloured shapes with the one caption a fixed grammar gives each, object masks (notebook 16).
"""
from rnnlab.tasks.recall import recall_first

__all__ = ["recall_first"]
