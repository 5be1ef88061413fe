"""Write the committed snapshot of Bach's chorales that notebook 15 trains on.

    .venv/bin/python tools/snapshot_chorales.py      # about 40 s; then commit the file it writes

music21 10.5.1 ships 433 files under ``music21/corpus/bach/`` (``music21.corpus.getComposer('bach')``):
408 ``.mxl``, 2 ``.xml``, 3 ``.krn`` scores and 20 ``.rntxt`` roman-numeral analyses. This script
parses every score and keeps a chorale only if it has **exactly four parts** (SATB), as JSB Chorales
does; the rest are skipped and listed in the snapshot by reason:

- ``.rntxt`` files: harmonic analyses, not scores (no notes to hear);
- scores with more or fewer than four parts: an added instrumental part (horns, violins, an
  obbligato continuo, ...) or a chorale that is not in four voices;
- a second encoding: three chorales (bwv277, bwv281, bwv366) come both as ``.mxl`` and as Humdrum
  ``.krn``, whose frames differ (repeats, ornaments); the ``.mxl`` is kept, as for every other chorale;
- exact duplicates: a score whose quarter-note frames equal an earlier one's (by name) is the
  same harmonisation filed twice; keeping both could put one copy in training and one in test.

Each kept chorale is quantised with :func:`rnnlab.data.chorales.frames_from_score` (one frame per
quarter note: the MIDI pitches sounding on that beat) and stored with its corpus name, key and time
signature. The JSON is sorted and compressed with a fixed xz preset and no timestamp, so rerunning
the script with the same music21 writes the same bytes.
"""
from __future__ import annotations

import json
import lzma
import time

import music21
from music21 import corpus

from rnnlab.data.chorales import HIGHEST, LOWEST, SNAPSHOT_FILE, frames_from_score


def describe(score) -> tuple[str, str]:
    """The score's first key and time signature ("F major" where the file names the key, else its
    key signature, "2 flats"; "4/4"), or "" where the file has none."""
    key = score.recurse().getElementsByClass("KeySignature").first()
    meter = score.recurse().getElementsByClass("TimeSignature").first()
    if key is None:
        key_name = ""
    elif isinstance(key, music21.key.Key):            # the file names the key itself, mode included
        key_name = str(key)
    else:                                              # only a signature: its mode is not written down
        key_name = f"{abs(key.sharps)} {'sharp' if key.sharps > 0 else 'flat'}{'s' * (abs(key.sharps) != 1)}"
    return key_name, "" if meter is None else meter.ratioString


def main() -> None:
    start = time.perf_counter()
    chorales, skipped, seen = [], {"analysis (.rntxt), not a score": [], "not four parts": [],
                                   "another encoding of a chorale kept as .mxl": [],
                                   "duplicate of an earlier chorale": []}, {}
    paths = sorted(corpus.getComposer("bach"), key=lambda p: p.name)
    has_mxl = {p.name.rsplit(".", 1)[0] for p in paths if p.suffix == ".mxl"}
    for path in paths:
        name = path.name.rsplit(".", 1)[0]
        if path.suffix == ".rntxt":
            skipped["analysis (.rntxt), not a score"].append(name)
            continue
        if path.suffix != ".mxl" and name in has_mxl:
            skipped["another encoding of a chorale kept as .mxl"].append(path.name)
            continue
        score = corpus.parse(path)
        if len(score.parts) != 4:
            skipped["not four parts"].append(f"{name} ({len(score.parts)})")
            continue
        frames = frames_from_score(score)
        key = json.dumps(frames)
        if key in seen:
            skipped["duplicate of an earlier chorale"].append(f"{name} (= {seen[key]})")
            continue
        seen[key] = name
        assert all(LOWEST <= p <= HIGHEST for f in frames for p in f), name
        key_name, meter = describe(score)
        chorales.append({"name": name, "key": key_name, "time_signature": meter, "frames": frames})
    data = {"music21": music21.__version__, "skipped": skipped,
            "chorales": sorted(chorales, key=lambda c: c["name"])}
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    # check=CRC32 and no timestamp in the xz format: the same chorales always give the same bytes
    packed = lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=9 | lzma.PRESET_EXTREME)
    SNAPSHOT_FILE.write_bytes(packed)
    print(f"{SNAPSHOT_FILE}: {len(chorales)} chorales, {len(raw):,} bytes -> {len(packed):,} compressed "
          f"({time.perf_counter() - start:.0f} s); skipped: " + ", ".join(f"{len(v)} {k}" for k, v in skipped.items()))


if __name__ == "__main__":
    main()
