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

from rnnlab.checks import check_batch, check_float_input, check_int, check_number, check_tensor
from rnnlab.course.runtime import device_of, evaluating
from rnnlab.nn.recurrent import LSTM


def _numbers(name: str, values, what: str = "a 1-D series (N,)") -> np.ndarray:
    """``values`` as a float64 array, or a ``TypeError`` saying they are not numbers."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu()
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}: expected {what} of numbers, got {type(values).__name__} ({err})") from None


def _series(name: str, series) -> np.ndarray:
    y = _numbers(name + ": series", series)
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
    window = check_int("window", window, 1, fn="make_windows")
    horizon = check_int("horizon", horizon, 1, fn="make_windows")
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
    window = check_int("window", window, 1, fn="split_windows")
    horizon = check_int("horizon", horizon, 1, fn="split_windows")
    n_test = check_int("n_test", n_test, 1, len(y) - window - horizon, fn="split_windows",
                       what="the final values, held out for testing")
    X, Y = make_windows(y, window, horizon)
    first_target = np.arange(len(X)) + window  # index of Y[m, 0] in the series
    cut = len(y) - n_test
    train = first_target + horizon <= cut
    test = first_target >= cut
    return X[train], Y[train], X[test], Y[test]


def naive_last(X, horizon: int = 1) -> np.ndarray:
    """Last-value baseline: every step ahead is the last observed value. X (M, W) -> (M, horizon)."""
    X = _numbers("naive_last: X", X, "windows (M, window)")
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"naive_last: expected windows X (M, window), got shape {X.shape}")
    horizon = check_int("horizon", horizon, 1, fn="naive_last")
    return np.repeat(X[:, -1:], horizon, axis=1)


def seasonal_naive(X, horizon: int, period: int) -> np.ndarray:
    """Seasonal-naive baseline: the value one period earlier, y_hat[t+h] = y[t+h-k*period].

    k is the smallest whole number of periods that reaches back into the window.
    X (M, W) with W >= period -> (M, horizon).
    """
    X = _numbers("seasonal_naive: X", X, "windows (M, window)")
    if X.ndim != 2:
        raise ValueError(f"seasonal_naive: expected windows X (M, window), got shape {X.shape}")
    period = check_int("period", period, 1, fn="seasonal_naive")
    horizon = check_int("horizon", horizon, 1, fn="seasonal_naive")
    W = X.shape[1]
    if period > W:
        raise ValueError(f"seasonal_naive: the window ({W} values) must cover one period ({period}); use window >= period")
    h = np.arange(1, horizon + 1)
    back = period * np.ceil(h / period).astype(int)  # k * period >= h
    return X[:, W - 1 + h - back]


def _pair(fn: str, pred, target) -> np.ndarray:
    """pred - target, for two arrays of one shape (no broadcasting: (N,) against (N, 1) is a mistake)."""
    pred, target = _numbers(f"{fn}: pred", pred, "an array"), _numbers(f"{fn}: target", target, "an array")
    if pred.shape != target.shape:
        raise ValueError(f"{fn}: expected pred and target of one shape, got pred {pred.shape} and target "
                         f"{target.shape}; NumPy would broadcast them into a wrong answer")
    if pred.size == 0:
        raise ValueError(f"{fn}: pred and target are empty (shape {pred.shape}); expected at least one value")
    return pred - target


def mae(pred, target) -> float:
    """Mean absolute error of two arrays of one shape."""
    return float(np.mean(np.abs(_pair("mae", pred, target))))


def rmse(pred, target) -> float:
    """Root mean squared error of two arrays of one shape."""
    return float(np.sqrt(np.mean(_pair("rmse", pred, target) ** 2)))


class LSTMForecaster(nn.Module):
    """Window (B, W) of raw values -> forecast (B, horizon) of raw values.

    Inside: standardise with the training mean/std, an LSTM reads the window one value
    per step (B, W, 1) -> h_W (B, H), a linear head predicts the next ``horizon`` values
    as a change from the last one (so "repeat the last value" is the zero output).

    ``X`` is a tensor of the model's dtype (float32 unless converted): float64 windows raise, as
    ``torch.nn.LSTM`` refuses them; :func:`predict` takes NumPy windows and converts them.
    """

    def __init__(self, horizon: int = 1, hidden: int = 32, mean: float = 0.0, std: float = 1.0):
        super().__init__()
        horizon, hidden = check_int("horizon", horizon, 1, fn="LSTMForecaster"), check_int("hidden", hidden, 1)
        mean = check_number("mean", mean, finite=True)
        std = check_number("std", std, above=0, finite=True, what="the training data's standard deviation")
        self.register_buffer("mean", torch.tensor(float(mean)))
        self.register_buffer("std", torch.tensor(float(std)))
        self.rnn = LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """X (B, W) windows of raw values, of the model's dtype -> forecasts (B, horizon)."""
        if not isinstance(X, torch.Tensor):
            check_tensor("X", X, "(B, W); for NumPy windows call predict(model, X)")
        check_float_input("X", X, self.head.weight.dtype, "(B, W)")
        if X.ndim != 2 or X.shape[1] < 1:
            raise ValueError(f"X: expected windows (B, W) with W >= 1, one value per step, got shape {tuple(X.shape)}")
        z = (X - self.mean) / self.std  # (B, W)
        out, _ = self.rnn(z.unsqueeze(-1))  # (B, W, H)
        delta = self.head(out[:, -1])  # (B, horizon)
        return (z[:, -1:] + delta) * self.std + self.mean


