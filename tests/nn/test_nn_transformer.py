"""rnnlab.nn attention and transformer layers against torch.nn in float64.

Outputs, attention weights and the gradients of every parameter and input equal torch's to
1e-10 over random configurations; then the properties a student relies on (padding gets zero
weight, causal means no peeking), positional encodings, and the error messages.
"""
import math
import random

import pytest
import torch
import torch.nn.functional as F

from rnnlab.nn.multihead import MultiheadAttention, causal_mask, scaled_dot_product_attention
from rnnlab.nn.positions import LearnedPositions, sinusoidal_positions
from rnnlab.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer

TOL = 1e-10
F64 = torch.float64


# -- helpers --------------------------------------------------------------------------------
def randomize_(module, gen):
    """Non-trivial values for every parameter (torch starts biases at 0 and LayerNorms at 1)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype) * 0.5)
    return module


def random_mask(gen, shape, dtype, allowed_first=True):
    """A bool (True = not allowed) or float mask; key 0 always allowed, so no row is fully masked."""
    hidden = torch.rand(shape, generator=gen) < 0.35
    if allowed_first:
        hidden[..., 0] = False
    if dtype == "bool":
        return hidden
    return (torch.randn(shape, generator=gen, dtype=F64) * 0.5).masked_fill(hidden, float("-inf"))


def as_dtype(mask, dtype):
    """A bool mask as the same mask of ``dtype`` ("bool" or "float": 0 / -inf)."""
    if dtype == "bool":
        return mask
    return torch.zeros(mask.shape, dtype=F64).masked_fill(mask, float("-inf"))


def check_parity(ours, ref, inputs, call):
    """Run both modules on fresh leaf copies of ``inputs``; every output and gradient must agree.

    call(module, leaves) -> list of outputs (None allowed: must be None for both). The loss
    weighs every output with fixed random numbers, so every output element has a gradient.
    """
    assert sorted(n for n, _ in ours.named_parameters()) == sorted(n for n, _ in ref.named_parameters())
    results = []
    for module in (ours, ref):
        module.zero_grad()
        leaves = [t.detach().clone().requires_grad_() for t in inputs]
        outs = call(module, leaves)
        gen = torch.Generator().manual_seed(123)  # not randn_like: it follows the strides of o
        loss = sum((o * torch.randn(o.shape, generator=gen, dtype=o.dtype)).sum() for o in outs if o is not None)
        loss.backward()
        results.append((outs, [t.grad for t in leaves]))
    (outs_a, grads_a), (outs_b, grads_b) = results
    assert len(outs_a) == len(outs_b)
    for a, b in zip(outs_a, outs_b):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.shape == b.shape and a.dtype == b.dtype
            torch.testing.assert_close(a, b, rtol=0, atol=TOL, equal_nan=False)
    for a, b in zip(grads_a, grads_b):
        torch.testing.assert_close(a, b, rtol=0, atol=TOL)
    params = dict(ours.named_parameters())
    for name, p in ref.named_parameters():
        torch.testing.assert_close(params[name].grad, p.grad, rtol=0, atol=TOL, msg=name)


def layout(x_btd, batched, batch_first):
    """A (B, T, D) tensor in the module's layout: (B, T, D), (T, B, D) or unbatched (T, D)."""
    if not batched:
        return x_btd[0]
    return x_btd if batch_first else x_btd.transpose(0, 1).contiguous()


# -- MultiheadAttention against torch ----------------------------------------------------------
def mha_configs(n):
    rng = random.Random(2017)
    configs = []
    for i in range(n):
        c = dict(seed=i, batch_first=rng.random() < 0.5, batched=rng.random() < 0.8,
                 heads=rng.choice([1, 2, 4]), bias=rng.random() < 0.8, need_weights=rng.random() < 0.6,
                 average=rng.random() < 0.5, dtype=rng.choice(["bool", "float"]),
                 mask=rng.choice([None, "2d", "3d"]), kpm=rng.random() < 0.5, causal=rng.random() < 0.3,
                 causal_mask_given=rng.random() < 0.5, eval=rng.random() < 0.3)
        c["self"] = rng.random() < 0.5
        c["kvdim"] = None if c["self"] or rng.random() < 0.5 else (rng.choice([3, 8]), rng.choice([5, 8]))
        configs.append(c)
    configs[0].update(causal=True, causal_mask_given=False, need_weights=False, kpm=False)  # torch's SDPA path
    configs[1].update(causal=True, causal_mask_given=False, need_weights=True, kpm=True)
    return configs


