"""rnnlab.data.audio: the HTK mel scale, the triangular filterbank (torchaudio's formula, checked by a
case computed by hand) and the log-mel spectrogram."""
import math

import pytest
import torch

from rnnlab.data.audio import hz_to_mel, log_mel, mel_filterbank, mel_to_hz, n_frames


def test_htk_mel_scale():
    assert hz_to_mel(0.0) == 0.0
    assert hz_to_mel(700.0) == pytest.approx(2595 * math.log10(2))
    assert hz_to_mel(1000.0) == pytest.approx(999.9855, abs=1e-4)   # built so that 1 kHz is about 1000 mel
    f = torch.tensor([0.0, 440.0, 4000.0], dtype=torch.float64)
    torch.testing.assert_close(mel_to_hz(hz_to_mel(f)), f)


def test_filterbank_equals_a_case_computed_by_hand():
    # torchaudio.functional.melscale_fbanks(5, 0, 8000, 2, 16000, norm=None, mel_scale="htk"), by hand:
    # mel(8000) = 2595 log10(1 + 8000/700) = 2840.02; edges every 2840.02/3 mel -> 0, 921.456, 3055.884, 8000 Hz.
    # STFT frequencies 0, 2000, 4000, 6000, 8000. At 2000 Hz: filter 0 falls, (3055.884 - 2000) / (3055.884 -
    # 921.456) = 0.494692; filter 1 rises, (2000 - 921.456) / 2134.428 = 0.505308. At 4000 Hz filter 1 falls,
    # (8000 - 4000) / (8000 - 3055.884) = 0.809043; at 6000 Hz 0.404521; at 0 and 8000 Hz both are 0.
    expected = torch.tensor([[0, 0], [0.494692, 0.505308], [0, 0.809043], [0, 0.404521], [0, 0]], dtype=torch.float64)
    torch.testing.assert_close(mel_filterbank(5, 2, 16000, dtype=torch.float64), expected, atol=1e-6, rtol=0)


def test_filterbank_triangles_peak_at_one_and_overlap_to_cover_the_band():
    fb = mel_filterbank(201, 40, 16000, f_min=20.0)
    assert fb.shape == (201, 40) and (fb >= 0).all() and (fb <= 1).all()
    assert (fb.max(0).values > 0.5).all()                              # every band sees some frequency
    centres = fb.argmax(0)
    assert (centres[1:] >= centres[:-1]).all()                         # ordered low to high
    assert (fb[:, :5].sum(0) <= fb[:, -5:].sum(0)).all()               # narrow low bands, wide high ones


def test_log_mel_shapes_and_a_tone_lights_its_band():
    sr = 16000
    t = torch.arange(sr // 2) / sr
    tone = torch.sin(2 * math.pi * 1000 * t)                            # 1 kHz, half a second
    feats = log_mel(tone, sr, n_mels=40)
    assert feats.shape == (n_frames(sr // 2), 40) == (51, 40)
    fb = mel_filterbank(201, 40, sr)
    assert feats[10:40].mean(0).argmax() == fb[25].argmax()            # bin 25 = 1000 Hz
    batch = log_mel(torch.stack([tone, 0.5 * tone]), sr)
    assert batch.shape == (2, 51, 40)
    loud = batch[1] > 0                                                  # bands far above eps: the log is exact
    assert loud.sum() > 50
    torch.testing.assert_close((batch[0] - batch[1])[loud], torch.full((int(loud.sum()),), math.log(4.0)), atol=1e-4, rtol=0)
    assert n_frames(torch.tensor([0, 159, 160, 8000])).tolist() == [1, 1, 2, 51]


@pytest.mark.parametrize("fn, args, kwargs, error, match", [
    (log_mel, ([0.0] * 1000,), {}, TypeError, r"wave: expected a torch tensor"),
    (log_mel, (torch.zeros(1000, dtype=torch.int16),), {}, TypeError, r"floating-point"),
    (log_mel, (torch.zeros(2, 3, 1000),), {}, ValueError, r"wave: expected a 1-D or 2-D input \(N,\) or \(B, N\)"),
    (log_mel, (torch.zeros(100),), {}, ValueError, r"more than n_fft // 2 = 200 samples.*got 100"),
    (log_mel, (torch.zeros(1000),), dict(n_mels=0), ValueError, r"n_mels: expected an int >= 1"),
    (log_mel, (torch.zeros(1000),), dict(hop_length=2.5), TypeError, r"hop_length.*not an integer"),
    (log_mel, (torch.zeros(1000),), dict(eps=0), ValueError, r"eps: expected a number > 0"),
    (mel_filterbank, (201, 40, 16000), dict(f_max=9000), ValueError, r"f_max: expected a number in \(0, 8000.0\]"),
    (mel_filterbank, (201, 40, 16000), dict(f_min=8000), ValueError, r"f_min: expected a number in \[0, 8000.0\)"),
    (mel_filterbank, (1, 40), {}, ValueError, r"n_freqs: expected an int >= 2"),
])
def test_bad_inputs_are_named(fn, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        fn(*args, **kwargs)
