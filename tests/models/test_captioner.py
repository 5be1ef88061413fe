"""rnnlab.models.captioner: shapes, the attention step against a by-hand softmax, mean-pool = uniform
attention, equal parameters, gradients, learning, greedy decoding, and clear errors."""
import pytest
import torch

from rnnlab.models.captioner import (Captioner, SceneEncoder, caption_loss,
                                     matched_hidden_size)
from rnnlab.models.sizes import count_parameters
from rnnlab.tasks import scenes as sc

V = len(sc.word_vocabulary())


def test_encoder_gives_a_grid_of_annotations_that_sees_position():
    torch.manual_seed(0)
    enc = SceneEncoder(32, 24)
    a = enc(torch.rand(2, 3, 32, 32))
    assert a.shape == (2, 64, 24) and enc.grid == 8
    blank = torch.zeros(1, 3, 32, 32)
    a0 = enc(blank)[0]
    # the coordinate channels: a black image still gives different annotations in different cells
    assert (a0[0] - a0[-1]).abs().max() > 1e-3


def test_the_attention_step_is_xu_et_al_s_soft_attention_by_hand():
    torch.manual_seed(0)
    model = Captioner(V, attend=True, hidden_size=20, channels=12, attention_size=10)
    images, tokens = torch.rand(3, 3, 32, 32), torch.randint(3, V, (3, 5))
    logits, alpha = model(images, tokens)
    assert logits.shape == (3, 5, V) and alpha.shape == (3, 5, 64)
    torch.testing.assert_close(alpha.sum(-1), torch.ones(3, 5))
    # first step by hand: h_0 from the mean annotation, e = v^T tanh(W_h a_j + W_s h_0), softmax, context
    a = model.encoder(images)
    h0 = torch.tanh(model.init_h(a.mean(1)))
    c0 = torch.tanh(model.init_c(a.mean(1)))
    att = model.attention
    e = (torch.tanh(a @ att.W_h.weight.T + (h0 @ att.W_s.weight.T)[:, None]) @ att.v.weight.T)[..., 0]
    alpha0 = torch.softmax(e, -1)
    torch.testing.assert_close(alpha[:, 0], alpha0)
    context = (alpha0[..., None] * a).sum(1)
    ref = torch.nn.LSTMCell(model.cell.input_size, 20)
    ref.load_state_dict({k: getattr(model.cell, k) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    h1, _ = ref(torch.cat([model.embed(tokens[:, 0]), context], 1), (h0, c0))   # parity with torch's LSTMCell
    torch.testing.assert_close(logits[:, 0], model.out(torch.cat([h1, context], 1)))


def test_without_attention_the_context_is_the_mean_pooled_grid():
    torch.manual_seed(1)
    model = Captioner(V, attend=False, hidden_size=16, channels=8)
    images, tokens = torch.rand(2, 3, 32, 32), torch.randint(3, V, (2, 4))
    logits, alpha = model(images, tokens)
    torch.testing.assert_close(alpha, torch.full((2, 4, 64), 1 / 64))
    assert model.attention is None
    # the image enters only through the mean annotation: shuffling the grid cells changes nothing
    a = model.encoder(images)
    perm = torch.randperm(64)
    s1 = model.start(images)[2]
    _, _, s2 = model.step(tokens[:, 0], a[:, perm], None, s1)
    _, _, s3 = model.step(tokens[:, 0], a, None, s1)
    torch.testing.assert_close(s2[0], s3[0])


@pytest.mark.parametrize("hidden", [32, 64, 96])
def test_the_mean_pool_decoder_is_widened_to_equal_parameters(hidden):
    H = matched_hidden_size(V, hidden)
    n_att = count_parameters(Captioner(V, attend=True, hidden_size=hidden))
    n_mean = count_parameters(Captioner(V, attend=False, hidden_size=H))
    assert H > hidden and abs(n_mean - n_att) / n_att < 0.02
    assert abs(count_parameters(Captioner(V, attend=False, hidden_size=H + 1)) - n_att) >= abs(n_mean - n_att)


def test_gradients_pass_gradcheck_in_float64():
    torch.manual_seed(0)
    model = Captioner(V, attend=True, hidden_size=6, channels=4, attention_size=3, image_size=8).double()
    images, tokens = torch.rand(2, 3, 8, 8, dtype=torch.float64), torch.randint(3, V, (2, 3))
    W = model.attention.W_s.weight

    def f(w):
        return torch.func.functional_call(model, {"attention.W_s.weight": w}, (images, tokens))[0].sum()

    assert torch.autograd.gradcheck(f, (W.detach().clone().requires_grad_(),))


def test_the_loss_ignores_padding_and_training_learns_a_tiny_set():
    torch.manual_seed(0)
    scenes, vocab = sc.make_scenes(8, 1, seed=0), sc.word_vocabulary()
    tokens = sc.encode_captions(scenes.captions, vocab)
    model = Captioner(V, attend=True, hidden_size=32, channels=16)
    padded = torch.cat([tokens, torch.zeros(8, 3, dtype=torch.int64)], 1)
    torch.testing.assert_close(caption_loss(model, (scenes.images, tokens)), caption_loss(model, (scenes.images, padded)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        opt.zero_grad()
        loss = caption_loss(model, (scenes.images, tokens))
        loss.backward()
        opt.step()
    assert float(loss) < 0.05
    out, alpha = model.greedy(scenes.images, max_len=10)
    assert [vocab.decode(r, sep=" ") for r in out] == scenes.captions      # memorised: greedy reproduces them
    assert alpha.shape == (8, out.shape[1], 64)
    ends = (out == vocab.eos_id).float().argmax(1)
    for b in range(8):
        assert (out[b, ends[b] + 1:] == 0).all() and (alpha[b, ends[b] + 1:] == 0).all()


@pytest.mark.parametrize("images, error, parts", [
    (torch.rand(2, 3, 28, 28), ValueError, ["32x32", "got (28, 28)", "image_size=28"]),
    (torch.rand(3, 32, 32), ValueError, ["(B, 3, 32, 32)", "images[None]"]),
    (torch.rand(2, 4, 32, 32), ValueError, ["3 colour channels"]),
    (torch.rand(2, 32, 32, 3), ValueError, ["3 colour channels"]),
    (torch.randint(0, 255, (2, 3, 32, 32)), TypeError, ["images"]),
    (torch.rand(2, 3, 32, 32).double(), TypeError, ["float64", "images.to"]),
])
def test_bad_images_raise_before_the_convolution(raises_naming, images, error, parts):
    model = Captioner(V)
    with raises_naming(error, *parts):
        model(images, torch.ones(images.shape[0], 3, dtype=torch.int64))


@pytest.mark.parametrize("tokens, error, parts", [
    (torch.ones(2, 3), TypeError, ["torch.int64", "float32"]),
    (torch.full((2, 3), V), ValueError, [f"0..{V - 1}", f"to {V}"]),
    (torch.ones(3, 3, dtype=torch.int64), ValueError, ["batch size B", "2"]),
    (torch.ones(2, dtype=torch.int64), ValueError, ["(B, T)"]),
])
def test_bad_tokens_raise(raises_naming, tokens, error, parts):
    with raises_naming(error, *parts):
        Captioner(V)(torch.rand(2, 3, 32, 32), tokens)


def test_bad_sizes_raise(raises_naming):
    with raises_naming(ValueError, "image_size", "multiple of 4", "30"):
        Captioner(V, image_size=30)
    with raises_naming(TypeError, "attend", "True or False"):
        Captioner(V, attend="yes")
    with raises_naming(ValueError, "max_len", "got 0"):
        Captioner(V).greedy(torch.rand(1, 3, 32, 32), max_len=0)