def cid(c):
    keys = ["batch_first", "batched", "self", "bias", "need_weights", "average", "kpm", "causal", "eval"]
    return f"{c['seed']}-" + "-".join(k for k in keys if c[k]) + f"-h{c['heads']}-{c['mask']}-{c['dtype']}-{c['kvdim']}"


@pytest.mark.parametrize("c", mha_configs(40), ids=cid)
def test_multihead_attention_matches_torch(c):
    gen = torch.Generator().manual_seed(c["seed"])
    E, B, L = 8, 3, 5
    S = L if c["self"] else 4
    kdim, vdim = c["kvdim"] or (E, E)
    kw = dict(bias=c["bias"], batch_first=c["batch_first"], dtype=F64,
              dropout=0.3 if c["eval"] else 0.0)
    if c["kvdim"]:
        kw.update(kdim=kdim, vdim=vdim)
    ref = randomize_(torch.nn.MultiheadAttention(E, c["heads"], **kw), gen)
    ours = MultiheadAttention(E, c["heads"], **kw)
    ours.load_state_dict(ref.state_dict())  # parameter names are torch's
    if c["eval"]:
        ref.eval(), ours.eval()
    Bm = B if c["batched"] else 1

    # masks: the same for both, except that ours may leave out a causal attn_mask
    attn_mask = ours_mask = None
    if c["causal"]:
        attn_mask = as_dtype(causal_mask(L, S), c["dtype"])
        ours_mask = attn_mask if c["causal_mask_given"] else None
    elif c["mask"] == "2d":
        attn_mask = ours_mask = random_mask(gen, (L, S), c["dtype"])
    elif c["mask"] == "3d":
        attn_mask = ours_mask = random_mask(gen, (Bm * c["heads"], L, S), c["dtype"])
    kpm = random_mask(gen, (Bm, S), c["dtype"]) if c["kpm"] else None
    kpm = kpm[0] if kpm is not None and not c["batched"] else kpm

    q = torch.randn(B, L, E, generator=gen, dtype=F64)
    k = torch.randn(B, S, kdim, generator=gen, dtype=F64)
    v = torch.randn(B, S, vdim, generator=gen, dtype=F64)
    inputs = [layout(t, c["batched"], c["batch_first"]) for t in ([q] if c["self"] else [q, k, v])]

    def call(module, leaves):
        query, key, value = leaves * 3 if c["self"] else leaves  # self-attention: one tensor three times
        mask = ours_mask if module is ours else attn_mask
        return list(module(query, key, value, key_padding_mask=kpm, need_weights=c["need_weights"],
                           attn_mask=mask, average_attn_weights=c["average"], is_causal=c["causal"]))

    check_parity(ours, ref, inputs, call)


def test_attention_weights_shapes_and_none():
    mha = MultiheadAttention(8, 2, batch_first=True, dtype=F64)
    x = torch.randn(3, 5, 8, dtype=F64)
    out, w = mha(x, x, x)
    assert out.shape == (3, 5, 8) and w.shape == (3, 5, 5)
    out, w = mha(x, x, x, average_attn_weights=False)
    assert w.shape == (3, 2, 5, 5)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 2, 5, dtype=F64))
    assert mha(x, x, x, need_weights=False)[1] is None
    out, w = mha(x[0], x[0], x[0], average_attn_weights=False)  # unbatched
    assert out.shape == (5, 8) and w.shape == (2, 5, 5)


