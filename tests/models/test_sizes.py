import pytest
import torch

from rnnlab.checks import ArgumentKindError
from rnnlab.models.sizes import count_parameters, nearest_size


def test_count_parameters_counts_trainable_numbers_only():
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))   # 3*4 + 4 + 4*2 + 2
    assert count_parameters(model) == 26
    model[0].weight.requires_grad_(False)
    assert count_parameters(model) == 14
    assert count_parameters(torch.nn.LSTM(5, 7)) == 4 * 7 * (5 + 7 + 2)


@pytest.mark.parametrize("count, target, expected", [
    (lambda h: h * h, 1, 1), (lambda h: h * h, 110, 10), (lambda h: h * h, 111, 11),     # 100 and 121 around
    (lambda h: h * h, 10_101, 101), (lambda h: h * h, 10_000, 100),
    (lambda h: 2 * h, 3, 1),                                                             # a tie: the smaller
    (lambda h: 4 * h * (8 + h + 2), 5_000, 31),
])
def test_nearest_size_finds_the_closest_count_and_the_smaller_on_a_tie(count, target, expected):
    assert nearest_size(count, target) == expected
    assert expected == min(range(1, 500), key=lambda h: (abs(count(h) - target), h))     # brute force agrees


def test_nearest_size_starts_at_smallest_and_matches_an_lstm_to_a_gru():
    gru = count_parameters(torch.nn.GRU(8, 40))
    h = nearest_size(lambda h: count_parameters(torch.nn.LSTM(8, h)), gru)
    assert abs(count_parameters(torch.nn.LSTM(8, h)) - gru) <= min(
        abs(count_parameters(torch.nn.LSTM(8, h + d)) - gru) for d in (-1, 1))
    assert nearest_size(lambda h: h, 5, smallest=9) == 9


@pytest.mark.parametrize("call, error, match", [
    (lambda: count_parameters("model"), ArgumentKindError, r"expected a torch.nn.Module, got str"),
    (lambda: nearest_size(42, 10), ArgumentKindError, r"expected count, a function size -> parameters, got int"),
    (lambda: nearest_size(lambda h: h, 0), ValueError, r"target: expected an int >= 1"),
    (lambda: nearest_size(lambda h: h, 10, smallest=0), ValueError, r"smallest: expected an int >= 1"),
])
def test_sizes_refuse_bad_input_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
