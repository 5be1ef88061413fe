"""rnnlab.data.roll_audio: a piano roll heard — the right length, the right pitch, held notes joined, silence silent."""
import numpy as np
import pytest

from rnnlab.data.chorales import piano_roll
from rnnlab.data.roll_audio import key_frequency, synthesize


def test_key_frequencies_are_equal_tempered():
    assert key_frequency(69) == 440.0
    assert key_frequency(81) == pytest.approx(880.0)
    assert key_frequency(60) == pytest.approx(261.6256, abs=1e-4)


def test_length_peak_and_pitch():
    wave = synthesize(piano_roll([[69]] * 4), sample_rate=8000, seconds_per_frame=0.25)
    assert wave.shape == (8000,) and wave.dtype == np.float32
    assert np.abs(wave).max() == pytest.approx(0.9, abs=1e-6)
    spectrum = np.abs(np.fft.rfft(wave))
    assert np.fft.rfftfreq(len(wave), 1 / 8000)[spectrum.argmax()] == pytest.approx(440.0, abs=1.0)


def test_a_held_note_is_one_note_and_a_rest_is_silent():
    roll = piano_roll([[60], [60], [], [60]])
    wave = synthesize(roll, sample_rate=8000, seconds_per_frame=0.1)
    hop = 800
    # no fade between frames 0 and 1 (one held note); frame 2 is silent
    assert np.abs(wave[hop - 20:hop + 20]).max() > 0.3
    assert np.abs(wave[2 * hop:3 * hop]).max() == 0.0
    assert np.abs(synthesize(piano_roll([[]] * 3))).max() == 0.0


def test_overtones_above_nyquist_are_left_out():
    wave = synthesize(piano_roll([[108]]), sample_rate=8000, seconds_per_frame=0.5)   # C8 = 4186 Hz > 4000
    assert np.abs(wave).max() == 0.0 or np.fft.rfftfreq(len(wave), 1 / 8000)[np.abs(np.fft.rfft(wave)).argmax()] < 4000


@pytest.mark.parametrize("roll, kwargs, error, match", [
    (np.full((2, 88), 0.5, np.float32), {}, ValueError, r"expected 0s and 1s"),
    (np.zeros((0, 88), np.float32), {}, ValueError, r"roll: expected at least one frame, got an empty piano roll"),
    (np.zeros((2, 12), np.float32), {}, ValueError, r"expected keys \(MIDI 21..108\) = 88 along dim 1, got 12"),
    (np.zeros((2, 88), np.float32), dict(sample_rate=100), ValueError, r"sample_rate"),
    (np.zeros((2, 88), np.float32), dict(seconds_per_frame=0), ValueError, r"seconds_per_frame: expected a finite number > 0"),
])
def test_bad_input(roll, kwargs, error, match):
    with pytest.raises(error, match=match):
        synthesize(roll, **kwargs)
