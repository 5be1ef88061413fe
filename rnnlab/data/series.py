"""Real time series from the data sets that statsmodels ships (offline, no download).

``load_sunspots()``: the yearly mean sunspot number, 1700-2008 (309 values), from
``statsmodels.datasets.sunspots``; the solar cycle is about 11 years long.
"""
from __future__ import annotations

import numpy as np

SUNSPOT_PERIOD = 11  # years, the (approximate) length of the solar cycle


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Years (T,) int and yearly sunspot activity (T,) float64, T = 309 (1700-2008)."""
    from statsmodels.datasets import sunspots

    frame = sunspots.load_pandas().data
    years = frame["YEAR"].to_numpy().astype(np.int64)
    values = frame["SUNACTIVITY"].to_numpy().astype(np.float64)
    if len(values) == 0 or not np.all(np.isfinite(values)):
        raise ValueError("load_sunspots: the statsmodels data set is empty or has missing values")
    return years, values