def test_training_dropout_drops_attention_weights():
    torch.manual_seed(0)
    mha = MultiheadAttention(8, 2, dropout=0.5, batch_first=True, dtype=F64)
    x = torch.randn(4, 6, 8, dtype=F64)
    _, w = mha(x, x, x, average_attn_weights=False)  # training: dropped, survivors scaled by 2
    assert (w == 0).float().mean() > 0.3
    assert not torch.allclose(w.sum(-1), torch.ones(4, 2, 6, dtype=F64))
    mha.eval()
    _, w = mha(x, x, x, average_attn_weights=False)
    torch.testing.assert_close(w.sum(-1), torch.ones(4, 2, 6, dtype=F64))


# -- scaled dot-product attention against torch's fused function ------------------------------
@pytest.mark.parametrize("mask", [None, "bool", "float", "kpm", "causal"])
def test_scaled_dot_product_attention_matches_torch_functional(mask):
    gen = torch.Generator().manual_seed(7)
    q = torch.randn(2, 3, 5, 4, generator=gen, dtype=F64)  # (B, H, L, d)
    k = torch.randn(2, 3, 6, 4, generator=gen, dtype=F64)  # (B, H, S, d)
    v = torch.randn(2, 3, 6, 7, generator=gen, dtype=F64)  # (B, H, S, d_v)
    ours, theirs = {}, {}
    if mask in ("bool", "float"):
        m = random_mask(gen, (5, 6), mask)
        ours["attn_mask"] = m
        theirs["attn_mask"] = ~m if mask == "bool" else m  # torch's functional: True = MAY attend
    elif mask == "kpm":
        m = random_mask(gen, (2, 6), "bool")
        ours["key_padding_mask"] = m
        theirs["attn_mask"] = ~m[:, None, None, :]
    elif mask == "causal":
        ours["is_causal"] = theirs["is_causal"] = True
    c, alpha = scaled_dot_product_attention(q, k, v, **ours)
    assert c.shape == (2, 3, 5, 7) and alpha.shape == (2, 3, 5, 6)
    torch.testing.assert_close(c, F.scaled_dot_product_attention(q, k, v, **theirs), rtol=0, atol=TOL)
    torch.testing.assert_close(alpha.sum(-1), torch.ones(2, 3, 5, dtype=F64), rtol=0, atol=TOL)


# -- transformer layers against torch ----------------------------------------------------------
def layer_configs(n):
    rng = random.Random(1706)
    configs = []
    for i in range(n):
        configs.append(dict(
            seed=i, decoder=i % 2 == 1, batch_first=rng.random() < 0.5, batched=rng.random() < 0.8,
            norm_first=rng.random() < 0.5, activation=rng.choice(["relu", "gelu"]), bias=rng.random() < 0.8,
            heads=rng.choice([1, 2, 4]), dtype=rng.choice(["bool", "float"]), mask=rng.choice([None, "2d", "3d"]),
            kpm=rng.random() < 0.5, causal=rng.random() < 0.4, causal_mask_given=rng.random() < 0.5,
            memory_mask=rng.choice([None, "2d", "3d"]), memory_kpm=rng.random() < 0.5,
            memory_causal=rng.random() < 0.2, eval=rng.random() < 0.4))
    return configs


def lid(c):
    keys = ["batch_first", "batched", "norm_first", "bias", "kpm", "causal", "memory_kpm", "memory_causal", "eval"]
    return (f"{c['seed']}-{'dec' if c['decoder'] else 'enc'}-" + "-".join(k for k in keys if c[k])
            + f"-{c['activation']}-h{c['heads']}-{c['mask']}-{c['memory_mask']}-{c['dtype']}")


