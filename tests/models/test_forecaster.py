import numpy as np
import pytest
import torch

from rnnlab.models.forecaster import (LSTMForecaster, forecast_loss, mae, make_windows, naive_last, predict, rmse,
                             seasonal_naive, split_windows)

Y = np.array([1.0, 2, 3, 4, 5, 6, 7])


def test_window_shapes_and_values():
    X, T = make_windows(Y, window=3, horizon=2)
    assert X.shape == (3, 3) and T.shape == (3, 2)
    assert X[0].tolist() == [1, 2, 3] and T[0].tolist() == [4, 5] and T[-1].tolist() == [6, 7]


def test_baselines_on_a_tiny_series():
    season = np.array([0.0, 10, 20, 0, 10, 20, 0, 10, 20])  # period 3
    X, T = make_windows(season, window=3, horizon=2)
    assert naive_last(X, 2).tolist() == [[20, 20], [0, 0], [10, 10], [20, 20], [0, 0]]
    assert np.array_equal(seasonal_naive(X, 2, period=3), T)  # a perfect seasonal series
    X, T = make_windows(Y, window=2, horizon=3)
    assert seasonal_naive(X, 3, period=2).tolist() == [[1, 2, 1], [2, 3, 2], [3, 4, 3]]
    assert mae([1, 2], [2, 4]) == 1.5 and rmse([0, 0], [3, 4]) == pytest.approx(np.sqrt(12.5))


def test_split_windows_in_time():
    y = np.arange(20.0)
    Xtr, Ytr, Xte, Yte = split_windows(y, window=4, horizon=1, n_test=5)
    assert Yte[:, 0].tolist() == [15, 16, 17, 18, 19]
    assert Ytr.max() < 15 and len(Xtr) == 11


@pytest.mark.parametrize("window, horizon, match", [(8, 1, "longer than the series"), (3, 0, "horizon"),
                                                     (0, 1, "window"), (7, 1, "longer than the series")])
def test_bad_windows(window, horizon, match):
    with pytest.raises(ValueError, match=match):
        make_windows(Y, window, horizon)


def test_bad_baseline_input():
    X, _ = make_windows(Y, window=2, horizon=1)
    with pytest.raises(ValueError, match="period"):
        seasonal_naive(X, 1, period=3)
    with pytest.raises(ValueError, match="horizon"):
        naive_last(X, 0)
    with pytest.raises(ValueError, match="NaN"):
        make_windows([1.0, np.nan, 3.0], 1)


def test_forecaster_shapes_and_zero_head_is_last_value():
    model = LSTMForecaster(horizon=3, hidden=8, mean=5.0, std=2.0)
    X = torch.randn(4, 6) * 2 + 5
    assert model(X).shape == (4, 3)
    torch.nn.init.zeros_(model.head.weight)
    torch.nn.init.zeros_(model.head.bias)
    assert np.allclose(predict(model, X.numpy()), naive_last(X.numpy(), 3), atol=1e-5)
    assert forecast_loss(model, (X, X[:, :3])).ndim == 0
