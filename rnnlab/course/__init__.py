"""The course's own tooling, used by every notebook and the assignments.

- :mod:`~rnnlab.course.runtime` — quick or full mode, the device, seeds, eval mode, BLAS threads.
- :mod:`~rnnlab.course.show` — ``show_source``: a notebook shows rnnlab's code instead of copying it.
- :mod:`~rnnlab.course.figures` — ``save_figure``: every kept figure goes to ``figures/``.
- :mod:`~rnnlab.course.selfcheck` — friendly, specific feedback for the exercises.
- :mod:`~rnnlab.course.claims` — ``claim``: a notebook's measured claims, printed, checked and collected
  into ``RESULTS.md`` (``make results``).
- :mod:`~rnnlab.course.grading` — the checks behind the graded assignments' test cells.
- :mod:`~rnnlab.course.envcheck` — notebook 00's set-up check.
"""