@pytest.mark.parametrize("c", layer_configs(40), ids=lid)
def test_transformer_layers_match_torch(c):
    gen = torch.Generator().manual_seed(100 + c["seed"])
    d, B, T, S = 8, 3, 5, 4
    Bm = B if c["batched"] else 1
    kw = dict(dim_feedforward=12, dropout=0.3 if c["eval"] else 0.0, layer_norm_eps=1e-5,
              batch_first=c["batch_first"], norm_first=c["norm_first"], bias=c["bias"], dtype=F64)
    ref_cls, ours_cls = ((torch.nn.TransformerDecoderLayer, TransformerDecoderLayer) if c["decoder"]
                         else (torch.nn.TransformerEncoderLayer, TransformerEncoderLayer))
    ref = randomize_(ref_cls(d, c["heads"], activation=c["activation"], **kw), gen)
    ours = ours_cls(d, c["heads"], activation=c["activation"], **kw)
    ours.load_state_dict(ref.state_dict())
    if c["eval"]:
        ref.eval(), ours.eval()

    def masks(L, Sk, kind, causal, kpm):
        """(torch's attn_mask, ours, key_padding_mask) for L queries and Sk keys."""
        p = random_mask(gen, (Bm, Sk), c["dtype"]) if kpm else None
        p = p[0] if p is not None and not c["batched"] else p
        if causal:
            m = as_dtype(causal_mask(L, Sk), c["dtype"])
            return m, (m if c["causal_mask_given"] else None), p
        shape = {None: None, "2d": (L, Sk), "3d": (Bm * c["heads"], L, Sk)}[kind]
        m = None if shape is None else random_mask(gen, shape, c["dtype"])
        return m, m, p

    x = layout(torch.randn(B, T, d, generator=gen, dtype=F64), c["batched"], c["batch_first"])
    self_masks = masks(T, T, c["mask"], c["causal"], c["kpm"])
    if not c["decoder"]:
        def call(module, leaves):
            mask = self_masks[1] if module is ours else self_masks[0]
            return [module(leaves[0], mask, self_masks[2], is_causal=c["causal"])]
        check_parity(ours, ref, [x], call)
        return

    memory = layout(torch.randn(B, S, d, generator=gen, dtype=F64), c["batched"], c["batch_first"])
    mem_masks = masks(T, S, c["memory_mask"], c["memory_causal"], c["memory_kpm"])

    def call(module, leaves):
        i = 1 if module is ours else 0
        return [module(leaves[0], leaves[1], tgt_mask=self_masks[i], memory_mask=mem_masks[i],
                       tgt_key_padding_mask=self_masks[2], memory_key_padding_mask=mem_masks[2],
                       tgt_is_causal=c["causal"], memory_is_causal=c["memory_causal"])]
    check_parity(ours, ref, [x, memory], call)


# -- from_torch -------------------------------------------------------------------------------
def assert_same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for name in sa:
        assert sa[name].dtype == sb[name].dtype == F64, name
        torch.testing.assert_close(sa[name], sb[name], rtol=0, atol=0, msg=name)


@pytest.mark.parametrize("kw", [dict(), dict(kdim=3, vdim=5, bias=False, batch_first=True)], ids=["packed", "kvdim"])
def test_multihead_from_torch_round_trip(kw):
    gen = torch.Generator().manual_seed(3)
    ref = randomize_(torch.nn.MultiheadAttention(8, 2, dtype=F64, dropout=0.25, **kw), gen)
    ours = MultiheadAttention.from_torch(ref)
    assert_same_state(ours, ref)
    assert (ours.embed_dim, ours.num_heads, ours.kdim, ours.vdim, ours.batch_first, ours.dropout) == \
        (ref.embed_dim, ref.num_heads, ref.kdim, ref.vdim, ref.batch_first, ref.dropout)
    back = torch.nn.MultiheadAttention(8, 2, dtype=F64, dropout=0.25, **kw)
    back.load_state_dict(ours.state_dict())  # strict: no missing, no unexpected keys
    assert_same_state(back, ref)
    ours.eval(), ref.eval()
    q = layout(torch.randn(2, 5, 8, dtype=F64), True, ours.batch_first)
    k = layout(torch.randn(2, 4, ours.kdim, dtype=F64), True, ours.batch_first)
    v = layout(torch.randn(2, 4, ours.vdim, dtype=F64), True, ours.batch_first)
    with torch.no_grad():
        a, b = ours(q, k, v), ref(q, k, v)
    torch.testing.assert_close(a[0], b[0], rtol=0, atol=TOL)


