"""rnnlab.experiments.norm_placement: the statistics notebook 11 draws for pre- vs post-norm."""
import numpy as np
import pytest
import torch

from rnnlab.experiments.norm_placement import init_statistics, linear_warmup


def test_post_norm_keeps_the_stream_normalised_and_pre_norm_lets_it_grow():
    post = init_statistics(6, norm_first=False, d_model=16, nhead=2, seeds=(0,))
    pre = init_statistics(6, norm_first=True, d_model=16, nhead=2, seeds=(0,))
    assert post["rms"].shape == (6,) and pre["rms"].shape == (6,)
    np.testing.assert_allclose(post["rms"], 1.0, atol=0.02)  # LayerNorm output, its weight 1 and bias 0 at init
    assert np.all(np.diff(pre["rms"]) > 0)  # each pre-norm layer adds to the stream
    assert post["last_grad"] > 0 and pre["last_grad"] > 0


def test_statistics_are_seeded():
    a = init_statistics(2, True, d_model=8, nhead=2, seeds=(1, 2))
    b = init_statistics(2, True, d_model=8, nhead=2, seeds=(1, 2))
    np.testing.assert_array_equal(a["rms"], b["rms"])
    assert a["last_grad"] == b["last_grad"]
    with pytest.raises(ValueError, match="num_layers"):
        init_statistics(0, True)


def test_linear_warmup():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    set_lr = linear_warmup(opt, 0.1, 4)
    assert [round(set_lr(s), 6) for s in (1, 2, 4, 10)] == [0.025, 0.05, 0.1, 0.1]
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    assert linear_warmup(opt, 0.3, 0)(1) == pytest.approx(0.3)  # no warm-up
    with pytest.raises(ValueError, match="warmup_steps"):
        linear_warmup(opt, 0.1, -1)
