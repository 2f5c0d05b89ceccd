"""Speed of the face lab on this machine's CPU, offline (DeepFace's weights in $DEEPFACE_HOME).

  * verify, warm, for every offline model x detector pair (budget: <= 0.1 s per pair for Facenet + yunet),
    on the 9 same-person and different-person pairs below, with the accuracy at DeepFace's threshold, and
    how much of it is detection (both photos);
  * in the same run, interleaved pair by pair so that both see the same load, the path before the compiled
    embedding ("before": lab's detection, then DeepFace.represent for each face, as lab.faces.embedding did);
  * the same pair through DeepFace.verify itself, for comparison;
  * identification among 1,000 enrolled faces (budget 50 ms after warm-up): the search alone, and with the
    new photo's detection and embedding;
  * a cold start: importing DeepFace and building each model (Facenet's build includes compiling its graph).

    DEEPFACE_HOME=/tmp/deepface FACES_DIR=../shared/data/faces .venv/bin/python -m bench.bench_faces [--repeat 3]
        [--json FILE] [--models Facenet] [--detectors yunet] [--no-before]
(run `python -m lab faces weights --from-folder ../shared/data/deepface/weights` once before, with the same DEEPFACE_HOME)
--json FILE writes every figure: {"verify_warm_s": {"Facenet+yunet": median s per pair, ...}, ...}, with the load
average before and after, since figures taken while other work runs are slower; "verify_cpu_s" (this process's CPU
seconds per pair, all its threads) depends much less on other work than the wall-clock figures do.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.harness.server import SHARED_DATA

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PAIRS = [  # (first, second, same person?) from ../shared/data/faces; tests/unit/faces/test_embedding.py uses them too
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
    from lab.faces.detection import OFFLINE_DETECTORS
    from lab.faces.embedding import OFFLINE_MODELS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--models", nargs="+", default=list(OFFLINE_MODELS), choices=OFFLINE_MODELS)
    parser.add_argument("--detectors", nargs="+", default=list(OFFLINE_DETECTORS), choices=OFFLINE_DETECTORS)
    parser.add_argument("--no-before", action="store_true", help="skip the DeepFace.represent path")
    args = parser.parse_args()
    folder = Path(os.environ.get("FACES_DIR") or SHARED_DATA / "faces")
    figures: dict = {"cpu_count": os.cpu_count(), "load_average_before": os.getloadavg(), "repeat": args.repeat}
    print(f"{os.cpu_count()} CPUs, load average {figures['load_average_before'][0]:.2f} at the start")

    started = time.perf_counter()
    import deepface.DeepFace  # noqa: F401  (imports TensorFlow)
    figures["import_s"] = time.perf_counter() - started
    print(f"import deepface (and TensorFlow): {figures['import_s']:.2f} s")

    from lab.faces.embedding import build_model
    from lab.faces.photos import load_photo

    figures["build_s"] = {}
    for model in args.models:
        started = time.perf_counter()
        build_model(model)
        figures["build_s"][model] = time.perf_counter() - started
        print(f"build {model}: {figures['build_s'][model]:.2f} s")
    photos = {name: load_photo(folder / name) for pair in PAIRS for name in pair[:2]}

    print(f"\nverify, warm: median seconds per pair over {len(PAIRS)} pairs x {args.repeat}, and accuracy at "
          "DeepFace's cosine threshold" + ("" if args.no_before else "; before: DeepFace.represent per face"))
    for model in args.models:
        for detector in args.detectors:
            verify_timings(photos, model, detector, args.repeat, not args.no_before, figures)
    deepface_verify(folder, args.models, args.repeat, figures)
    identification(folder, args.repeat, figures)
    figures["load_average_after"] = os.getloadavg()
    print(f"load average {figures['load_average_after'][0]:.2f} at the end")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"figures written to {args.json}")


def represented(face, model: str):
    """The vector DeepFace.represent gives an aligned crop: how lab.faces.embedding.embed worked before."""
    import numpy as np
    from deepface import DeepFace

    found = DeepFace.represent(np.ascontiguousarray(face[:, :, ::-1]), model_name=model, detector_backend="skip",
                               enforce_detection=False)
    return np.asarray(found[0]["embedding"], dtype=np.float32)


def verify_before(first, second, model: str, detector: str):
    """verify_photos as it was: the same detection and choice of face, DeepFace.represent for each face."""
    from lab.faces.detection import detect
    from lab.faces.embedding import verdict
    from lab.faces.pipeline import choose_face

    started, cpu = time.perf_counter(), time.process_time()
    vectors = []
    for photo in (first, second):
        found = detect(photo, detector)
        vectors.append(represented(found.faces[choose_face(found, photo.name)].aligned, model))
    found = verdict(vectors[0], vectors[1], model, "cosine")
    return found, time.perf_counter() - started, time.process_time() - cpu


def verify_timings(photos: dict, model: str, detector: str, repeat: int, before: bool, figures: dict) -> None:
    from lab.faces.pipeline import verify_photos

    key = f"{model}+{detector}"
    verify_photos(photos[PAIRS[0][0]], photos[PAIRS[0][1]], model, detector)  # warm-up: loads the detector
    if before:
        verify_before(photos[PAIRS[0][0]], photos[PAIRS[0][1]], model, detector)
    times, cpu, detecting, old_times, old_cpu, right, old_right = [], [], [], [], [], 0, 0
    for first, second, same in PAIRS:
        for _ in range(repeat):
            started = time.process_time()
            result = verify_photos(photos[first], photos[second], model, detector)
            cpu.append(time.process_time() - started)
            times.append(result.seconds)
            detecting.append(result.first.detection.seconds + result.second.detection.seconds)
            if before:  # right after, so that both paths see the same load
                old, seconds, cpu_seconds = verify_before(photos[first], photos[second], model, detector)
                old_times.append(seconds)
                old_cpu.append(cpu_seconds)
        right += result.verdict.verified == same
        old_right += before and old.verified == same
    for name, value in (("verify_warm_s", statistics.median(times)), ("verify_warm_max_s", max(times)),
                        ("verify_cpu_s", statistics.median(cpu)), ("detect_both_s", statistics.median(detecting)),
                        ("right", right)):
        figures.setdefault(name, {})[key] = value
    line = (f"  {model:<8} + {detector:<11} {statistics.median(times):6.3f} s per pair (max {max(times):.3f}; "
            f"detection {statistics.median(detecting):.3f}; CPU {statistics.median(cpu):.3f}), "
            f"{right}/{len(PAIRS)} right")
    if before:
        figures.setdefault("before_verify_warm_s", {})[key] = statistics.median(old_times)
        figures.setdefault("before_verify_cpu_s", {})[key] = statistics.median(old_cpu)
        figures.setdefault("before_right", {})[key] = old_right
        line += (f"; before {statistics.median(old_times):6.3f} s (CPU {statistics.median(old_cpu):.3f}), "
                 f"{old_right}/{len(PAIRS)} right")
    print(line, flush=True)


def deepface_verify(folder: Path, models: list[str], repeat: int, figures: dict) -> None:
    from deepface import DeepFace

    first, second = (str(folder / p) for p in PAIRS[0][:2])
    for model in models:
        DeepFace.verify(first, second, model_name=model, detector_backend="yunet")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            DeepFace.verify(first, second, model_name=model, detector_backend="yunet")
            times.append(time.perf_counter() - started)
        figures.setdefault("deepface_verify_s", {})[f"{model}+yunet"] = statistics.median(times)
        print(f"DeepFace.verify itself, {model} + yunet, file paths: {statistics.median(times):.3f} s per pair")


def identification(folder: Path, repeat: int, figures: dict) -> None:
    import numpy as np

    from lab.faces.gallery import Gallery
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
        database = Gallery(Path("bench.npz"), model, "yunet",
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
        figures.setdefault("identify_search_ms", {})[model] = statistics.median(search) * 1000
        figures.setdefault("identify_with_photo_ms", {})[model] = statistics.median(whole) * 1000
        print(f"identify among 1,000 faces ({model}): search {statistics.median(search) * 1000:.2f} ms median "
              f"(max {max(search) * 1000:.2f}); with detection (yunet) and embedding of the new photo "
              f"{statistics.median(whole) * 1000:.0f} ms; answer: {found.person}")


if __name__ == "__main__":
    main()