@pytest.mark.parametrize("decoder", [False, True], ids=["encoder", "decoder"])
def test_layer_from_torch_round_trip(decoder):
    gen = torch.Generator().manual_seed(4)
    cls, ref_cls = (TransformerDecoderLayer, torch.nn.TransformerDecoderLayer) if decoder else \
        (TransformerEncoderLayer, torch.nn.TransformerEncoderLayer)
    kw = dict(dim_feedforward=16, dropout=0.2, activation="gelu", layer_norm_eps=1e-3, batch_first=True,
              norm_first=True, dtype=F64)
    ref = randomize_(ref_cls(8, 4, **kw), gen).eval()
    ours = cls.from_torch(ref)
    assert_same_state(ours, ref)
    assert ours.norm1.eps == 1e-3 and ours.norm_first and ours.batch_first and not ours.training
    assert ours.dropout.p == 0.2 and ours.linear1.out_features == 16 and ours.self_attn.num_heads == 4
    back = ref_cls(8, 4, **kw)
    back.load_state_dict(ours.state_dict())
    assert_same_state(back, ref)
    x, mem = torch.randn(2, 5, 8, dtype=F64), torch.randn(2, 3, 8, dtype=F64)
    with torch.no_grad():  # same activation (gelu), eps and norm placement: same numbers
        a, b = (ours(x, mem), ref(x, mem)) if decoder else (ours(x), ref(x))
    torch.testing.assert_close(a, b, rtol=0, atol=TOL)


def test_from_torch_rejects_bias_kv():
    with pytest.raises(ValueError, match="add_bias_kv"):
        MultiheadAttention.from_torch(torch.nn.MultiheadAttention(8, 2, add_bias_kv=True))


# -- what masks promise ------------------------------------------------------------------------
def test_padding_keys_get_zero_weight_and_do_not_matter():
    torch.manual_seed(5)
    mha = MultiheadAttention(8, 2, batch_first=True, dtype=F64)
    lengths = torch.tensor([6, 4, 2])
    pad = torch.arange(6)[None, :] >= lengths[:, None]  # (B, S) True = padding
    q, kv = torch.randn(3, 5, 8, dtype=F64), torch.randn(3, 6, 8, dtype=F64)
    out, w = mha(q, kv, kv, key_padding_mask=pad, average_attn_weights=False)  # w (B, H, L, S)
    assert bool((w.permute(0, 2, 1, 3)[pad[:, None, None, :].expand(-1, 5, 2, -1)] == 0).all())
    assert bool((w[0] > 0).all())  # nothing hidden in the full-length sequence
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 2, 5, dtype=F64), rtol=0, atol=TOL)
    kv2 = kv.clone()
    kv2[pad] = 100.0 * torch.randn(int(pad.sum()), 8, dtype=F64)  # change only what is padding
    out2, _ = mha(q, kv2, kv2, key_padding_mask=pad)
    torch.testing.assert_close(out2, out, rtol=0, atol=1e-12)
    out3, _ = mha(q, kv2, kv2)  # without the mask the padding does matter
    assert (out3 - out).abs().max() > 1e-3


def _causal_models():
    torch.manual_seed(6)
    kw = dict(dim_feedforward=12, dropout=0.0, batch_first=True, dtype=F64)
    mha = MultiheadAttention(8, 2, batch_first=True, dtype=F64)
    enc = TransformerEncoderLayer(8, 2, **kw)
    dec = TransformerDecoderLayer(8, 2, norm_first=True, **kw)
    memory = torch.randn(2, 4, 8, dtype=F64)
    return {
        "mha": lambda x, causal: mha(x, x, x, is_causal=causal)[0],
        "mha-mask": lambda x, causal: mha(x, x, x, attn_mask=causal_mask(6) if causal else None)[0],
        "encoder": lambda x, causal: enc(x, is_causal=causal),
        "decoder": lambda x, causal: dec(x, memory, tgt_is_causal=causal),
    }


