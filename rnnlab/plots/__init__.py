"""Figures and widget callbacks for the notebooks, one module per notebook topic.

The computations live in the topic's own module (e.g. :mod:`rnnlab.gradflow`); the
modules here only draw, so each widget can be tested and benchmarked headless
(matplotlib's Agg backend) without a browser.

- :mod:`rnnlab.plots.gradflow` — notebook 03: gradient norms against the bound, clipping,
  the long-range recall task.
"""
