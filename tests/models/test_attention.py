"""Attention layers against a direct float64 computation, masking, and clear errors."""
import math

import pytest
import torch

from rnnlab.models.attention import AdditiveAttention, LuongAttention, masked_softmax

B, S, Q, K = 3, 5, 4, 6
LAYERS = {
    "additive": lambda: AdditiveAttention(Q, K, attention_size=7),
    "dot": lambda: LuongAttention(K, K, "dot"),
    "general": lambda: LuongAttention(Q, K, "general"),
    "concat": lambda: LuongAttention(Q, K, "concat", attention_size=7),
}


def _inputs(layer, seed=0):
    g = torch.Generator().manual_seed(seed)
    s = torch.randn(B, layer.query_size, generator=g, dtype=torch.float64)
    h = torch.randn(B, S, K, generator=g, dtype=torch.float64)
    valid = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    return s, h, valid


def _direct_score(name, layer, s_b, h_j):
    """e for one query (Q,) and one key (K,), written from the papers' formulas."""
    if name == "additive":
        return layer.v.weight[0] @ torch.tanh(layer.W_h.weight @ h_j + layer.W_s.weight @ s_b)
    if name == "dot":
        return s_b @ h_j
    if name == "general":
        return s_b @ (layer.W_a.weight @ h_j)
    return layer.v.weight[0] @ torch.tanh(layer.W_a.weight @ torch.cat([s_b, h_j]))


@pytest.mark.parametrize("name", list(LAYERS))
def test_attention_matches_direct_computation_in_float64(name):
    torch.manual_seed(1)
    layer = LAYERS[name]().double()
    s, h, valid = _inputs(layer)
    c, alpha = layer(s, h, valid)
    assert c.shape == (B, K) and alpha.shape == (B, S)
    with torch.no_grad():
        for b in range(B):
            real = [j for j in range(S) if valid[b, j]]
            e = torch.stack([_direct_score(name, layer, s[b], h[b, j]) for j in real])
            w = torch.exp(e - e.max()) / torch.exp(e - e.max()).sum()
            expected_alpha = torch.zeros(S, dtype=torch.float64)
            expected_alpha[real] = w
            expected_c = sum(w[k] * h[b, j] for k, j in enumerate(real))
            torch.testing.assert_close(alpha[b], expected_alpha, rtol=0, atol=1e-12)
            torch.testing.assert_close(c[b], expected_c, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", list(LAYERS))
def test_padding_never_receives_weight_and_changes_nothing(name):
    torch.manual_seed(2)
    layer = LAYERS[name]().double()
    s, h, valid = _inputs(layer)
    c, alpha = layer(s, h, valid)
    assert (alpha[~valid] == 0).all()
    torch.testing.assert_close(alpha.sum(1), torch.ones(B, dtype=torch.float64), rtol=0, atol=1e-12)
    h2 = h.clone()
    h2[~valid] = 1e3 * torch.randn(int((~valid).sum()), K, dtype=torch.float64)  # garbage in the padding
    c2, alpha2 = layer(s, h2, valid)
    torch.testing.assert_close(c2, c, rtol=0, atol=1e-12)
    torch.testing.assert_close(alpha2, alpha, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", list(LAYERS))
def test_gradients_match_finite_differences(name):
    torch.manual_seed(3)
    layer = LAYERS[name]().double()
    s, h, valid = _inputs(layer)
    s.requires_grad_(True)
    h.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda s, h: layer(s, h, valid), (s, h))


def test_projected_keys_give_the_same_result():
    torch.manual_seed(4)
    layer = AdditiveAttention(Q, K).double()
    s, h, valid = _inputs(layer)
    c1, a1 = layer(s, h, valid)
    c2, a2 = layer(s, h, valid, keys=layer.project_keys(h))
    assert torch.equal(c1, c2) and torch.equal(a1, a2)


def test_masked_softmax_is_the_softmax_of_the_real_scores():
    e = torch.tensor([[1.0, 2.0, 3.0, -1.0]], dtype=torch.float64)
    valid = torch.tensor([[True, False, True, True]])
    got = masked_softmax(e, valid)[0]
    z = math.exp(1) + math.exp(3) + math.exp(-1)
    expected = torch.tensor([math.exp(1) / z, 0.0, math.exp(3) / z, math.exp(-1) / z], dtype=torch.float64)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-15)
    torch.testing.assert_close(masked_softmax(e, None)[0], torch.softmax(e[0], 0))


def test_masked_softmax_errors(raises_naming):
    e = torch.zeros(2, 3)
    with raises_naming(ValueError, "valid", "rows [1]"):
        masked_softmax(e, torch.tensor([[True, False, False], [False, False, False]]))
    with pytest.raises(TypeError, match="bool"):
        masked_softmax(e, torch.ones(2, 3))
    with pytest.raises(ValueError, match=r"expected shape \(2, 3\).*got \(2, 4\)"):
        masked_softmax(e, torch.ones(2, 4, dtype=torch.bool))


def test_attention_errors_name_what_was_expected(raises_naming):
    layer = AdditiveAttention(Q, K)
    s, h = torch.randn(B, Q), torch.randn(B, S, K)
    with pytest.raises(ValueError, match="query size Q = 4.*got 5"):
        layer(torch.randn(B, 5), h)
    with pytest.raises(ValueError, match="key size K = 6.*got 3"):
        layer(s, torch.randn(B, S, 3))
    with pytest.raises(ValueError, match="batch size B.*= 3.*got 2"):
        layer(s, torch.randn(2, S, K))
    with pytest.raises(ValueError, match=r"2-D input \(B, Q\)"):
        layer(s[0], h)
    with pytest.raises(ValueError, match="no positions"):
        layer(s, torch.randn(B, 0, K))
    with pytest.raises(TypeError, match="floating-point"):
        layer(s.long(), h)
    with raises_naming(ValueError, "dot", "query size == key size", "got 4 and 6"):
        LuongAttention(4, 6, "dot")
    with pytest.raises(ValueError, match="expected score in"):
        LuongAttention(4, 4, "cosine")
