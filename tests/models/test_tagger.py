import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
import torch

from rnnlab import nn as rnn
from rnnlab.checks import LengthError
from rnnlab.data.vocab import IGNORE, PAD, valid_mask
from rnnlab.models import tagger as tgm
from rnnlab.plots.tagging_plots import compare_taggers, draw_f1_bars
from rnnlab.tasks import tagging as tg

SNIPPET = "total = len(items)\nself.x.y(a, key=1)  # comment\n\nfor n in names: print(n)\n"


def test_labels_of_a_hand_written_snippet():
    lines = tg.python_lines(SNIPPET)
    assert [l.tokens for l in lines][0] == ["total", "=", "len", "(", "items", ")"]
    assert lines[0].tags == ["assigned", None, "call", None, "other", None]
    assert lines[1].tokens == ["self", ".", "x", ".", "y", "(", "a", ",", "key", "=", "<num>", ")"]
    assert lines[1].tags == ["owner", None, "owner", None, "call", None, "other", None, "assigned", None, None, None]
    assert lines[2].tags == [None, "other", None, "other", None, "call", None, "other", None]
    assert len(tg.python_lines(SNIPPET, max_len=6)) == 1


@pytest.mark.parametrize("source", [
    'msg = f"{name}: {count(x)}" + tail\n',
    "msg = f'{f\"{name}\"}: {d[\"k\"]:>{width}}' + tail\n",      # nested f-strings, a format spec
    'msg = rf"""{name}\n{count(x)}""" + tail\n',                  # raw, triple-quoted, over two lines
])
def test_an_f_string_is_one_string_token_on_every_python(source):
    """Python 3.12 tokenizes an f-string into pieces (3.11: one STRING); the names inside its braces
    are not the line's names, on any Python, so every supported Python trains on the same lines."""
    (line,) = tg.python_lines(source)
    assert line.tokens == ["msg", "=", "<str>", "+", "tail"]
    assert line.tags == ["assigned", None, None, None, "other"]


def test_bad_text():
    with pytest.raises(ValueError, match="no tokens"):
        tg.python_lines("")
    with pytest.raises(ValueError, match="tokenize"):
        tg.python_lines("f(\n")
    with pytest.raises(TypeError, match="str"):
        tg.python_lines(b"x = 1")
    with pytest.raises(ValueError, match="tags from"):
        tg.tag_ids(["call", "verb"])


def test_vocab_and_padding():
    lines = tg.python_lines(SNIPPET)
    vocab = tg.tagging_vocabulary(lines, max_size=6, min_count=1)
    assert vocab.itos[:2] == ["<pad>", "<unk>"] and (vocab.pad_id, vocab.unk_id) == (PAD, 1) and len(vocab) == 6
    assert vocab.encode(["never-seen"]).tolist() == [vocab.unk_id]
    x, y, lengths = tg.pad_batch(lines, vocab)
    assert x.shape == y.shape == (3, 12) and lengths.tolist() == [6, 12, 9]
    assert (x[0, 6:] == PAD).all() and (y[0, 6:] == IGNORE).all()
    valid = valid_mask(lengths)
    assert valid.sum(1).tolist() == [6, 12, 9] and valid.shape == (3, 12)
    with pytest.raises(ValueError, match="empty batch"):
        tg.pad_batch([], vocab)
    with pytest.raises(ValueError, match="same number"):
        tg.pad_batch([tg.TaggedLine(["a", "b"], ["other"])], vocab)
    with pytest.raises(LengthError, match=r"1\.\.4"):
        valid_mask(torch.tensor([3, 5]), T=4)


def _tagger(**kw):
    torch.manual_seed(0)
    return tgm.Tagger(rnn.LSTM, 10, embed_size=4, hidden_size=5, **kw)


def test_tagger_shapes_and_padding_changes_nothing(raises_naming):
    model = _tagger(bidirectional=True, num_layers=2).eval()
    x = torch.randint(2, 10, (3, 7))
    lengths = torch.tensor([7, 3, 5])
    logits = model(x, lengths)
    assert logits.shape == (3, 7, len(tg.TAGS))
    alone = model(x[1:2, :3], lengths[1:2])
    torch.testing.assert_close(logits[1, :3], alone[0], rtol=0, atol=1e-6)
    x2 = x.clone()
    x2[1, 3:] = 9                                           # different padding
    torch.testing.assert_close(model(x2, lengths)[1, :3], logits[1, :3], rtol=0, atol=0)
    y = torch.full((3, 7), IGNORE)
    y[1, :3] = torch.tensor([0, 1, 2])
    assert tgm.masked_loss(logits, y).item() == pytest.approx(torch.nn.functional.cross_entropy(alone[0], y[1, :3]).item(), abs=1e-6)
    with raises_naming(ValueError, "lengths", "(3,)", "got (2,)"):
        model(x, torch.tensor([7, 3]))
    with raises_naming(ValueError, "x:", "id -1", "(0, 0)", "vocabulary of 10"):
        model(torch.full_like(x, -1), lengths)
    with pytest.raises(ValueError, match="same B, T"):
        tgm.masked_loss(logits, y[:2])
    with pytest.raises(ValueError, match="no tagged token"):
        tgm.masked_loss(logits, torch.full((3, 7), IGNORE))


def test_batches_are_seeded_and_training_is_deterministic():
    lines = tg.python_lines(SNIPPET * 3)
    vocab = tg.tagging_vocabulary(lines, min_count=1)
    a = tg.batches(lines, vocab, 4, torch.Generator().manual_seed(0))(1)
    b = tg.batches(lines, vocab, 4, torch.Generator().manual_seed(0))(1)
    assert all(torch.equal(p, q) for p, q in zip(a, b))
    losses = []
    for _ in range(2):
        model = tgm.Tagger(rnn.LSTM, len(vocab), 4, 5)
        torch.manual_seed(0)
        model = tgm.Tagger(rnn.LSTM, len(vocab), 4, 5)
        opt = torch.optim.Adam(model.parameters(), 1e-2)
        for step in range(3):
            loss = tgm.tagging_loss(model, a)
            opt.zero_grad()
            loss.backward()
            opt.step()
        losses.append(loss.item())
    assert losses[0] == losses[1]
    gold, pred = tgm.predict(model, lines, vocab)
    assert len(gold) == len(pred) == sum(t is not None for l in lines for t in l.tags)


def test_widget_callback_headless():
    lines = tg.python_lines(SNIPPET)
    vocab = tg.tagging_vocabulary(lines, min_count=1)
    models = {"uni": _tagger(), "bi": _tagger(bidirectional=True)}
    models = {k: tgm.Tagger(rnn.LSTM, len(vocab), 4, 5, bidirectional=(k == "bi")) for k in models}
    fig = compare_taggers("x = f(y)", models, vocab)
    assert len(fig.axes[0].patches) == 3 * 6
    plt.close(fig)
    fig = compare_taggers("f(", models, vocab)           # does not tokenize: a message, no exception
    assert "cannot tag" in fig.axes[0].get_title()
    plt.close(fig)
    plt.close(draw_f1_bars({"a": [0.1, 0.2, 0.3, 0.4]}))
