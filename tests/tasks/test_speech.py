"""rnnlab.tasks.speech: deterministic synthetic utterances, labelled by units, speaker-disjoint splits."""
import numpy as np
import pytest
import torch

from rnnlab.data.audio import mel_filterbank
from rnnlab.tasks import speech
from rnnlab.tasks.speech import BLANK, SPACE, SYMBOLS, Speaker


def test_encode_and_decode_round_trip_with_the_pause_between_words():
    ids = speech.encode("pa  tosa")
    assert ids.tolist() == [SYMBOLS.index(c) for c in "pa_tosa"] and SPACE in ids.tolist() and BLANK not in ids
    assert speech.decode(ids) == "pa tosa"
    assert speech.decode([SPACE, 10, 2, SPACE, SPACE, 11, 4, SPACE]) == "pa ti"
    assert all(set(word) <= set(speech.UNITS) for word in speech.LEXICON)


def test_synthesis_is_deterministic_and_labelled_by_its_units_only():
    voice = speech.random_speakers(3, seed=5)[1]
    a, b = speech.synthesize("kus sefo", voice, seed=3), speech.synthesize("kus sefo", voice, seed=3)
    c = speech.synthesize("kus sefo", voice, seed=4)
    assert np.array_equal(a.wave, b.wave) and not np.array_equal(a.wave, c.wave)
    assert a.wave.dtype == np.float32 and np.abs(a.wave).max() == pytest.approx(0.9)
    assert a.units.tolist() == speech.encode("kus sefo").tolist() and a.text == "kus sefo"
    fast = speech.synthesize("kus sefo", Speaker(0, 120.0, 1.0, 1.25), seed=3, snr_db=float("inf"))
    slow = speech.synthesize("kus sefo", Speaker(0, 120.0, 1.0, 0.8), seed=3, snr_db=float("inf"))
    assert len(slow.wave) > 1.3 * len(fast.wave)                   # the speaking rate scales durations


def _band_energy(wave, lo, hi):
    spectrum = np.abs(np.fft.rfft(wave)) ** 2
    f = np.fft.rfftfreq(len(wave), 1 / 16000)
    return spectrum[(f >= lo) & (f < hi)].sum() / spectrum.sum()


def test_the_units_sound_as_designed():
    voice = Speaker(0, 120.0, 1.0, 1.0)
    i, u = (speech.synthesize(v, voice, snr_db=float("inf")).wave for v in "iu")
    assert _band_energy(i, 1800, 3500) > 5 * _band_energy(u, 1800, 3500)       # i's F2 is high, u's low
    s, S = (speech.synthesize(v, voice, snr_db=float("inf")).wave for v in "sS")
    assert _band_energy(s, 5000, 8000) > 0.5 > _band_energy(S, 5000, 8000)     # s hisses higher than S
    low = Speaker(0, 100.0, 1.0, 1.0)
    a = speech.synthesize("a", low, snr_db=float("inf")).wave
    spectrum = np.abs(np.fft.rfft(a))
    assert abs(np.fft.rfftfreq(len(a), 1 / 16000)[spectrum.argmax()] - 730) < 100      # the loudest: near F1 of a


def test_splits_are_speaker_disjoint_and_reproducible():
    parts = speech.speech_splits((20, 6, 6), (5, 2, 2), seed=1)
    who = {k: {u.speaker.id for u in v} for k, v in parts.items()}
    assert [len(v) for v in parts.values()] == [20, 6, 6]
    assert not (who["train"] & who["test"]) and not (who["train"] & who["valid"]) and not (who["valid"] & who["test"])
    again = speech.speech_splits((20, 6, 6), (5, 2, 2), seed=1)
    assert all(np.array_equal(x.wave, y.wave) for x, y in zip(parts["test"], again["test"]))
    assert all(1 <= len(u.text.split()) <= 3 for u in parts["train"])


def test_speech_batch_pads_and_normalises_each_utterance():
    utts = speech.make_utterances(3, speech.random_speakers(2), seed=0)
    feats, lengths, targets, target_lengths = speech.speech_batch(utts, n_mels=20)
    assert feats.shape == (3, int(lengths.max()), 20) and feats.dtype == torch.float32
    assert lengths.tolist() == [1 + len(u.wave) // 160 for u in utts]
    for b, u in enumerate(utts):
        real = feats[b, :lengths[b]]
        torch.testing.assert_close(real.mean(0), torch.zeros(20), atol=1e-4, rtol=0)
        assert (feats[b, lengths[b]:] == 0).all()
        assert targets[b, :target_lengths[b]].tolist() == u.units.tolist()
    assert mel_filterbank(201, 20).shape == (201, 20)


@pytest.mark.parametrize("fn, args, kwargs, error, match", [
    (speech.encode, ("pa xo",), {}, ValueError, r"'x' at position 3 is not a unit"),
    (speech.encode, (" ",), {}, ValueError, r"at least one word"),
    (speech.encode, ([10, 2],), {}, TypeError, r"text: expected a str"),
    (speech.decode, ([2, 0, 3],), {}, ValueError, r"no blank \(id 0\) at position 1.*collapse"),
    (speech.decode, ([2, 13],), {}, ValueError, r"ids in \[0, 12\], got 13 at position 1"),
    (speech.synthesize, ("pa", "alice"), {}, TypeError, r"speaker: expected a Speaker"),
    (speech.synthesize, ("pa", Speaker(0, 100.0, 1.0, 1.0)), dict(snr_db=float("nan")), ValueError, r"snr_db"),
    (speech.make_utterances, (3, []), {}, TypeError, r"speakers: expected a non-empty list of Speaker"),
    (speech.make_utterances, (0, [Speaker(0, 100.0, 1.0, 1.0)]), {}, ValueError, r"n: expected an int >= 1"),
    (speech.make_utterances, (2, [Speaker(0, 100.0, 1.0, 1.0)]), dict(words=(3, 1)), ValueError, r"words\[1\]: expected an int >= 3"),
    (speech.speech_splits, ((10, 5),), {}, TypeError, r"sizes: expected \(train, valid, test\)"),
    (speech.speech_batch, ([],), {}, TypeError, r"non-empty list of Utterance"),
    (speech.random_speakers, (0,), {}, ValueError, r"n: expected an int >= 1"),
])
def test_bad_inputs_are_named(fn, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        fn(*args, **kwargs)
