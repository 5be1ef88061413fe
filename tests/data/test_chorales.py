"""rnnlab.data.chorales: the snapshot is music21's corpus (re-derived with music21), the quarter-note
quantisation on a score built by hand, the split by chorale, piano rolls and their errors."""
import numpy as np
import pytest

from rnnlab.data import chorales as ch

music21 = pytest.importorskip("music21")


@pytest.mark.parametrize("name", ["bwv10.7", "bwv26.6", "bwv269", "bwv277", "bwv431", "bwv66.6"])
def test_the_snapshot_equals_music21s_corpus(name):
    from music21 import corpus

    score = corpus.parse(f"bach/{name}.mxl")      # bwv277 also comes as .krn: the snapshot keeps the .mxl
    assert len(score.parts) == 4
    chorale = ch.load_chorale(name)
    assert [list(f) for f in chorale.frames] == ch.frames_from_score(score)
    meter = score.recurse().getElementsByClass("TimeSignature").first()
    assert chorale.time_signature == meter.ratioString


def test_the_snapshot_records_its_music21_version_and_what_it_skipped():
    info = ch.snapshot_info()
    assert info["music21"] == music21.__version__
    assert info["chorales"] == len(ch.chorale_names()) > 300
    assert any(s.startswith("bwv1.6 ") for s in info["skipped"]["not four parts"])   # it has a horn part
    assert all(n not in ch.chorale_names() for n in info["skipped"]["analysis (.rntxt), not a score"])


def test_quarter_note_frames_of_a_score_built_by_hand():
    from music21 import chord, note, stream

    soprano, bass = stream.Part(), stream.Part()
    soprano.append([note.Note("C5", quarterLength=2), note.Note("D5", quarterLength=0.5),
                    note.Note("E5", quarterLength=0.5), note.Rest(quarterLength=1)])
    bass.append([note.Note("C3", quarterLength=1.5), chord.Chord(["G2", "G3"], quarterLength=2.5)])
    score = stream.Score([soprano, bass])
    # beat 0: C5 C3; beat 1: C5 and C3 (still sounding until 1.5); beat 2: D5 and the chord (E5 starts
    # at 2.5, between beats: not heard); beat 3: the rest and the chord.
    assert ch.frames_from_score(score) == [[48, 72], [48, 72], [43, 55, 74], [43, 55]]


def test_chorales_are_four_voices_on_the_keyboard():
    for name in ch.chorale_names()[:40]:
        c = ch.load_chorale(name)
        assert len(c) >= 2 and all(len(f) <= 4 for f in c.frames)
        assert all(ch.LOWEST <= p <= ch.HIGHEST for f in c.frames for p in f)


def test_split_is_by_chorale_deterministic_and_complete():
    train, valid, test = ch.chorale_splits()
    assert (len(train), len(valid), len(test)) == (217, 73, 73)      # of 363
    assert sorted(train + valid + test) == ch.chorale_names()
    assert not set(train) & set(test) and not set(valid) & set(test) and not set(train) & set(valid)
    assert ch.chorale_splits() == (train, valid, test)
    assert ch.chorale_splits(seed=1)[2] != test


def test_piano_roll_and_back():
    frames = [[60, 64, 67], [], [21, 108]]
    roll = ch.piano_roll(frames)
    assert roll.shape == (3, 88) and roll.dtype == np.float32
    assert roll[0, 60 - 21] == 1 and roll.sum() == 5 and roll[2, 0] == 1 and roll[2, 87] == 1
    assert ch.frames_from_roll(roll) == frames
    assert ch.piano_roll(ch.load_chorale("bwv10.7")).shape == (len(ch.load_chorale("bwv10.7")), 88)


@pytest.mark.parametrize("name, match", [
    ("bwv10.8", r"no chorale named 'bwv10.8'.*close names: .*bwv10.7"),
    ("mozart", r"no chorale named 'mozart' among the \d+ in the snapshot"),
])
def test_unknown_chorale_names_close_ones(name, match):
    with pytest.raises(ValueError, match=match):
        ch.load_chorale(name)


def test_chorale_name_must_be_a_string():
    with pytest.raises(TypeError, match=r"expected name, a chorale's corpus name such as 'bwv10.7', got int"):
        ch.load_chorale(7)


@pytest.mark.parametrize("frames, error, match", [
    ([], ValueError, r"expected at least one frame, got an empty list \(T = 0\)"),
    ([[60], [20]], ValueError, r"frame 1: MIDI pitch 20 is off the piano's keyboard; expected 21 \(A0\) .. 108"),
    ([[109]], ValueError, r"MIDI pitch 109 is off"),
    ([[60.0]], TypeError, r"frame 0: expected MIDI pitches as ints, got 60.0 \(float\)"),
    ([[True]], TypeError, r"expected MIDI pitches as ints, got True"),
    ([60, 62], TypeError, r"frame 0: expected a list of MIDI pitches, got 60"),
    (np.zeros((3, 88)), TypeError, r"got ndarray; to go from a roll back to frames use frames_from_roll"),
    ("C4", TypeError, r"expected frames, a list of T frames"),
])
def test_piano_roll_refuses_bad_frames(frames, error, match):
    with pytest.raises(error, match=match):
        ch.piano_roll(frames)


@pytest.mark.parametrize("roll, match", [
    (np.zeros((0, 88)), r"expected at least one frame, got a roll of shape \(0, 88\)"),
    (np.zeros((4, 87)), r"expected keys \(MIDI 21..108\) = 88 along dim 1, got 87"),
    (np.zeros(88), r"expected a 2-D input \(T, 88\), got shape \(88,\)"),
    (np.full((2, 88), 0.3), r"expected 0s and 1s .* threshold or sample probabilities first"),
])
def test_frames_from_roll_refuses_bad_rolls(roll, match):
    with pytest.raises(ValueError, match=match):
        ch.frames_from_roll(roll)


def test_check_roll_names_an_empty_roll_and_int_rolls():
    with pytest.raises(ValueError, match=r"opening: expected at least one frame, got an empty piano roll of shape \(0, 88\)"):
        ch.check_roll("opening", np.zeros((0, 88), dtype=np.float32))
    with pytest.raises(TypeError, match=r"opening: expected a floating-point dtype"):
        ch.check_roll("opening", np.zeros((3, 88), dtype=np.int64))


@pytest.mark.parametrize("kwargs, match", [
    (dict(valid=0.5, test=0.5), r"valid \+ test must leave chorales to train on"),
    (dict(valid=-0.1), r"valid"),
    (dict(test=1.0), r"test"),
])
def test_split_refuses_bad_fractions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ch.chorale_splits(**kwargs)


def test_every_name_in_the_snapshot_is_stored_once():
    import json
    import lzma

    names = [c["name"] for c in json.loads(lzma.decompress(ch.SNAPSHOT_FILE.read_bytes()))["chorales"]]
    assert len(names) == len(set(names)) == len(ch.chorale_names())
    assert "bwv277.krn" in ch.snapshot_info()["skipped"]["another encoding of a chorale kept as .mxl"]
