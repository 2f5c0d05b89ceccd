"""Speed of the face lab on this machine's CPU, offline (DeepFace's weights in $DEEPFACE_HOME).

  * verify, warm, for every offline model x detector pair (budget: <= 0.3 s per pair for the fastest),
    on the 9 same-person and different-person pairs below, with the accuracy at DeepFace's threshold;
  * the same pair through DeepFace.verify itself, for comparison;
  * identification among 1,000 enrolled faces (budget 50 ms after warm-up): the search alone, and with the
    new photo's detection and embedding;
  * a cold start: importing DeepFace and building each model.

    DEEPFACE_HOME=/tmp/deepface FACES_DIR=../shared/data/faces .venv/bin/python bench/bench_faces.py [--repeat 3]
(run `python -m lab faces weights --from-folder ../shared/data/deepface/weights` once before, with the same DEEPFACE_HOME)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PAIRS = [  # (first, second, same person?) from ../shared/data/faces
    ("train/obama/obama.jpg", "test/obama1.jpg", True),
    ("train/obama/obama2.jpg", "misc/obama3.jpg", True),
    ("train/biden/biden.jpg", "train/biden/biden2.jpg", True),
    ("train/kit_harington/john1.jpeg", "test/johnsnow_test1.jpg", True),
    ("train/rose_leslie/img1.jpg", "train/rose_leslie/img2.jpg", True),
    ("train/obama/obama.jpg", "train/biden/biden.jpg", False),
    ("train/kit_harington/john2.jpeg", "train/rose_leslie/img1.jpg", False),
    ("train/alex_lacamoire/img1.jpg", "misc/lin-manuel-miranda.png", False),
    ("test/alex_lacamoire1.jpg", "train/kit_harington/john1.jpeg", False),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(os.environ.get("FACES_DIR") or REPO.parent / "shared" / "data" / "faces")

    started = time.perf_counter()
    import deepface.DeepFace  # noqa: F401  (imports TensorFlow)
    print(f"import deepface (and TensorFlow): {time.perf_counter() - started:.2f} s")

    from lab.faces.detection import OFFLINE_DETECTORS
    from lab.faces.embedding import OFFLINE_MODELS, build_model
    from lab.faces.photos import load_photo
    from lab.faces.pipeline import verify_photos

    for model in OFFLINE_MODELS:
        started = time.perf_counter()
        build_model(model)
        print(f"build {model}: {time.perf_counter() - started:.2f} s")
    photos = {name: load_photo(folder / name) for pair in PAIRS for name in pair[:2]}

    print(f"\nverify, warm: median seconds per pair over {len(PAIRS)} pairs x {args.repeat}, and accuracy at "
          "DeepFace's cosine threshold")
    for model in OFFLINE_MODELS:
        for detector in OFFLINE_DETECTORS:
            verify_photos(photos[PAIRS[0][0]], photos[PAIRS[0][1]], model, detector)  # warm-up: loads the detector
            times, right = [], 0
            for first, second, same in PAIRS:
                for _ in range(args.repeat):
                    result = verify_photos(photos[first], photos[second], model, detector)
                    times.append(result.seconds)
                right += result.verdict.verified == same
            print(f"  {model:<8} + {detector:<11} {statistics.median(times):6.3f} s per pair (max {max(times):.3f}), "
                  f"{right}/{len(PAIRS)} right")

    from deepface import DeepFace

    first, second = (str(folder / p) for p in PAIRS[0][:2])
    for model in OFFLINE_MODELS:
        DeepFace.verify(first, second, model_name=model, detector_backend="yunet")
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            DeepFace.verify(first, second, model_name=model, detector_backend="yunet")
            times.append(time.perf_counter() - started)
        print(f"DeepFace.verify itself, {model} + yunet, file paths: {statistics.median(times):.3f} s per pair")

    identification(folder, args.repeat)


def identification(folder: Path, repeat: int) -> None:
    import numpy as np

    from lab.faces.database import FaceDatabase
    from lab.faces.detection import detect
    from lab.faces.embedding import embed
    from lab.faces.photos import labelled_photos, load_photo

    for model in ("Facenet", "Dlib"):
        crops, people = [], []
        for person, paths in labelled_photos(folder / "train").items():
            for path in paths:
                crops.append(detect(load_photo(path), "yunet").faces[0].aligned)
                people.append(person)
        real = embed(crops, model)
        # 1,000 enrolled faces: the 9 real ones and 991 others spread like them (a company's worth of people).
        rng = np.random.default_rng(0)
        others = real[rng.integers(0, len(real), 991)] + rng.normal(0, real.std(), size=(991, real.shape[1]))
        database = FaceDatabase(Path("bench.npz"), model, "yunet",
                                np.array(people + [f"person {i}" for i in range(991)]),
                                np.array(["x"] * 1000), np.concatenate([real, others]).astype(np.float32),
                                np.zeros((1000, 96, 96, 3), np.uint8))
        query = load_photo(folder / "test" / "johnsnow_test1.jpg")
        vector = embed([detect(query, "yunet").faces[0].aligned], model)[0]
        database.identify(vector)  # warm-up
        search = []
        for _ in range(max(50, repeat)):
            started = time.perf_counter()
            found = database.identify(vector)
            search.append(time.perf_counter() - started)
        whole = []
        for _ in range(repeat):
            started = time.perf_counter()
            database.identify(embed([detect(query, "yunet").faces[0].aligned], model)[0])
            whole.append(time.perf_counter() - started)
        print(f"identify among 1,000 faces ({model}): search {statistics.median(search) * 1000:.2f} ms median "
              f"(max {max(search) * 1000:.2f}); with detection (yunet) and embedding of the new photo "
              f"{statistics.median(whole) * 1000:.0f} ms; answer: {found.person}")


if __name__ == "__main__":
    main()