def forecast_loss(model: LSTMForecaster, batch) -> torch.Tensor:
    """Mean squared error in standardised units of a batch ``(X, Y)``; for :func:`rnnlab.training.loop.train`."""
    X, Y = check_batch("forecast_loss", batch, ("X", "Y"))
    forecast = model(X)  # (B, horizon)
    check_float_input("Y", Y, forecast.dtype, "(B, horizon)")
    if Y.shape != forecast.shape:
        raise ValueError(f"Y: expected targets of shape {tuple(forecast.shape)} (B, horizon), got {tuple(Y.shape)}; "
                         f"mse_loss would broadcast them into a wrong answer")
    return F.mse_loss((forecast - model.mean) / model.std, (Y - model.mean) / model.std)


@torch.no_grad()
def predict(model: LSTMForecaster, X) -> np.ndarray:
    """Forecasts (M, horizon) as a NumPy array for windows X (M, W)."""
    with evaluating(model):
        X = torch.as_tensor(_numbers("predict: X", X, "windows (M, W)"), dtype=torch.float32, device=device_of(model))
        return model(X).cpu().numpy().astype(np.float64)


class LinearAR:
    """Linear autoregression fit by least squares: y_hat = X @ w + b, one (w, b) per step ahead.

    The classical model for the sunspots (Yule 1927). ``LinearAR().fit(X, Y).predict(X_test)``.
    """

    def fit(self, X, Y) -> "LinearAR":
        X, Y = _numbers("LinearAR.fit: X", X, "windows (M, W)"), _numbers("LinearAR.fit: Y", Y, "targets (M, horizon)")
        if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
            raise ValueError(f"LinearAR.fit: expected X (M, W) and Y (M, horizon), got {X.shape} and {Y.shape}")
        if len(X) == 0 or X.shape[1] == 0:
            raise ValueError(f"LinearAR.fit: expected at least one window of at least one value, got X {X.shape}")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
            raise ValueError("LinearAR.fit: expected finite X and Y, got NaN or inf; fill or drop them first")
        A = np.hstack([X, np.ones((len(X), 1))])  # (M, W + 1)
        self.coef_, *_ = np.linalg.lstsq(A, Y, rcond=None)  # (W + 1, horizon)
        return self

    def predict(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise ValueError("LinearAR.predict: call fit(X, Y) first")
        X = _numbers("LinearAR.predict: X", X, "windows (M, W)")
        W = self.coef_.shape[0] - 1
        if X.ndim != 2 or X.shape[1] != W:
            raise ValueError(f"LinearAR.predict: expected X (M, {W}), windows as long as fit's, got {X.shape}")
        return np.hstack([X, np.ones((len(X), 1))]) @ self.coef_
