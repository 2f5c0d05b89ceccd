"""Sessions of one server at the same time: DeepFace's detectors are shared by every thread of the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DETECT_IN_FOUR_THREADS = """
import sys, threading
from pathlib import Path
from lab.faces.detection import detect, detect_viola_jones
from lab.faces.photos import load_photo

faces, detector = Path(sys.argv[1]), sys.argv[2]
photos = [load_photo(faces / name) for name in
          ("test/obama1.jpg", "test/kit_with_rose.jpg", "misc/obama_small.jpg", "test/obama_and_biden.jpg")]
expected = [len(detect(photo, detector).faces) for photo in photos]
wrong = []

def session(offset):
    for step in range(10):
        index = (offset + step) % len(photos)
        found = detect(photos[index], detector) if step % 2 or detector != "opencv" else detect_viola_jones(photos[index])
        if detector != "opencv" and len(found.faces) != expected[index]:
            wrong.append(index)

threads = [threading.Thread(target=session, args=(offset,)) for offset in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("wrong", len(wrong))
"""


@pytest.mark.parametrize("detector", ["yunet", "opencv"])
def test_four_sessions_detecting_at_once_do_not_crash_the_server(faces_dir: Path, detector: str) -> None:
    # Before the detector lock, YuNet's shared instance crashed the process (segmentation fault) within a few
    # concurrent detections: the Streamlit server died under a class. A subprocess, so a crash fails this test only.
    run = subprocess.run([sys.executable, "-c", DETECT_IN_FOUR_THREADS, str(faces_dir), detector], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"exit status {run.returncode} (-11 is a segmentation fault): {run.stderr[-500:]}"
    assert run.stdout.strip().endswith("wrong 0")
