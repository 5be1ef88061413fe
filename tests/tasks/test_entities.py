"""BIO-tagged entity sentences (rnnlab.tasks.entities): valid BIO, deterministic, ambiguous words,
padded batches, bad inputs."""
import pytest
import torch

from rnnlab.checks import ArgumentKindError
from rnnlab.data.vocab import IGNORE, PAD
from rnnlab.tasks.entities import (TAGS, TaggedSentence, entity_splits, make_sentences, pad_sentences,
                                   sentence_batches, tag_vocabulary, word_vocabulary)
from rnnlab.training.span_metrics import invalid_transitions

SENTENCES = make_sentences(400, seed=0)


def test_every_sentence_is_valid_bio_with_multi_token_entities_of_every_type():
    assert all(len(s.tokens) == len(s.tags) > 0 and set(s.tags) <= set(TAGS) for s in SENTENCES)
    assert sum(invalid_transitions(s.tags) for s in SENTENCES) == 0
    used = {t for s in SENTENCES for t in s.tags}
    assert used == set(TAGS)  # every B-X and I-X occurs: multi-token entities of each type


def test_same_seed_same_sentences_other_seed_others():
    assert make_sentences(50, seed=3) == make_sentences(50, seed=3)
    assert make_sentences(50, seed=3) != make_sentences(50, seed=4)
    train, valid, test = entity_splits(30, 5, 7, seed=1)
    assert (len(train), len(valid), len(test)) == (30, 5, 7)
    assert train + valid + test == make_sentences(42, seed=1)


def test_some_words_are_entities_of_different_types_in_different_sentences():
    kinds = {}
    for s in SENTENCES:
        for word, tag in zip(s.tokens, s.tags):
            if tag != "O":
                kinds.setdefault(word, set()).add(tag[2:])
    assert sum(len(k) > 1 for k in kinds.values()) >= 20  # context decides


def test_vocabularies_and_padded_batch():
    words, tags = word_vocabulary(SENTENCES), tag_vocabulary()
    assert words.pad_id == PAD and words.unk_id == 1 and tags.itos == list(TAGS) and tags.stoi["O"] == 0
    batch = SENTENCES[:5]
    x, y, lengths = pad_sentences(batch, words, tags)
    assert x.shape == y.shape == (5, max(len(s.tokens) for s in batch)) and lengths.tolist() == [len(s.tokens) for s in batch]
    for b, s in enumerate(batch):
        assert [tags.itos[i] for i in y[b, :lengths[b]].tolist()] == s.tags
        assert (y[b, lengths[b]:] == IGNORE).all() and (x[b, lengths[b]:] == PAD).all()
    unseen = TaggedSentence(["Zyxw", "said"], ["B-PER", "O"])
    assert pad_sentences([unseen], words, tags)[0][0, 0] == words.unk_id
    draw = sentence_batches(SENTENCES, words, tags, 4, torch.Generator().manual_seed(0))
    assert draw(0)[0].shape[0] == 4


@pytest.mark.parametrize("call, error, match", [
    (lambda: make_sentences(0), ValueError, r"make_sentences: expected n to be an int >= 1"),
    (lambda: make_sentences(2.5), ArgumentKindError, r"n .* not an integer"),
    (lambda: make_sentences(5, seed=-1), ValueError, r"seed to be an int >= 0"),
    (lambda: entity_splits(10, 0, 5), ValueError, r"n_valid to be an int >= 1"),
    (lambda: word_vocabulary(SENTENCES[0]), ArgumentKindError, r"for one sentence, pass \[sentence\]"),
    (lambda: word_vocabulary([]), ValueError, r"got none"),
    (lambda: word_vocabulary([TaggedSentence(["a", "b"], ["O"])]), ValueError, r"sentence 0 has 2 tokens and 1 tags"),
    (lambda: pad_sentences(SENTENCES[:2], tag_vocabulary(), tag_vocabulary()), ValueError, r"words, a vocabulary with <pad>.*swapped"),
    (lambda: pad_sentences(SENTENCES[:2], "words", tag_vocabulary()), TypeError, r"words to be a Vocab"),
    (lambda: pad_sentences([TaggedSentence(["said"], ["B-XYZ"])], word_vocabulary(SENTENCES), tag_vocabulary()),
     ValueError, r"tags of sentence 0.*'B-XYZ'"),
    (lambda: sentence_batches(SENTENCES, word_vocabulary(SENTENCES), tag_vocabulary(), 0), ValueError,
     r"batch_size to be an int >= 1"),
    (lambda: sentence_batches(SENTENCES, word_vocabulary(SENTENCES), tag_vocabulary(), 4, 0), TypeError,
     r"torch.Generator\(\).manual_seed\(0\)"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