@pytest.mark.parametrize("model", ["mha", "mha-mask", "encoder", "decoder"])
def test_causal_output_does_not_depend_on_the_future(model):
    f = _causal_models()[model]
    x = torch.randn(2, 6, 8, dtype=F64)
    t0 = 2
    x2 = x.clone()
    x2[:, t0 + 1:] += torch.randn(2, 6 - t0 - 1, 8, dtype=F64)  # change positions after t0
    y, y2 = f(x, True), f(x2, True)
    torch.testing.assert_close(y2[:, : t0 + 1], y[:, : t0 + 1], rtol=0, atol=1e-12)
    assert (y2[:, t0 + 1:] - y[:, t0 + 1:]).abs().min() > 0  # the later outputs do see the change
    z, z2 = f(x, False), f(x2, False)  # without the mask the past does see the future
    assert (z2[:, : t0 + 1] - z[:, : t0 + 1]).abs().max() > 1e-3


def test_causal_mask():
    m = causal_mask(3)
    assert m.dtype == torch.bool
    assert m.tolist() == [[False, True, True], [False, False, True], [False, False, False]]
    assert causal_mask(2, 3).tolist() == [[False, True, True], [False, False, True]]
    # after a cache of 2 keys, query t is position 2 + t: it sees keys 0 .. 2 + t
    assert causal_mask(2, 4, offset=2).tolist() == [[False, False, False, True], [False, False, False, False]]


# -- the key/value cache (rnnlab's addition) --------------------------------------------------------
@pytest.mark.parametrize("norm_first", [True, False])
@pytest.mark.parametrize("batch_first", [True, False])
def test_forward_cached_equals_the_causal_forward_over_the_prefix(norm_first, batch_first):
    gen = torch.Generator().manual_seed(7)
    layer = randomize_(TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=batch_first,
                                               norm_first=norm_first, dtype=F64), gen).eval()
    x = torch.randn(3, 9, 8, generator=gen, dtype=F64)  # (B, T, d)
    at = (lambda t: t) if batch_first else (lambda t: t.transpose(0, 1))  # (B, T, d) <-> the layer's layout
    full = at(layer(at(x), is_causal=True))  # (B, T, d)
    cache = None
    for t in range(9):  # one position at a time
        y, new = layer.forward_cached(at(x[:, t:t + 1]), cache)
        torch.testing.assert_close(at(y), full[:, t:t + 1], rtol=0, atol=1e-10)
        assert all(c.shape == (3, 2, t + 1, 4) for c in new)  # (B, nhead, n + 1, d / nhead): one more position
        if cache is not None:  # the given cache is left as it was, and is the head of the new one
            assert cache[0].shape == (3, 2, t, 4) and torch.equal(new[0][:, :, :t], cache[0])
        cache = new
    y_a, cache = layer.forward_cached(at(x[:, :4]))  # several positions at once, then the rest
    y_b, cache = layer.forward_cached(at(x[:, 4:]), cache)
    torch.testing.assert_close(torch.cat([at(y_a), at(y_b)], 1), full, rtol=0, atol=1e-10)
    assert cache[1].shape == (3, 2, 9, 4)


def test_multihead_attention_with_a_cache_attends_to_the_cached_keys_too():
    gen = torch.Generator().manual_seed(3)
    mha = randomize_(MultiheadAttention(8, 2, batch_first=True, dtype=F64), gen)
    x = torch.randn(2, 5, 8, generator=gen, dtype=F64)
    pad = torch.tensor([[False] * 5, [False, False, False, True, False]])  # (B, S) True = padding: NOT allowed
    full, full_w = mha(x, x, x, key_padding_mask=pad, is_causal=True, average_attn_weights=False)
    empty = torch.zeros(2, 2, 0, 4, dtype=F64)
    _, _, cache = mha(x[:, :3], x[:, :3], x[:, :3], is_causal=True, cache=(empty, empty))
    out, w, (K, V) = mha(x[:, 3:], x[:, 3:], x[:, 3:], key_padding_mask=pad, is_causal=True, cache=cache,
                         average_attn_weights=False)
    torch.testing.assert_close(out, full[:, 3:], rtol=0, atol=1e-12)
    assert w.shape == (2, 2, 2, 5) and K.shape == V.shape == (2, 2, 5, 4)  # (B, H, L, n + S), (B, H, n + S, d)
    torch.testing.assert_close(w, full_w[:, :, 3:], rtol=0, atol=1e-12)
    assert len(mha(x, x, x)) == 2  # without a cache: torch's two outputs


