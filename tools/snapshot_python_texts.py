"""Write the committed snapshot of Python's texts that the course trains on.

    python3.11 tools/snapshot_python_texts.py        # run with Python 3.11.7, then commit

The course's corpora (:mod:`rnnlab.data.corpus`) are Python's own documentation topics
(``pydoc_data.topics``) and a fixed list of standard-library modules. Read from the running
interpreter they change between Python versions, and every number after them moves; so
they are read once, from the Python named by ``EXPECTED``, and stored compressed in
``rnnlab/data/snapshot/`` beside the PSF license they come under.
"""
from __future__ import annotations

import hashlib
import json
import lzma
import platform
import shutil
import sysconfig
from pathlib import Path

from rnnlab.data.corpus import SNAPSHOT_DIR, SNAPSHOT_FILES, SOURCE_MODULES, SNAPSHOT_PYTHON

def main() -> None:
    if platform.python_version() != SNAPSHOT_PYTHON:
        raise SystemExit(f"snapshot: expected Python {SNAPSHOT_PYTHON} (the stored outputs were made with it), "
                         f"this is {platform.python_version()}")
    from pydoc_data.topics import topics

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts = {
        "docs": {name: topics[name] for name in sorted(topics)},
        "source": {name: (stdlib / name).read_text(encoding="utf-8") for name in SOURCE_MODULES},
    }
    SNAPSHOT_DIR.mkdir(exist_ok=True)
    for kind, data in texts.items():
        raw = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
        # check=CRC32, no timestamp: the same texts always give the same bytes
        packed = lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=9 | lzma.PRESET_EXTREME)
        path = SNAPSHOT_DIR / SNAPSHOT_FILES[kind]
        path.write_bytes(packed)
        print(f"{path}: {len(data)} texts, {len(raw):,} bytes -> {len(packed):,} compressed, "
              f"sha256 {hashlib.sha256(raw).hexdigest()}")
    shutil.copyfile(stdlib / "LICENSE.txt", SNAPSHOT_DIR / "LICENSE-PSF.txt")


if __name__ == "__main__":
    main()
