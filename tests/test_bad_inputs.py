"""The bad-input sweep: every model, task generator and data loader a student calls, given the wrong
things a student passes, raises a ValueError or TypeError that names what was expected and what came,
before torch or NumPy fails deep inside (and never returns a silently wrong answer).

One table: ``case(id, callable, *args, raises=(type, regex on the message), **kwargs)``. A row's id
says what is wrong. The error's type is the builtin a caller catches (``TokenIdError`` and
``LengthError`` are ValueErrors; ``DtypeMismatchError`` and ``ArgumentKindError`` are both TypeErrors and
ValueErrors: float64 into a float32 model is refused, not cast, as ``torch.nn.RNN`` refuses it with a ValueError). A final test checks that the table's models still run on
good inputs, so a row fails for its bad argument only.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnlab import nn as rnn
from rnnlab.checks import ArgumentKindError, DtypeMismatchError, LengthError, TokenIdError
from rnnlab.data import corpus, names, series  # noqa: F401  (series: load_sunspots takes no input)
from rnnlab.data.vocab import BOS, EOS, IGNORE, Vocab
from rnnlab.experiments import fair, gradflow, highway, norm_placement, races, speed, unrolling
from rnnlab.models import attention, attention_decoders, char_lm, forecaster, long_range, name_classifier
from rnnlab.models import pointer_net, seq2seq, streaming_lms, tagger, transformers
from rnnlab.tasks import adding, copy, dates, pointer, recall, reverse, sorting_tokens, tagging

V = 7  # the token models read ids 0..6
torch.manual_seed(0)
M = {
    "char": char_lm.CharLSTM(V, hidden_size=4),
    "s2s": seq2seq.Seq2Seq(V, V, embed=4, hidden=8),
    "bahdanau": seq2seq.Seq2Seq(V, V, embed=4, hidden=8, decoder=attention_decoders.BahdanauDecoder(V, 4, 8)),
    "additive": attention.AdditiveAttention(8, 6),
    "luong": attention.LuongAttention(8, 6, "general"),
    "ptr": pointer_net.PointerNet(2, 8),
    "ptr_end": pointer_net.PointerNet(2, 8, end=True),
    "tagger": tagger.Tagger(rnn.LSTM, V, embed_size=4, hidden_size=4),
    "names": name_classifier.NameClassifier(V, 3, embed=4, hidden=4),
    "forecaster": forecaster.LSTMForecaster(2, hidden=4),
    "recall": long_range.RecallClassifier(3, 4, 2),
    "adding": long_range.LastStateRegressor(rnn.LSTM, input_size=2, hidden_size=4),
    "copy": long_range.SequenceTagger(rnn.GRU, input_size=5, hidden_size=4, n_classes=4),
    "tlm": transformers.TransformerLM(V, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=6),
    "ts2s": transformers.TransformerSeq2Seq(V, V, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=6),
    "lstmlm": streaming_lms.LSTMLM(V, 4),
    "mingru": streaming_lms.MinGRULM(V, 8, hidden_size=8),
}
IDS, LENGTHS = torch.tensor([[3, 4, 5], [6, 3, 0]]), torch.tensor([3, 2])  # a good padded batch (B, T) = (2, 3)
TGT = torch.tensor([[BOS, 3, 4, EOS], [BOS, 5, EOS, 0]])                     # BOS y EOS, PAD after
PTS = torch.rand(2, 4, 2)                                                    # 2 point sets of n = 4
SRC_VOCAB = dates.source_vocabulary(locales=("en",))
PAIRS = dates.make_dates(4, seed=0, locales=("en",))
LINES = tagging.python_lines("x = f(a.b)\ny = 1\n")
TVOCAB = tagging.tagging_vocabulary(LINES, min_count=1)
NVOCAB = Vocab("abc", pad=True)


def case(id_, fn, *args, raises, **kwargs):
    """A row: ``fn(*args, **kwargs)`` raises ``raises[0]`` with a message matching ``raises[1]``."""
    return pytest.param(fn, args, kwargs, *raises, id=id_)


VAL = ValueError
TYP = TypeError
ROWS = [
    # ---- character LM (07) -------------------------------------------------------------------------------
    case("CharLSTM-vocab_size-1", char_lm.CharLSTM, 1, raises=(VAL, r"vocab_size.*>= 2.*got 1")),
    case("CharLSTM-vocab_size-float", char_lm.CharLSTM, 7.0, raises=(TYP, r"vocab_size.*int.*got 7\.0.*int\(7\.0\)")),
    case("CharLSTM-hidden_size-0", char_lm.CharLSTM, V, hidden_size=0, raises=(VAL, r"hidden_size.*>= 1.*got 0")),
    case("CharLSTM-num_layers-0", char_lm.CharLSTM, V, num_layers=0, raises=(VAL, r"num_layers.*>= 1.*got 0")),
    case("CharLSTM-embed_size-0", char_lm.CharLSTM, V, embed_size=0, raises=(VAL, r"embed_size.*>= 1.*got 0")),
    case("CharLSTM-dropout-1.5", char_lm.CharLSTM, V, dropout=1.5, raises=(VAL, r"dropout.*1\.5")),
    case("CharLSTM-id-7", M["char"], torch.tensor([[1, 7]]), raises=(TokenIdError, r"id 7 at position \(0, 1\).*7 tokens")),
    case("CharLSTM-id-negative", M["char"], torch.tensor([[-1, 2]]), raises=(TokenIdError, r"id -1 at position \(0, 0\)")),
    case("CharLSTM-float-ids", M["char"], IDS.float(), raises=(TYP, r"int64.*got torch\.float32")),
    case("CharLSTM-numpy-ids", M["char"], IDS.numpy(), raises=(TYP, r"tensor.*got ndarray.*torch\.from_numpy")),
    case("CharLSTM-string-ids", M["char"], "hello", raises=(TYP, r"tensor.*got str")),
    case("CharLSTM-empty", M["char"], torch.zeros(2, 0, dtype=torch.int64), raises=(VAL, r"at least one token.*\(2, 0\)")),
    case("CharLSTM-state-wrong-batch", M["char"], IDS, (torch.zeros(1, 3, 4), torch.zeros(1, 3, 4)),
         raises=(VAL, r"\(1, 2, 4\).*\(1, 3, 4\)")),
    case("CharLSTM-state-not-a-pair", M["char"], IDS, torch.zeros(1, 2, 4), raises=(TYP, r"state.*\(h, c\).*Tensor")),
    case("CharLSTM-tbptt-y-shape", M["char"].tbptt_loss, IDS, IDS[:, :2], raises=(VAL, r"y.*\(2, 3\).*got \(2, 2\)")),
    case("CharLSTM-tbptt-y-id-9", M["char"].tbptt_loss, IDS, torch.tensor([[1, 2, 9], [1, 2, 3]]),
         raises=(TokenIdError, r"y.*id 9 at position \(0, 2\).*7 tokens")),
    case("evaluate_nll-id-9", char_lm.evaluate_nll, M["char"], [1, 2, 9, 3], raises=(TokenIdError, r"id 9 at position 2")),
    case("evaluate_nll-one-id", char_lm.evaluate_nll, M["char"], [1], raises=(VAL, r"N >= 2")),
    case("evaluate_nll-float-ids", char_lm.evaluate_nll, M["char"], [1.5, 2.0, 3.0], raises=(TYP, r"integer.*float")),
    case("evaluate_nll-seq_len-0", char_lm.evaluate_nll, M["char"], [1, 2, 3, 4], seq_len=0,
         raises=(VAL, r"seq_len.*>= 1.*got 0")),
    case("evaluate_nll-batch_size-0", char_lm.evaluate_nll, M["char"], [1, 2, 3, 4], batch_size=0,
         raises=(VAL, r"batch_size.*>= 1.*got 0")),
    # ---- seq2seq (08) ----------------------------------------------------------------------------------
    case("Seq2Seq-src_vocab-1", seq2seq.Seq2Seq, 1, V, raises=(VAL, r"src_vocab.*>= 2.*got 1")),
    case("Seq2Seq-tgt_vocab-3", seq2seq.Seq2Seq, V, 3, raises=(VAL, r"tgt_vocab.*PAD, BOS, EOS.*>= 4.*got 3")),
    case("Seq2Seq-hidden-0", seq2seq.Seq2Seq, V, V, hidden=0, raises=(VAL, r"hidden.*>= 1.*got 0")),
    case("Seq2Seq-embed-0", seq2seq.Seq2Seq, V, V, embed=0, raises=(VAL, r"embed.*>= 1.*got 0")),
    case("Seq2Seq-cell-RNN", seq2seq.Seq2Seq, V, V, cell="rnn", raises=(VAL, r"cell.*\('gru', 'lstm'\).*'rnn'")),
    case("Seq2Seq-decoder-hidden-mismatch", seq2seq.Seq2Seq, V, V, 4, 8, decoder=seq2seq.Decoder(V, 4, 16),
         raises=(VAL, r"decoder.*hidden size 16.*encoder.*8")),
    case("Seq2Seq-decoder-cell-mismatch", seq2seq.Seq2Seq, V, V, 4, 8, decoder=seq2seq.Decoder(V, 4, 8, "lstm"),
         raises=(VAL, r"decoder.*lstm.*encoder.*gru")),
    case("Seq2Seq-decoder-vocab-mismatch", seq2seq.Seq2Seq, V, V, 4, 8, decoder=seq2seq.Decoder(9, 4, 8),
         raises=(VAL, r"decoder.*9 tokens.*tgt_vocab = 7")),
    case("Seq2Seq-decoder-not-a-Decoder", seq2seq.Seq2Seq, V, V, decoder="bahdanau", raises=(TYP, r"decoder.*Decoder.*str")),
    case("Encoder-vocab-1", seq2seq.Encoder, 1, raises=(VAL, r"vocab_size.*PAD.*>= 2.*got 1")),
    case("Decoder-vocab-2", seq2seq.Decoder, 2, raises=(VAL, r"vocab_size.*PAD, BOS, EOS.*>= 4.*got 2")),
    case("Decoder-hidden-str", seq2seq.Decoder, V, 4, "8", raises=(TYP, r"hidden.*int.*'8'")),
    case("Seq2Seq-src-id-7", M["s2s"], torch.tensor([[3, 7]]), torch.tensor([2]), TGT[:1, :-1],
         raises=(TokenIdError, r"src.*id 7 at position \(0, 1\).*7 tokens")),
    case("Seq2Seq-tgt-id-negative", M["s2s"], IDS, LENGTHS, torch.tensor([[1, 3], [1, -2]]),
         raises=(TokenIdError, r"tgt_in.*id -2 at position \(1, 1\)")),
    case("Seq2Seq-tgt-empty", M["s2s"], IDS, LENGTHS, torch.zeros(2, 0, dtype=torch.int64),
         raises=(VAL, r"tgt_in.*at least one token")),
    case("Seq2Seq-B-mismatch", M["s2s"], IDS, LENGTHS, TGT[:1, :-1], raises=(VAL, r"tgt_in.*batch.*2.*got 1")),
    case("Seq2Seq-lengths-too-long", M["s2s"], IDS, torch.tensor([4, 2]), TGT[:, :-1], raises=(LengthError, r"1\.\.3")),
    case("Seq2Seq-lengths-float", M["s2s"], IDS, LENGTHS.float(), TGT[:, :-1], raises=(TYP, r"lengths.*integer.*float32")),
    case("Seq2Seq-lengths-wrong-B", M["s2s"], IDS, torch.tensor([3]), TGT[:, :-1], raises=(LengthError, r"\(2,\).*got \(1,\)")),
    case("Seq2Seq-lengths-numpy", M["s2s"], IDS, np.array([3, 2]), TGT[:, :-1], raises=(TYP, r"lengths.*tensor.*ndarray")),
    case("Seq2Seq-teacher_forcing-str", M["s2s"], IDS, LENGTHS, TGT[:, :-1], "1", raises=(TYP, r"teacher_forcing.*number.*'1'")),
    case("Seq2Seq-teacher_forcing-2", M["s2s"], IDS, LENGTHS, TGT[:, :-1], 2.0, raises=(VAL, r"teacher_forcing.*\[0\.0, 1\.0\].*2\.0")),
    case("seq2seq_loss-tgt-only-BOS", seq2seq.seq2seq_loss, M["s2s"], (IDS, LENGTHS, TGT[:, :1]),
         raises=(VAL, r"tgt.*at least 2.*BOS.*got shape \(2, 1\)")),
    case("seq2seq_loss-not-a-triple", seq2seq.seq2seq_loss, M["s2s"], (IDS, LENGTHS),
         raises=(TYP, r"batch.*\(src, lengths, tgt\).*2")),
    case("seq2seq_loss-tgt-id-9", seq2seq.seq2seq_loss, M["s2s"], (IDS, LENGTHS, torch.tensor([[1, 3, 9], [1, 3, 2]])),
         raises=(TokenIdError, r"tgt.*id 9 at position \(0, 2\)")),
    case("sequence_logprob-tgt-float", seq2seq.sequence_logprob, M["s2s"], IDS, LENGTHS, TGT.float(),
         raises=(TYP, r"tgt.*int64.*float32")),
    case("inverse_sigmoid-k-0", seq2seq.inverse_sigmoid, 10, 0, raises=(VAL, r"k.*> 0.*got 0")),
    case("inverse_sigmoid-step-negative", seq2seq.inverse_sigmoid, -1, 5.0, raises=(VAL, r"step.*>= 0.*got -1")),
    # ---- attention (09) ----------------------------------------------------------------------------------
    case("Additive-query_size-0", attention.AdditiveAttention, 0, raises=(VAL, r"query_size.*>= 1.*got 0")),
    case("Additive-key_size-0", attention.AdditiveAttention, 8, 0, raises=(VAL, r"key_size.*>= 1.*got 0")),
    case("Additive-attention_size-0", attention.AdditiveAttention, 8, 8, 0, raises=(VAL, r"attention_size.*>= 1.*got 0")),
    case("Luong-score-unknown", attention.LuongAttention, 8, 8, "Dot", raises=(VAL, r"score.*'dot'.*'Dot'")),
    case("Luong-dot-sizes", attention.LuongAttention, 8, 6, "dot", raises=(VAL, r"query size == key size.*8 and 6")),
    case("Additive-keys-wrong-K", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 8),
         raises=(VAL, r"keys h.*key size K = 6.*got 8")),
    case("Additive-query-wrong-Q", M["additive"], torch.randn(2, 6), torch.randn(2, 3, 6),
         raises=(VAL, r"query s.*query size Q = 8.*got 6")),
    case("Additive-keys-2D", M["additive"], torch.randn(2, 8), torch.randn(3, 6), raises=(VAL, r"keys h.*3-D.*\(3, 6\)")),
    case("Additive-B-mismatch", M["additive"], torch.randn(2, 8), torch.randn(3, 4, 6), raises=(VAL, r"batch size B.*2.*got 3")),
    case("Additive-float64-query", M["additive"], torch.randn(2, 8, dtype=torch.float64), torch.randn(2, 3, 6),
         raises=(DtypeMismatchError, r"query s.*torch\.float32.*got torch\.float64.*\.to\(")),
    case("Additive-float64-keys", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 6, dtype=torch.float64),
         raises=(DtypeMismatchError, r"keys h.*torch\.float32.*got torch\.float64")),
    case("Additive-int-keys", M["additive"], torch.randn(2, 8), torch.ones(2, 3, 6, dtype=torch.int64),
         raises=(TYP, r"keys h.*floating-point.*int64")),
    case("Additive-numpy-query", M["additive"], np.zeros((2, 8), np.float32), torch.randn(2, 3, 6),
         raises=(TYP, r"query s.*torch tensor.*ndarray.*torch\.from_numpy")),
    case("Additive-valid-int", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 6), torch.ones(2, 3, dtype=torch.int64),
         raises=(TYP, r"valid.*bool.*int64")),
    case("Additive-valid-shape", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 6), torch.ones(2, 4, dtype=torch.bool),
         raises=(VAL, r"valid.*\(2, 3\).*got \(2, 4\)")),
    case("Additive-valid-empty-row", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 6),
         torch.tensor([[True, True, False], [False, False, False]]), raises=(VAL, r"rows \[1\] have none")),
    case("Additive-keys-projected-wrong", M["additive"], torch.randn(2, 8), torch.randn(2, 3, 6), None,
         torch.randn(2, 4, 8), raises=(VAL, r"keys.*project_keys\(h\).*\(2, 3, 8\).*got \(2, 4, 8\)")),
    case("Luong-no-positions", M["luong"], torch.randn(2, 8), torch.randn(2, 0, 6), raises=(VAL, r"no positions.*S >= 1")),
    case("masked_softmax-valid-float", attention.masked_softmax, torch.randn(2, 3), torch.ones(2, 3),
         raises=(TYP, r"valid.*bool.*float32")),
    # ---- attention decoders (09) -------------------------------------------------------------------------
    case("Bahdanau-attention-sizes", attention_decoders.BahdanauDecoder, V, 4, 8,
         attention=attention.AdditiveAttention(16, 8), raises=(VAL, r"attention.*hidden = 8.*query size 16")),
    case("Bahdanau-attention-not-Attention", attention_decoders.BahdanauDecoder, V, 4, 8, attention="additive",
         raises=(TYP, r"attention.*Attention.*str")),
    case("Luong-decoder-score", attention_decoders.LuongDecoder, V, 4, 8, score="bilinear",
         raises=(VAL, r"score.*'dot'.*'bilinear'")),
    case("Luong-decoder-cell", attention_decoders.LuongDecoder, V, 4, 8, cell="GRU", raises=(VAL, r"cell.*'gru'.*'GRU'")),
    case("Bahdanau-s2s-B-mismatch", M["bahdanau"], IDS, LENGTHS, TGT[:1, :-1], raises=(VAL, r"tgt_in.*batch.*2.*got 1")),
    case("align-not-attention", attention_decoders.align, M["s2s"], NVOCAB, NVOCAB, "abc",
         raises=(TYP, r"attention decoder.*Decoder")),
    case("align-text-empty", attention_decoders.align, M["bahdanau"], NVOCAB, NVOCAB, "", raises=(VAL, r"non-empty text")),
    case("align-text-not-str", attention_decoders.align, M["bahdanau"], NVOCAB, NVOCAB, ["abc"], raises=(TYP, r"text.*str.*list")),
    case("align-max_len-0", attention_decoders.align, M["bahdanau"], NVOCAB, NVOCAB, "abc", max_len=0,
         raises=(VAL, r"max_len.*>= 1.*got 0")),
    # ---- pointer network (10) ----------------------------------------------------------------------------
    case("PointerNet-input_size-0", pointer_net.PointerNet, 0, raises=(VAL, r"input_size.*>= 1.*got 0")),
    case("PointerNet-hidden_size-0", pointer_net.PointerNet, 2, 0, raises=(VAL, r"hidden_size.*>= 1.*got 0")),
    case("PointerNet-x-float64", M["ptr"], PTS.double(), raises=(DtypeMismatchError, r"x.*torch\.float32.*got torch\.float64")),
    case("PointerNet-x-int", M["ptr"], PTS.long(), raises=(TYP, r"x.*floating-point.*int64")),
    case("PointerNet-x-numpy", M["ptr"], PTS.numpy(), raises=(TYP, r"x.*torch tensor.*ndarray.*torch\.from_numpy")),
    case("PointerNet-x-wrong-D", M["ptr"], torch.rand(2, 4, 3), raises=(VAL, r"\(B, n, 2\).*got \(2, 4, 3\)")),
    case("PointerNet-x-empty", M["ptr"], torch.rand(2, 0, 2), raises=(VAL, r"n >= 1")),
    case("PointerNet-targets-out-of-range", M["ptr"], PTS, torch.tensor([[0, 1, 2, 4], [0, 1, 2, 3]]),
         raises=(VAL, r"targets.*position 4 at \(0, 3\).*0\.\.3")),
    case("PointerNet-targets-float", M["ptr"], PTS, torch.zeros(2, 4), raises=(TYP, r"targets.*int64.*float32")),
    case("PointerNet-targets-list", M["ptr"], PTS, [[0, 1, 2, 3]] * 2, raises=(TYP, r"targets.*tensor.*list")),
    case("PointerNet-targets-wrong-B", M["ptr"], PTS, torch.zeros(3, 4, dtype=torch.int64), raises=(VAL, r"B = 2.*\(3, 4\)")),
    case("PointerNet-targets-empty", M["ptr"], PTS, torch.zeros(2, 0, dtype=torch.int64), raises=(VAL, r"targets.*S >= 1")),
    case("PointerNet-steps-0", M["ptr"], PTS, steps=0, raises=(VAL, r"steps.*got steps = 0")),
    case("PointerNet-steps-bool", M["ptr"], PTS, steps=True, raises=(VAL, r"steps.*True")),
    case("pointer_beam_search-width-0", pointer_net.pointer_beam_search, M["ptr"], PTS, 0, raises=(VAL, r"beam_width.*>= 1.*0")),
    case("pointer_beam_search-x-float64", pointer_net.pointer_beam_search, M["ptr_end"], PTS.double(), 2,
         raises=(DtypeMismatchError, r"torch\.float32.*torch\.float64")),
    case("pointer_loss-not-a-pair", pointer_net.pointer_loss, M["ptr"], PTS, raises=(TYP, r"batch.*\(x, y\)")),
    case("exact_match-1D", pointer_net.exact_match, torch.zeros(4, dtype=torch.int64), torch.zeros(2, 2, dtype=torch.int64),
         raises=(VAL, r"pointers \(B, S' >= S\).*got \(4,\)")),
    case("evaluate-y-wrong-B", pointer_net.evaluate, M["ptr"], PTS, torch.zeros(3, 4, dtype=torch.int64),
         raises=(VAL, r"B = 2.*\(3, 4\)")),
    case("is_permutation-1D", pointer_net.is_permutation, torch.arange(3), raises=(VAL, r"pointers.*\(B, n\).*\(3,\)")),
    # ---- tagger (05) ---------------------------------------------------------------------------------------
    case("Tagger-rnn_class-str", tagger.Tagger, "lstm", V, raises=(TYP, r"rnn_class.*class.*'lstm'")),
    case("Tagger-vocab_size-1", tagger.Tagger, rnn.LSTM, 1, raises=(VAL, r"vocab_size.*>= 2.*got 1")),
    case("Tagger-embed_size-0", tagger.Tagger, rnn.LSTM, V, embed_size=0, raises=(VAL, r"embed_size.*>= 1.*got 0")),
    case("Tagger-id-7", M["tagger"], torch.tensor([[3, 7]]), torch.tensor([2]), raises=(TokenIdError, r"id 7 at position \(0, 1\)")),
    case("Tagger-lengths-0", M["tagger"], IDS, torch.tensor([3, 0]), raises=(LengthError, r"1\.\.3.*\[0, 3\]")),
    case("masked_loss-y-tag-9", tagger.masked_loss, torch.randn(2, 3, 4), torch.tensor([[0, 9, IGNORE], [1, 2, 3]]),
         raises=(VAL, r"y.*tag 9 at position \(0, 1\).*4 tags")),
    case("masked_loss-y-float", tagger.masked_loss, torch.randn(2, 3, 4), torch.zeros(2, 3), raises=(TYP, r"y.*int64.*float32")),
    case("masked_loss-logits-2D", tagger.masked_loss, torch.randn(2, 3), torch.zeros(2, 3, dtype=torch.int64),
         raises=(VAL, r"logits.*\(B, T, C\).*\(2, 3\)")),
    case("tagging_loss-not-a-triple", tagger.tagging_loss, M["tagger"], (IDS, LENGTHS), raises=(TYP, r"batch.*\(x, y, lengths\)")),
    case("tagger.predict-no-lines", tagger.predict, M["tagger"], [], TVOCAB, raises=(VAL, r"lines.*at least one")),
    case("tagger.predict-batch_size-0", tagger.predict, M["tagger"], LINES, TVOCAB, batch_size=0,
         raises=(VAL, r"batch_size.*>= 1.*got 0")),
    case("tag_line-str", tagger.tag_line, M["tagger"], "x = 1", TVOCAB, raises=(TYP, r"line.*TaggedLine.*str")),
    # ---- name classifier (06) -----------------------------------------------------------------------------
    case("NameClassifier-n_classes-1", name_classifier.NameClassifier, V, 1, raises=(VAL, r"n_classes.*>= 2.*got 1")),
    case("NameClassifier-vocab_size-1", name_classifier.NameClassifier, 1, 3, raises=(VAL, r"vocab_size.*>= 2.*got 1")),
    case("NameClassifier-hidden-0", name_classifier.NameClassifier, V, 3, hidden=0, raises=(VAL, r"hidden.*>= 1.*got 0")),
    case("NameClassifier-pooling", name_classifier.NameClassifier, V, 3, pooling="avg", raises=(VAL, r"pooling.*'mean'.*'avg'")),
    case("NameClassifier-lengths-list", M["names"], IDS, [3, 2], raises=(TYP, r"lengths.*tensor.*list")),
    case("NameClassifier-ids-float", M["names"], IDS.double(), LENGTHS, raises=(TYP, r"int64.*float64")),
    case("pool-outputs-2D", name_classifier.pool, torch.randn(2, 3), LENGTHS, "last", raises=(VAL, r"outputs.*\(B, T, H\).*\(2, 3\)")),
    case("pool-how", name_classifier.pool, torch.randn(2, 3, 4), LENGTHS, "sum", raises=(VAL, r"how.*'sum'")),
    case("classification_loss-label-3", name_classifier.classification_loss, M["names"], (IDS, LENGTHS, torch.tensor([0, 3])),
         raises=(VAL, r"labels.*class 3 at position 1.*3 classes")),
    case("classification_loss-label-wrong-B", name_classifier.classification_loss, M["names"],
         (IDS, LENGTHS, torch.tensor([0, 1, 2])), raises=(VAL, r"labels.*\(2,\).*got \(3,\)")),
    case("name_batches-labels-length", name_classifier.name_batches, NVOCAB, ["ab", "ba", "c"], [0, 1],
         raises=(VAL, r"3 names.*2 labels")),
    case("name_batches-batch_size-0", name_classifier.name_batches, NVOCAB, ["ab", "ba"], [0, 1], batch_size=0,
         raises=(VAL, r"batch_size.*>= 1.*got 0")),
    case("predict_proba-no-names", name_classifier.predict_proba, M["names"], NVOCAB, [], raises=(VAL, r"names.*at least one")),
    case("predict_proba-unknown-char", name_classifier.predict_proba, M["names"], NVOCAB, ["abz"], raises=(VAL, r"'z'")),
    case("confusion_matrix-label-negative", name_classifier.confusion_matrix, [0, -1], [0, 1], 3,
         raises=(VAL, r"true.*class -1 at position 1.*0\.\.2")),
    case("confusion_matrix-pred-too-big", name_classifier.confusion_matrix, [0, 1], [0, 3], 3,
         raises=(VAL, r"pred.*class 3 at position 1.*0\.\.2")),
    case("confusion_matrix-float-labels", name_classifier.confusion_matrix, [0.5, 1.0], [0, 1], 3,
         raises=(TYP, r"true.*integer.*float")),
    # ---- forecaster (06) -------------------------------------------------------------------------------------
    case("LSTMForecaster-hidden-0", forecaster.LSTMForecaster, 1, hidden=0, raises=(VAL, r"hidden.*>= 1.*got 0")),
    case("LSTMForecaster-mean-nan", forecaster.LSTMForecaster, 1, mean=float("nan"), raises=(VAL, r"mean.*not NaN.*nan")),
    case("LSTMForecaster-std-str", forecaster.LSTMForecaster, 1, std="1", raises=(TYP, r"std.*number.*'1'")),
    case("LSTMForecaster-X-1D", M["forecaster"], torch.randn(5), raises=(VAL, r"X.*\(B, W\).*\(5,\)")),
    case("LSTMForecaster-X-3D", M["forecaster"], torch.randn(2, 5, 1), raises=(VAL, r"X.*\(B, W\).*\(2, 5, 1\)")),
    case("LSTMForecaster-X-float64", M["forecaster"], torch.randn(2, 5, dtype=torch.float64),
         raises=(DtypeMismatchError, r"X.*torch\.float32.*got torch\.float64")),
    case("LSTMForecaster-X-numpy", M["forecaster"], np.zeros((2, 5)), raises=(TYP, r"X.*tensor.*predict\(model, X\).*ndarray")),
    case("forecast_loss-Y-shape", forecaster.forecast_loss, M["forecaster"], (torch.randn(4, 5), torch.randn(4)),
         raises=(VAL, r"Y.*\(4, 2\).*got \(4,\)")),
    case("make_windows-window-0", forecaster.make_windows, np.arange(10.0), 0, raises=(VAL, r"window.*>= 1.*0")),
    case("make_windows-window-bool", forecaster.make_windows, np.arange(10.0), True, raises=(VAL, r"window.*True")),
    case("make_windows-strings", forecaster.make_windows, ["a", "b", "c"], 1, raises=(TYP, r"series.*numbers.*'a'")),
    case("make_windows-nan", forecaster.make_windows, [1.0, np.nan, 2.0], 1, raises=(VAL, r"NaN.*index 1")),
    case("make_windows-too-short", forecaster.make_windows, np.arange(3.0), 3, raises=(VAL, r"longer than the series")),
    case("split_windows-n_test-0", forecaster.split_windows, np.arange(20.0), 3, 1, 0, raises=(VAL, r"n_test.*got 0")),
    case("naive_last-X-1D", forecaster.naive_last, np.arange(5.0), raises=(VAL, r"\(M, window\).*\(5,\)")),
    case("seasonal_naive-period-too-long", forecaster.seasonal_naive, np.zeros((2, 5)), 1, 11,
         raises=(VAL, r"window \(5 values\).*period \(11\)")),
    case("mae-shapes", forecaster.mae, np.zeros(3), np.zeros((3, 1)), raises=(VAL, r"pred \(3,\).*target \(3, 1\)")),
    case("rmse-empty", forecaster.rmse, np.zeros(0), np.zeros(0), raises=(VAL, r"empty")),
    case("LinearAR.predict-wrong-W", lambda X: forecaster.LinearAR().fit(np.random.rand(9, 3), np.random.rand(9, 1)).predict(X),
         np.zeros((2, 4)), raises=(VAL, r"X.*\(M, 3\).*\(2, 4\)")),
    case("predict-strings", forecaster.predict, M["forecaster"], [["a", "b"]], raises=(TYP, r"X.*numbers.*'a'")),
    case("LinearAR.fit-too-few", forecaster.LinearAR().fit, np.zeros((0, 3)), np.zeros((0, 1)), raises=(VAL, r"at least one window")),
    # ---- long-range models (03, 04) ------------------------------------------------------------------------
    case("RecallClassifier-n_symbols-1", long_range.RecallClassifier, 3, 4, 1, raises=(VAL, r"n_symbols.*>= 2.*got 1")),
    case("RecallClassifier-hidden-0", long_range.RecallClassifier, 3, 0, 2, raises=(VAL, r"hidden_size.*>= 1.*got 0")),
    case("RecallClassifier-x-float64", M["recall"], torch.zeros(2, 5, 3, dtype=torch.float64),
         raises=(DtypeMismatchError, r"x.*torch\.float32.*torch\.float64")),
    case("RecallClassifier-x-int", M["recall"], torch.zeros(2, 5, 3, dtype=torch.int64), raises=(TYP, r"x.*floating-point.*int64")),
    case("RecallClassifier-x-wrong-D", M["recall"], torch.zeros(2, 5, 4), raises=(VAL, r"x.*D = 3.*got 4")),
    case("RecallClassifier-x-2D", M["recall"], torch.zeros(5, 3), raises=(VAL, r"x.*\(B, T, D\).*\(5, 3\)")),
    case("recall_accuracy-y-shape", long_range.recall_accuracy, M["recall"], torch.zeros(2, 5, 3), torch.zeros(2, 1, dtype=torch.int64),
         raises=(VAL, r"y.*\(B,\).*\(2, 1\)")),
    case("LastStateRegressor-rnn_class-str", long_range.LastStateRegressor, "lstm", raises=(TYP, r"rnn_class.*class.*'lstm'")),
    case("LastStateRegressor-x-float64", M["adding"], torch.zeros(2, 5, 2, dtype=torch.float64),
         raises=(DtypeMismatchError, r"torch\.float32.*torch\.float64")),
    case("adding_loss-y-shape", long_range.adding_loss, M["adding"], (torch.zeros(2, 5, 2), torch.zeros(2, 1)),
         raises=(VAL, r"y.*\(2,\).*got \(2, 1\)")),
    case("adding_loss-model-gives-B-1", long_range.adding_loss, lambda x: x[:, -1, :1], (torch.zeros(2, 5, 2), torch.zeros(2)),
         raises=(VAL, r"model\(x\).*\(B,\).*got \(2, 1\).*squeeze")),
    case("adding_mse-y-shape", long_range.adding_mse, M["adding"], torch.zeros(2, 5, 2), torch.zeros(3),
         raises=(VAL, r"y.*\(2,\).*got \(3,\)")),
    case("SequenceTagger-n_classes-0", long_range.SequenceTagger, rnn.GRU, 5, 4, 0, raises=(VAL, r"n_classes.*>= 2.*got 0")),
    case("copy_loss-y-class-9", long_range.copy_loss, M["copy"], (torch.zeros(2, 3, 5), torch.tensor([[0, 1, 9], [0, 0, 0]])),
         raises=(VAL, r"y.*class 9 at position \(0, 2\).*4 classes")),
    case("copy_loss-y-float", long_range.copy_loss, M["copy"], (torch.zeros(2, 3, 5), torch.zeros(2, 3)),
         raises=(TYP, r"y.*int64.*float32")),
    case("copy_scores-length-0", long_range.copy_scores, M["copy"], torch.zeros(2, 3, 5), torch.zeros(2, 3, dtype=torch.int64),
         length=0, raises=(VAL, r"length.*1\.\.3.*got 0")),
    case("copy_scores-length-too-long", long_range.copy_scores, M["copy"], torch.zeros(2, 3, 5),
         torch.zeros(2, 3, dtype=torch.int64), length=4, raises=(VAL, r"length.*1\.\.3.*got 4")),
    # ---- transformers (11) ----------------------------------------------------------------------------------
    case("TransformerLM-vocab-1", transformers.TransformerLM, 1, raises=(VAL, r"vocab_size.*>= 2.*got 1")),
    case("TransformerLM-d_model-heads", transformers.TransformerLM, V, d_model=10, nhead=4, raises=(VAL, r"d_model.*divisible.*nhead")),
    case("TransformerLM-nhead-0", transformers.TransformerLM, V, nhead=0, raises=(VAL, r"nhead.*>= 1.*got 0")),
    case("TransformerLM-d_model-0", transformers.TransformerLM, V, d_model=0, raises=(VAL, r"d_model.*>= 1.*got 0")),
    case("TransformerLM-max_len-0", transformers.TransformerLM, V, max_len=0, raises=(VAL, r"max_len.*>= 1.*got 0")),
    case("TransformerLM-num_layers-0", transformers.TransformerLM, V, num_layers=0, raises=(VAL, r"num_layers.*>= 1.*got 0")),
    case("TransformerLM-positions", transformers.TransformerLM, V, positions="rotary", raises=(VAL, r"positions.*'rotary'")),
    case("TransformerLM-dropout-2", transformers.TransformerLM, V, dropout=2.0, raises=(VAL, r"dropout.*\[0, 1\].*2\.0")),
    case("TransformerLM-too-long", M["tlm"], torch.zeros(1, 7, dtype=torch.int64), raises=(VAL, r"max_len = 6.*got 7")),
    case("TransformerLM-id-7", M["tlm"], torch.tensor([[0, 7]]), raises=(TokenIdError, r"id 7 at position \(0, 1\)")),
    case("TransformerLM-state-wrong", M["tlm"], IDS, (torch.zeros(2, 4), torch.zeros(2, 4)), raises=(TYP, r"KVCache.*tuple")),
    case("TransformerLM-loss-y-id", M["tlm"].loss, IDS, torch.tensor([[1, 2, 3], [1, 2, 8]]),
         raises=(TokenIdError, r"y.*id 8 at position \(1, 2\)")),
    case("TransformerLM-initial_state-0", M["tlm"].initial_state, 0, raises=(VAL, r"batch_size.*>= 1.*got 0")),
    case("TransformerS2S-tgt-too-long", M["ts2s"], IDS, LENGTHS, torch.ones(2, 7, dtype=torch.int64), raises=(VAL, r"max_len = 6.*got 7")),
    case("TransformerS2S-B-mismatch", M["ts2s"], IDS, LENGTHS, TGT[:1, :-1], raises=(VAL, r"tgt_in.*batch.*2.*got 1")),
    case("TransformerS2S-teacher_forcing", M["ts2s"], IDS, LENGTHS, TGT[:, :-1], 0.5, raises=(VAL, r"teacher_forcing.*1\.0.*0\.5")),
    case("TransformerS2S-tgt_vocab-3", transformers.TransformerSeq2Seq, V, 3, raises=(VAL, r"tgt_vocab.*>= 4.*got 3")),
    case("TransformerEncoder-lengths-float", M["ts2s"].encoder, IDS, LENGTHS.float(), raises=(TYP, r"lengths.*integer")),
    case("TransformerS2S-src-id-negative", M["ts2s"], torch.tensor([[3, -1, 4]]), torch.tensor([3]), TGT[:1, :-1],
         raises=(TokenIdError, r"src.*id -1 at position \(0, 1\)")),
    case("attention_maps-no-attention", transformers.attention_maps, M["char"], IDS, raises=(VAL, r"no rnnlab\.nn\.MultiheadAttention")),
    # ---- streaming LMs (12) ---------------------------------------------------------------------------------
    case("LSTMLM-initial_state-negative", M["lstmlm"].initial_state, -1, raises=(VAL, r"batch_size.*>= 1.*got -1")),
    case("LSTMLM-step-2D", M["lstmlm"].step, IDS, M["lstmlm"].initial_state(2), raises=(VAL, r"x_t.*1-D.*\(2, 3\)")),
    case("LSTMLM-step-state-wrong-B", M["lstmlm"].step, IDS[:, 0], M["lstmlm"].initial_state(3),
         raises=(VAL, r"\(1, 2, 4\).*\(1, 3, 4\)")),
    case("MinGRULM-hidden_size-0", streaming_lms.MinGRULM, V, 8, hidden_size=0, raises=(VAL, r"hidden_size.*>= 1.*got 0")),
    case("MinGRULM-mode", streaming_lms.MinGRULM, V, 8, mode="scan", raises=(VAL, r"mode.*'parallel'.*'scan'")),
    case("MinGRULM-num_layers-0", streaming_lms.MinGRULM, V, 8, num_layers=0, raises=(VAL, r"num_layers.*>= 1.*got 0")),
    case("MinGRULM-step-no-state", M["mingru"].step, IDS[:, 0], None, raises=(TYP, r"state.*initial_state.*None")),
    case("MinGRULM-step-state-wrong", M["mingru"].step, IDS[:, 0], torch.zeros(1, 3, 8),
         raises=(VAL, r"state.*\(1, 2, 8\).*got \(1, 3, 8\)")),
    case("MinGRULM-forward-state-wrong", M["mingru"], IDS, torch.zeros(2, 2, 8), raises=(VAL, r"state.*\(1, 2, 8\).*got \(2, 2, 8\)")),
    case("MinGRULM-tbptt-y-id", M["mingru"].tbptt_loss, IDS, torch.tensor([[1, 2, 3], [7, 2, 3]]),
         raises=(TokenIdError, r"y.*id 7 at position \(1, 0\)")),
    case("memory_vs_length-steps-0", streaming_lms.memory_vs_length, M["lstmlm"], 0, raises=(VAL, r"steps.*>= 1.*0")),
    case("memory_vs_length-first_token", streaming_lms.memory_vs_length, M["lstmlm"], 2, first_token=9,
         raises=(VAL, r"first_token.*0\.\.6.*9")),
    case("memory_vs_length-batch_size-0", streaming_lms.memory_vs_length, M["lstmlm"], 2, batch_size=0,
         raises=(VAL, r"batch_size.*>= 1.*0")),
    case("kv_cache_bytes-negative", streaming_lms.kv_cache_bytes, -1, 8, 10, raises=(VAL, r"layers.*>= 0.*-1")),
    case("lstm_state_bytes-float", streaming_lms.lstm_state_bytes, 1, 8.5, raises=(TYP, r"hidden.*int.*8\.5")),
    case("make_train_step-seq_len-0", streaming_lms.make_train_step, M["lstmlm"], 2, 0, raises=(VAL, r"seq_len.*>= 1.*0")),
    # ---- task generators -------------------------------------------------------------------------------------
    case("adding_problem-T-1", adding.adding_problem, 4, 1, raises=(VAL, r"T.*>= 2.*got 1")),
    case("adding_problem-batch-float", adding.adding_problem, 4.0, 10, raises=(VAL, r"batch_size.*int.*4\.0")),
    case("adding_problem-generator-int", adding.adding_problem, 4, 10, 0, raises=(TYP, r"generator.*torch\.Generator.*int")),
    case("marked_positions-three-marks", adding.marked_positions, torch.tensor([[[0.1, 1.0], [0.2, 1.0], [0.3, 1.0]]]),
         raises=(VAL, r"exactly two.*sequence 0 has 3")),
    case("marked_positions-numpy", adding.marked_positions, np.zeros((1, 4, 2)), raises=(TYP, r"x.*tensor.*ndarray")),
    case("copy_task-n_symbols-1", copy.copy_task, 4, 10, n_symbols=1, raises=(VAL, r"n_symbols.*>= 2.*got 1")),
    case("copy_task-length-0", copy.copy_task, 4, 10, length=0, raises=(VAL, r"length.*>= 1.*got 0")),
    case("copy_task-generator-seed", copy.copy_task, 4, 10, generator=1, raises=(TYP, r"generator.*torch\.Generator")),
    case("memoryless_logits-length-0", copy.memoryless_logits, 10, length=0, raises=(VAL, r"length.*>= 1.*got 0")),
    case("memoryless_logits-batch-0", copy.memoryless_logits, 10, batch_size=0, raises=(VAL, r"batch_size.*>= 1.*got 0")),
    case("recall_first-T-0", recall.recall_first, 4, 0, raises=(VAL, r"T.*>= 1.*got 0")),
    case("recall_first-generator", recall.recall_first, 4, 5, generator="seed", raises=(TYP, r"generator.*torch\.Generator.*str")),
    case("make_dates-n-0", dates.make_dates, 0, raises=(VAL, r"n.*>= 1.*got 0")),
    case("make_dates-locales-str", dates.make_dates, 3, locales="en", raises=(TYP, r"locales.*tuple.*'en'")),
    case("make_dates-locale-unknown", dates.make_dates, 3, locales=("en", "pt"), raises=(VAL, r"locales.*\['pt'\]")),
    case("make_dates-format-unknown", dates.make_dates, 3, formats=("YYYY",), raises=(VAL, r"formats.*\['YYYY'\]")),
    case("source_vocabulary-locales-str", dates.source_vocabulary, "en", raises=(VAL, r"locales.*'en'")),
    case("date_batch-strings", dates.date_batch, ["7 mar 2023"], SRC_VOCAB, dates.target_vocabulary(),
         raises=(TYP, r"pairs.*DatePair.*str")),
    case("date_batch-empty", dates.date_batch, [], SRC_VOCAB, dates.target_vocabulary(), raises=(VAL, r"at least one")),
    case("date_batches-empty", dates.date_batches, [], SRC_VOCAB, dates.target_vocabulary(), raises=(VAL, r"pairs.*at least one")),
    case("date_batches-batch_size-0", dates.date_batches, PAIRS, SRC_VOCAB, dates.target_vocabulary(), batch_size=0,
         raises=(VAL, r"batch_size.*>= 1.*got 0")),
    case("reversal_vocabulary-27", reverse.reversal_vocabulary, 27, raises=(VAL, r"n_symbols.*2\.\.26.*27")),
    case("make_strings-min_len-0", reverse.make_strings, 3, 0, 4, raises=(VAL, r"1 <= min_len <= max_len.*min_len=0")),
    case("make_strings-n_symbols-30", reverse.make_strings, 3, 1, 4, n_symbols=30, raises=(VAL, r"n_symbols.*2\.\.26.*30")),
    case("reversal_batch-not-strings", reverse.reversal_batch, ["abc", 3], reverse.reversal_vocabulary(),
         raises=(TYP, r"strings.*list of str.*3 at index 1")),
    case("reversal_batch-empty-string", reverse.reversal_batch, ["ab", ""], reverse.reversal_vocabulary(),
         raises=(VAL, r"non-empty.*index 1")),
    case("sorting_batch-n-1", pointer.sorting_batch, 4, 1, raises=(VAL, r"n.*>= 2.*got 1")),
    case("sorting_batch-generator", pointer.sorting_batch, 4, 3, generator=0, raises=(TYP, r"generator.*torch\.Generator")),
    case("hull_batch-n-2", pointer.hull_batch, 4, 2, raises=(VAL, r"n.*>= 3.*got 2")),
    case("tsp_batch-n-13", pointer.tsp_batch, 2, 13, raises=(VAL, r"n <= 12.*13")),
    case("convex_hull-nan", pointer.convex_hull, [[0, 0], [1, np.nan], [0, 1]], raises=(VAL, r"finite.*NaN")),
    case("convex_hull-strings", pointer.convex_hull, [["a", "b"], ["c", "d"], ["e", "f"]], raises=(TYP, r"points.*numbers")),
    case("tour_length-float-tour", pointer.tour_length, np.random.rand(3, 2), [0, 1, 2.5], raises=(ArgumentKindError, r"tour.*integer.*2\.5")),
    case("tour_length-not-permutation", pointer.tour_length, np.random.rand(3, 2), [0, 1, 1], raises=(VAL, r"permutation of 0\.\.2")),
    case("tour_lengths-float-tours", pointer.tour_lengths, np.random.rand(1, 3, 2), np.array([[0.0, 1.0, 2.0]]),
         raises=(ArgumentKindError, r"integer tours.*float64")),
    case("tsp_optimal-n-2", pointer.tsp_optimal, np.random.rand(2, 2), raises=(VAL, r"3 <= n <= 12.*n = 2")),
    case("tsp_brute_force-1D", pointer.tsp_brute_force, np.random.rand(4), raises=(VAL, r"points.*\(n, 2\).*\(4,\)")),
    case("random_tours-n-2", pointer.random_tours, 2, 2, raises=(VAL, r"n.*>= 3.*got 2")),
    case("shortest_candidates-wrong-n", pointer.shortest_candidates, np.random.rand(1, 3, 2), np.zeros((1, 2, 4), int),
         raises=(VAL, r"\(B, K, n\) = \(1, K, 3\)")),
    case("number_batch-n_values-small", sorting_tokens.number_batch, 4, 5, 3, raises=(VAL, r"n_values.*>= 5.*got 3")),
    case("one_hot_numbers-out-of-range", sorting_tokens.one_hot_numbers, torch.tensor([[1, 12]]), 10,
         raises=(VAL, r"0\.\.9.*number 12 at position \(0, 1\)")),
    case("one_hot_numbers-numpy", sorting_tokens.one_hot_numbers, np.array([[1, 2]]), 10, raises=(ArgumentKindError, r"values.*tensor.*ndarray.*from_numpy")),
    case("one_hot_numbers-float", sorting_tokens.one_hot_numbers, torch.tensor([[1.0, 2.0]]), 10, raises=(ArgumentKindError, r"integer.*float32")),
    case("seq2seq_sorting_batch-negative", sorting_tokens.seq2seq_sorting_batch, torch.tensor([[1, -2]]),
         raises=(VAL, r"number -2 at position \(0, 1\)")),
    case("seq2seq_sorting_accuracy-vocab-too-small", sorting_tokens.seq2seq_sorting_accuracy, M["s2s"], torch.tensor([[1, 9]]),
         raises=(VAL, r"number 9.*needs token id 12.*7 tokens")),
    case("python_lines-bytes", tagging.python_lines, b"x = 1", raises=(TYP, r"str.*bytes")),
    case("python_lines-max_len-0", tagging.python_lines, "x = 1", 0, raises=(VAL, r"max_len.*>= 1.*0")),
    case("tag_ids-unknown", tagging.tag_ids, ["call", "verb"], raises=(VAL, r"'verb'")),
    case("pad_batch-strings", tagging.pad_batch, ["x = 1"], TVOCAB, raises=(TYP, r"lines.*TaggedLine.*str")),
    case("tagging_vocabulary-strings", tagging.tagging_vocabulary, ["x = 1", "y = 2"], raises=(TYP, r"TaggedLine.*str")),
    case("pad_batch-empty", tagging.pad_batch, [], TVOCAB, raises=(VAL, r"at least one line")),
    case("tagging.batches-batch_size-0", tagging.batches, LINES, TVOCAB, 0, raises=(VAL, r"batch_size.*>= 1.*got 0")),
    # ---- data ------------------------------------------------------------------------------------------------
    case("load_python_source-str", corpus.load_python_source, "textwrap.py", raises=(TYP, r"tuple of module paths")),
    case("load_python_source-unknown", corpus.load_python_source, ("os.py",), raises=(VAL, r"'os\.py'")),
    case("split_text-bytes", corpus.split_text, b"abc", raises=(TYP, r"str.*bytes")),
    case("split_text-valid-str", corpus.split_text, "abcdefghij" * 10, "0.1", raises=(TYP, r"valid.*number.*'0\.1'")),
    case("split_text-valid-0.99", corpus.split_text, "abcdefghij" * 10, 0.5, 0.5, raises=(VAL, r"valid \+ test < 1")),
    case("split_text-too-short", corpus.split_text, "ab", raises=(VAL, r"too short")),
    case("load_names-str", names.load_names, "de_DE", raises=(TYP, r"locales.*tuple.*'de_DE'")),
    case("load_names-one", names.load_names, ("de_DE",), raises=(VAL, r"at least 2 locales")),
    case("load_names-unknown", names.load_names, ("de_DE", "xx_XX"), raises=(VAL, r"'xx_XX'")),
    case("load_names-ambiguous", names.load_names, ambiguous="first", raises=(VAL, r"'drop' or 'keep'.*'first'")),
    case("locale_names-int", names.locale_names, 3, raises=(VAL, r"locale.*'de_DE'.*3")),
    case("split_names-test-0", names.split_names, names.NamesDataset(["a", "b"], np.array([0, 1]), ("x", "y")), 0.0,
         raises=(VAL, r"0 < test < 1")),
    case("split_names-not-dataset", names.split_names, ["anna", "bob"], raises=(TYP, r"NamesDataset.*list")),
    # ---- experiments a student calls ---------------------------------------------------------------------------
    case("recurrent_matrix-n-0", gradflow.recurrent_matrix, 0, raises=(VAL, r"n.*positive.*0")),
    case("recurrent_matrix-init", gradflow.recurrent_matrix, 4, init="xavier", raises=(VAL, r"init.*'xavier'")),
    case("measure_gradient_flow-T-0", gradflow.measure_gradient_flow, T=0, raises=(VAL, r"T.*positive.*0")),
    case("measure_gradient_flow-n-0", gradflow.measure_gradient_flow, n=0, raises=(VAL, r"n.*positive.*0")),
    case("measure_gradient_flow-nonlinearity", gradflow.measure_gradient_flow, nonlinearity="gelu", raises=(VAL, r"'gelu'")),
    case("clip_by_norm-threshold-0", gradflow.clip_by_norm, np.ones(3), 0.0, raises=(VAL, r"positive finite threshold")),
    case("make_cell-kind", highway.make_cell, "lstm", raises=(VAL, r"kind.*'lstm'")),
    case("make_cell-hidden-0", highway.make_cell, "LSTM", hidden_size=0, raises=(VAL, r"hidden_size.*0")),
    case("highway_flows-T-float", highway.highway_flows, T=2.5, raises=(VAL, r"T.*int >= 1.*2\.5")),
    case("highway_flows-T-0", highway.highway_flows, T=0, raises=(VAL, r"T.*>= 1.*0")),
    case("influence_curves-T-0", unrolling.influence_curves, 1.0, 0, raises=(VAL, r"T.*>= 1.*got 0")),
    case("random_elman-H-0", unrolling.random_elman, 4, 0, raises=(VAL, r"H.*>= 1.*got 0")),
    case("init_statistics-num_layers-0", norm_placement.init_statistics, 0, True, raises=(VAL, r"num_layers.*>= 1.*0")),
    case("init_statistics-seeds-empty", norm_placement.init_statistics, 1, True, seeds=(), raises=(VAL, r"seeds.*at least one")),
    case("linear_warmup-steps-negative", norm_placement.linear_warmup,
         torch.optim.SGD([torch.zeros(1, requires_grad=True)], 0.1), 0.1, -1, raises=(VAL, r"warmup_steps.*>= 0.*-1")),
    case("adding_run-T-1", races.adding_run, 1, 10, raises=(VAL, r"T.*>= 2.*got 1")),
    case("compare-names-str", fair.compare, "LSTM", lambda n, lr, s: (0.0, 1), seeds=[0], lrs=[0.1],
         raises=(TYP, r"names.*list.*'LSTM'")),
    case("compare-run-not-callable", fair.compare, ["LSTM"], "train", seeds=[0], lrs=[0.1], raises=(TYP, r"run.*callable.*str")),
    case("compare-seeds-int", fair.compare, ["LSTM"], lambda n, lr, s: (0.0, 1), seeds=3, lrs=[0.1],
         raises=(TYP, r"seeds.*list of ints.*3")),
    case("compare-lr-negative", fair.compare, ["LSTM"], lambda n, lr, s: (0.0, 1), seeds=[0], lrs=[-0.1],
         raises=(VAL, r"learning rates > 0.*-0\.1")),
    case("loglog_slope-zero", speed.loglog_slope, [1, 2, 4], [0.0, 1.0, 2.0], raises=(VAL, r"positive.*<= 0")),
    case("equal_sizes-hidden-0", races.equal_sizes, 0, 2, raises=(VAL, r"lstm_hidden.*positive.*0")),
]


@pytest.mark.parametrize("fn,args,kwargs,error,pattern", ROWS)
def test_bad_input_raises_a_clear_error(fn, args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        fn(*args, **kwargs)


def test_the_table_is_a_table_of_distinct_mistakes():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert issubclass(DtypeMismatchError, TypeError) and issubclass(DtypeMismatchError, ValueError)
    assert issubclass(ArgumentKindError, TypeError) and issubclass(ArgumentKindError, ValueError)


@pytest.mark.parametrize("name,call", [
    ("char", lambda m: m(IDS)),
    ("s2s", lambda m: seq2seq.seq2seq_loss(m, (IDS, LENGTHS, TGT))),
    ("bahdanau", lambda m: seq2seq.seq2seq_loss(m, (IDS, LENGTHS, TGT))),
    ("additive", lambda m: m(torch.randn(2, 8), torch.randn(2, 3, 6), torch.ones(2, 3, dtype=torch.bool))),
    ("luong", lambda m: m(torch.randn(2, 8), torch.randn(2, 3, 6))),
    ("ptr", lambda m: pointer_net.pointer_loss(m, (PTS, torch.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])))),
    ("ptr_end", lambda m: pointer_net.pointer_beam_search(m, PTS, 2)),
    ("tagger", lambda m: m(IDS, LENGTHS)),
    ("names", lambda m: name_classifier.classification_loss(m, (IDS, LENGTHS, torch.tensor([0, 2])))),
    ("forecaster", lambda m: forecaster.forecast_loss(m, (torch.randn(4, 5), torch.randn(4, 2)))),
    ("recall", lambda m: long_range.recall_accuracy(m, torch.zeros(2, 5, 3), torch.zeros(2, dtype=torch.int64))),
    ("adding", lambda m: long_range.adding_mse(m, *adding.adding_problem(2, 4))),
    ("copy", lambda m: long_range.copy_scores(m, torch.zeros(2, 3, 5), torch.zeros(2, 3, dtype=torch.int64), length=3)),
    ("tlm", lambda m: m.loss(IDS, IDS)),
    ("ts2s", lambda m: seq2seq.seq2seq_loss(m, (IDS, LENGTHS, TGT))),
    ("lstmlm", lambda m: streaming_lms.memory_vs_length(m, 2)),
    ("mingru", lambda m: m.step(IDS[:, 0], m.initial_state(2))),
])
def test_the_tables_models_run_on_good_inputs(name, call):
    call(M[name])


@pytest.mark.parametrize("fn,args", [
    (adding.marked_positions, (adding.adding_problem(3, 6)[0],)),
    (copy.memoryless_logits, (5,)),
    (dates.date_batch, (PAIRS, SRC_VOCAB, dates.target_vocabulary())),
    (reverse.reversal_batch, (["abc", "d"], reverse.reversal_vocabulary())),
    (reverse.reversal_batch, ("abc", reverse.reversal_vocabulary())),   # one str is one string, as in Vocab
    (pointer.tour_length, (np.random.rand(3, 2), np.array([2, 0, 1]))),
    (sorting_tokens.seq2seq_sorting_accuracy, (seq2seq.Seq2Seq(13, 13, 4, 8), torch.tensor([[1, 9]]))),
    (forecaster.mae, (np.zeros(3), [1, 2, 3])),
    (name_classifier.confusion_matrix, ([0, 2], np.array([2, 2]), 3)),
    (tagging.pad_batch, (LINES, TVOCAB)),
    (tagger.predict, (tagger.Tagger(rnn.LSTM, len(TVOCAB), 4, 4), LINES, TVOCAB)),
])
def test_the_checked_helpers_still_take_good_inputs(fn, args):
    fn(*args)


def test_float64_into_a_float32_model_is_refused_as_torch_nn_refuses_it():
    """torch.nn.LSTM raises ValueError for float64 input to float32 weights; the models raise DtypeMismatchError,
    a ValueError (and a TypeError), with the fix in the message. No silent cast."""
    x = torch.zeros(2, 5, 2, dtype=torch.float64)
    with pytest.raises(ValueError):
        torch.nn.LSTM(2, 4, batch_first=True)(x)
    with pytest.raises(ValueError, match=r"x: expected dtype torch\.float32.*model\.to\(torch\.float64\)"):
        M["adding"](x)
    double = long_range.LastStateRegressor(rnn.LSTM, input_size=2, hidden_size=4).double()
    assert double(x).dtype == torch.float64       # the model converted, as the message says


def test_mixed_dtypes_are_allowed_inside_autocast():
    with torch.autocast("cpu", dtype=torch.bfloat16):
        c, alpha = M["additive"](torch.randn(2, 8).bfloat16(), torch.randn(2, 3, 6))
    assert c.shape == (2, 6) and alpha.shape == (2, 3)