def test_cache_of_wrong_shape_or_kind(raises_naming):
    mha = MultiheadAttention(8, 2, batch_first=True)
    layer = TransformerEncoderLayer(8, 2, dim_feedforward=8, batch_first=True)
    x = torch.randn(2, 1, 8)
    with raises_naming(ValueError, "cache K", "(2, 2, 3, 4)", "(B, num_heads, n, head_dim)", "got (2, 4, 3, 2)"):
        mha(x, x, x, cache=(torch.zeros(2, 4, 3, 2), torch.zeros(2, 4, 3, 2)))
    with raises_naming(ValueError, "cache V", "(2, 2, 3, 4)", "got (2, 2, 2, 4)"):
        layer.forward_cached(x, (torch.zeros(2, 2, 3, 4), torch.zeros(2, 2, 2, 4)))
    with raises_naming(TypeError, "cache", "pair (K, V)", "got Tensor"):
        mha(x, x, x, cache=torch.zeros(2, 2, 3, 4))
    with raises_naming(ValueError, "cache", "(B, L, E)", "(L, B, E)", "unbatched (L, E)"):
        mha(x[0], x[0], x[0], cache=(torch.zeros(1, 2, 0, 4),) * 2)
    with raises_naming(ValueError, "x:", "(B, T, d_model)", "cache", "unbatched", "(1, 8)"):
        layer.forward_cached(x[0])


