"""Forecasting a univariate series: windows, naive baselines, an LSTM forecaster.

From a series y (N,), a window of the last ``window`` values predicts the next ``horizon``::

    X, Y = make_windows(y, window=22, horizon=1)   # X (M, window), Y (M, horizon), M = N - window - horizon + 1
    naive_last(X, horizon)                         # y_hat[t+h] = y[t]             (the last value, repeated)
    seasonal_naive(X, horizon, period=11)          # y_hat[t+h] = y[t+h-period]    (one cycle ago)
    LSTMForecaster(window, horizon)(X)             # (M, horizon), trained with rnnlab.training.loop.train
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from rnnlab.course.runtime import device_of, evaluating
from rnnlab.nn.recurrent import LSTM


def _series(name: str, series) -> np.ndarray:
    y = np.asarray(series, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D series (N,), got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        bad = np.flatnonzero(~np.isfinite(y))
        raise ValueError(f"{name}: expected finite values, got {bad.size} NaN or inf (first at index {bad[0]}: "
                         f"{y[bad[0]]}); fill or drop them first")
    return y


def make_windows(series, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Every (input, target) pair of a series (N,): X (M, window), Y (M, horizon).

    Row m: X[m] = y[m : m + window], Y[m] = y[m + window : m + window + horizon],
    M = N - window - horizon + 1.
    """
    y = _series("make_windows", series)
    if not (isinstance(window, int) and window >= 1):
        raise ValueError(f"make_windows: expected window to be an int >= 1, got {window!r}")
    if not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"make_windows: expected horizon to be an int >= 1, got {horizon!r}")
    if window + horizon > len(y):
        raise ValueError(
            f"make_windows: window {window} + horizon {horizon} = {window + horizon} is longer than "
            f"the series ({len(y)} values); use a shorter window or a longer series"
        )
    M = len(y) - window - horizon + 1
    idx = np.arange(M)[:, None]
    return y[idx + np.arange(window)], y[idx + window + np.arange(horizon)]


def split_windows(series, window: int, horizon: int, n_test: int):
    """Windows split in time: test windows are those whose targets start in the final ``n_test`` values.

    Returns (X_train, Y_train, X_test, Y_test). Training targets all lie before the test
    segment; test inputs may reach back into it (what a forecaster would know then).
    """
    y = _series("split_windows", series)
    if not (isinstance(n_test, int) and 1 <= n_test <= len(y) - window - horizon):
        raise ValueError(f"split_windows: expected 1 <= n_test <= {len(y) - window - horizon}, got {n_test!r}")
    X, Y = make_windows(y, window, horizon)
    first_target = np.arange(len(X)) + window  # index of Y[m, 0] in the series
    cut = len(y) - n_test
    train = first_target + horizon <= cut
    test = first_target >= cut
    return X[train], Y[train], X[test], Y[test]


def naive_last(X, horizon: int = 1) -> np.ndarray:
    """Last-value baseline: every step ahead is the last observed value. X (M, W) -> (M, horizon)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"naive_last: expected windows X (M, window), got shape {X.shape}")
    if not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"naive_last: expected horizon to be an int >= 1, got {horizon!r}")
    return np.repeat(X[:, -1:], horizon, axis=1)


def seasonal_naive(X, horizon: int, period: int) -> np.ndarray:
    """Seasonal-naive baseline: the value one period earlier, y_hat[t+h] = y[t+h-k*period].

    k is the smallest whole number of periods that reaches back into the window.
    X (M, W) with W >= period -> (M, horizon).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"seasonal_naive: expected windows X (M, window), got shape {X.shape}")
    if not (isinstance(period, int) and period >= 1):
        raise ValueError(f"seasonal_naive: expected period to be an int >= 1, got {period!r}")
    if not (isinstance(horizon, int) and horizon >= 1):
        raise ValueError(f"seasonal_naive: expected horizon to be an int >= 1, got {horizon!r}")
    W = X.shape[1]
    if period > W:
        raise ValueError(f"seasonal_naive: the window ({W} values) must cover one period ({period}); use window >= period")
    h = np.arange(1, horizon + 1)
    back = period * np.ceil(h / period).astype(int)  # k * period >= h
    return X[:, W - 1 + h - back]


def mae(pred, target) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(pred, float) - np.asarray(target, float))))


def rmse(pred, target) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(pred, float) - np.asarray(target, float)) ** 2)))


class LSTMForecaster(nn.Module):
    """Window (B, W) of raw values -> forecast (B, horizon) of raw values.

    Inside: standardise with the training mean/std, an LSTM reads the window one value
    per step (B, W, 1) -> h_W (B, H), a linear head predicts the next ``horizon`` values
    as a change from the last one (so "repeat the last value" is the zero output).
    """

    def __init__(self, horizon: int = 1, hidden: int = 32, mean: float = 0.0, std: float = 1.0):
        super().__init__()
        if not (isinstance(horizon, int) and horizon >= 1):
            raise ValueError(f"LSTMForecaster: expected horizon to be an int >= 1, got {horizon!r}")
        if not std > 0:
            raise ValueError(f"LSTMForecaster: expected std > 0, got {std}")
        self.register_buffer("mean", torch.tensor(float(mean)))
        self.register_buffer("std", torch.tensor(float(std)))
        self.rnn = LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        z = (X - self.mean) / self.std  # (B, W)
        out, _ = self.rnn(z.unsqueeze(-1))  # (B, W, H)
        delta = self.head(out[:, -1])  # (B, horizon)
        return (z[:, -1:] + delta) * self.std + self.mean


def forecast_loss(model: LSTMForecaster, batch) -> torch.Tensor:
    """Mean squared error in standardised units of a batch ``(X, Y)``; for :func:`rnnlab.training.loop.train`."""
    X, Y = batch
    return F.mse_loss((model(X) - model.mean) / model.std, (Y - model.mean) / model.std)


@torch.no_grad()
def predict(model: LSTMForecaster, X) -> np.ndarray:
    """Forecasts (M, horizon) as a NumPy array for windows X (M, W)."""
    with evaluating(model):
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32, device=device_of(model))
        return model(X).cpu().numpy().astype(np.float64)


class LinearAR:
    """Linear autoregression fit by least squares: y_hat = X @ w + b, one (w, b) per step ahead.

    The classical model for the sunspots (Yule 1927). ``LinearAR().fit(X, Y).predict(X_test)``.
    """

    def fit(self, X, Y) -> "LinearAR":
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
            raise ValueError(f"LinearAR.fit: expected X (M, W) and Y (M, horizon), got {X.shape} and {Y.shape}")
        A = np.hstack([X, np.ones((len(X), 1))])  # (M, W + 1)
        self.coef_, *_ = np.linalg.lstsq(A, Y, rcond=None)  # (W + 1, horizon)
        return self

    def predict(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise ValueError("LinearAR.predict: call fit(X, Y) first")
        X = np.asarray(X, dtype=np.float64)
        return np.hstack([X, np.ones((len(X), 1))]) @ self.coef_