# -- positions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("d_model", [16, 7])
def test_sinusoidal_positions_formula(d_model):
    pe = sinusoidal_positions(50, d_model, dtype=F64)
    assert pe.shape == (50, d_model) and pe.dtype == F64
    for t, i in [(0, 0), (1, 0), (3, 1), (17, 2), (49, (d_model - 1) // 2)]:
        angle = t / 10000 ** (2 * i / d_model)
        assert pe[t, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-12)
        if 2 * i + 1 < d_model:
            assert pe[t, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-12)
    assert pe[0, 0::2].abs().max() == 0 and (pe[0, 1::2] == 1).all()
    assert sinusoidal_positions(4, d_model).dtype == torch.float32


def test_sinusoidal_dot_product_depends_on_offset_only():
    pe = sinusoidal_positions(40, 16, dtype=F64)
    for k in (1, 5):
        dots = (pe[:-k] * pe[k:]).sum(-1)  # PE[t] . PE[t + k] for every t
        torch.testing.assert_close(dots, dots[:1].expand_as(dots), rtol=0, atol=1e-10)


def test_learned_positions(raises_naming):
    pos = LearnedPositions(10, 4, dtype=F64)
    x = torch.randn(3, 6, 4, dtype=F64)
    torch.testing.assert_close(pos(x), x + pos.weight[:6][None], rtol=0, atol=0)
    torch.testing.assert_close(pos(x[0]), x[0] + pos.weight[:6], rtol=0, atol=0)
    pos(x).sum().backward()
    assert (pos.weight.grad[:6] == 3).all() and (pos.weight.grad[6:] == 0).all()
    with raises_naming(ValueError, "x:", "max_len = 10", "got T = 11"):
        pos(torch.randn(2, 11, 4, dtype=F64))
    with raises_naming(ValueError, "x:", "d_model = 4", "dim -1", "got 5"):
        pos(torch.randn(2, 3, 5, dtype=F64))


# -- errors ------------------------------------------------------------------------------------
def test_embed_dim_not_divisible_by_heads(raises_naming):
    with raises_naming(ValueError, "embed_dim", "multiple of num_heads = 3", "got embed_dim = 10"):
        MultiheadAttention(10, 3)
    with raises_naming(ValueError, "d_model divisible by nhead", "d_model = 6", "nhead = 4"):
        TransformerEncoderLayer(6, 4)


def test_unsupported_options_are_refused(raises_naming):
    with raises_naming(ValueError, "add_bias_kv", "expected False", "got True"):
        MultiheadAttention(8, 2, add_bias_kv=True)
    with raises_naming(ValueError, "add_zero_attn", "expected False", "got True"):
        MultiheadAttention(8, 2, add_zero_attn=True)
    with raises_naming(ValueError, "activation", "'relu'", "'gelu'", "got 'tanh'"):
        TransformerDecoderLayer(8, 2, activation="tanh")


def test_query_of_wrong_rank_or_size(raises_naming):
    mha = MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 5, 8)
    with raises_naming(ValueError, "query", "2-D or 3-D", "(B, L, E)", "(1, 2, 5, 8)", "(4-D)"):
        mha(x[None], x, x)
    with raises_naming(ValueError, "query", "embed_dim E = 8", "dim -1", "got 6"):
        mha(x[..., :6], x, x)
    with raises_naming(ValueError, "key", "3-D", "(5, 8)"):
        mha(x, x[0], x)
    with raises_naming(ValueError, "key", "B (of query) = 2", "dim 0", "got 1"):
        mha(x, x[:1], x[:1])
    with raises_naming(ValueError, "value", "S (of key) = 5", "dim 1", "got 4"):
        mha(x, x, x[:, :4])
    kv = MultiheadAttention(8, 2, kdim=3, vdim=5)
    with raises_naming(ValueError, "key", "kdim = 3", "dim -1", "got 8"):
        kv(torch.randn(5, 2, 8), torch.randn(4, 2, 8), torch.randn(4, 2, 5))


def test_key_padding_mask_of_wrong_shape(raises_naming):
    mha = MultiheadAttention(8, 2)  # (L, B, E)
    q, kv = torch.randn(5, 2, 8), torch.randn(4, 2, 8)
    with raises_naming(ValueError, "key_padding_mask", "(2, 4)", "(B, S)", "got (4, 2)"):
        mha(q, kv, kv, key_padding_mask=torch.zeros(4, 2, dtype=torch.bool))
    with raises_naming(ValueError, "key_padding_mask", "(4,)", "unbatched", "got (2, 4)"):
        mha(q[:, 0], kv[:, 0], kv[:, 0], key_padding_mask=torch.zeros(2, 4, dtype=torch.bool))
    with raises_naming(TypeError, "key_padding_mask", "bool", "torch.int64"):
        mha(q, kv, kv, key_padding_mask=torch.zeros(2, 4, dtype=torch.long))


def test_attn_mask_of_wrong_shape(raises_naming):
    mha = MultiheadAttention(8, 2)
    q, kv = torch.randn(5, 3, 8), torch.randn(4, 3, 8)
    with raises_naming(ValueError, "attn_mask", "(5, 4)", "(L, S)", "got (4, 5)"):
        mha(q, kv, kv, attn_mask=torch.zeros(4, 5, dtype=torch.bool))
    with raises_naming(ValueError, "attn_mask", "(6, 5, 4)", "(B * num_heads, L, S)", "got (3, 5, 4)"):
        mha(q, kv, kv, attn_mask=torch.zeros(3, 5, 4))
    with raises_naming(ValueError, "attn_mask", "2-D or 3-D", "(4,)"):
        mha(q, kv, kv, attn_mask=torch.zeros(4))
    enc = TransformerEncoderLayer(8, 2, dim_feedforward=8)
    with raises_naming(ValueError, "attn_mask", "(5, 5)", "got (5, 4)"):
        enc(torch.randn(5, 3, 8), src_mask=torch.zeros(5, 4))


def test_layer_inputs_of_wrong_shape(raises_naming):
    enc = TransformerEncoderLayer(8, 2, dim_feedforward=8, batch_first=True)
    with raises_naming(ValueError, "src", "d_model = 8", "dim -1", "got 7"):
        enc(torch.randn(2, 5, 7))
    dec = TransformerDecoderLayer(8, 2, dim_feedforward=8)  # (T, B, d)
    with raises_naming(ValueError, "memory", "B (of tgt) = 3", "dim 1", "got 2"):
        dec(torch.randn(5, 3, 8), torch.randn(4, 2, 8))
    with raises_naming(ValueError, "memory", "3-D", "(4, 8)"):
        dec(torch.randn(5, 3, 8), torch.randn(4, 8))
