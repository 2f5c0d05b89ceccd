"""Identification among 100,000 enrolled faces in the shared database (budget: <= 50 ms warm).

Enrols synthetic Facenet-sized faces (128 values; 4 faces per person, each a person's centre plus noise) into a fresh
SQLite file, and into PostgreSQL when ``--url`` or ``$ONESHOT_TEST_POSTGRES_URL`` names one (a new gallery there,
deleted at the end), then measures what the face database page does for each photo once its face is embedded:
``open_gallery`` (one SELECT of the gallery's revision; the vectors stay in the process's memory) and
``identify`` (the nearest people, ``RANKING_TOP`` of them). Also: the insertion time (executemany in batches of
``INSERT_BATCH``), the cold load (the first ``open_gallery`` of a process: every row read, the index prepared), and
the search with the whole ranking (every person) for comparison.

    .venv/bin/python -m bench.bench_identify [--faces 100000] [--queries 200] [--url postgresql://...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.harness.statistics import percentile  # noqa: E402
from lab.faces.gallery import RANKING_TOP  # noqa: E402
from lab.faces.gallery_repository import add_faces  # noqa: E402
from lab.faces.thumbnails import THUMBNAIL, png_bytes  # noqa: E402
from lab.workflows import gallery as faces_db  # noqa: E402
from lab.faces.embedding import checked_threshold  # noqa: E402

PER_PERSON = 4
DIMENSION = 128  # Facenet's


def synthetic(faces: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """People's names, their faces' vectors, and the people's centres (the queries are drawn near them)."""
    rng = np.random.default_rng(seed)
    people = faces // PER_PERSON
    centres = rng.normal(size=(people, DIMENSION)).astype(np.float32)
    vectors = np.repeat(centres, PER_PERSON, axis=0)[:faces] + 0.3 * rng.normal(size=(faces, DIMENSION)).astype(np.float32)
    names = [f"person {i:06d}" for i in range(people) for _ in range(PER_PERSON)][:faces]
    return names, vectors.astype(np.float32), centres


def thumbnails(count: int = 8) -> list[bytes]:
    rng = np.random.default_rng(1)
    return [png_bytes(rng.integers(0, 255, (THUMBNAIL, THUMBNAIL, 3), dtype=np.uint8))
            for _ in range(count)]


def measure(url: str, label: str, faces: int, queries: int) -> dict:
    from lab.db import transaction
    from lab.db.schema import galleries

    name = f"bench-{int(time.time())}"
    names, vectors, centres = synthetic(faces)
    pictures = thumbnails()
    pngs = [pictures[i % len(pictures)] for i in range(faces)]
    sources = [f"{n.replace(' ', '_')}_{i % PER_PERSON}.jpg" for i, n in enumerate(names)]
    started = time.perf_counter()
    transaction(lambda c: add_faces(c, name, "Facenet", "yunet", names, vectors, pngs, sources), url)
    insert_s = time.perf_counter() - started
    print(f"[{label}] inserted {faces:,} faces in {insert_s:.1f} s", file=sys.stderr)

    faces_db.forget_snapshots()
    started = time.perf_counter()
    database = faces_db.open_gallery(name, database_url=url)
    cold_s = time.perf_counter() - started
    assert database.size == faces

    rng = np.random.default_rng(2)
    asked = rng.integers(0, len(centres), queries)
    probes = centres[asked] + 0.3 * rng.normal(size=(queries, DIMENSION)).astype(np.float32)
    for probe in probes[:5]:  # warm-up
        faces_db.open_gallery(name, database_url=url).identify(probe, "cosine", top=RANKING_TOP)
    warm, search, right = [], [], 0
    for person, probe in zip(asked, probes):
        started = time.perf_counter()
        found = faces_db.open_gallery(name, database_url=url).identify(probe, "cosine", top=RANKING_TOP)
        warm.append((time.perf_counter() - started) * 1000)
        right += found.nearest.person == f"person {person:06d}"
        started = time.perf_counter()
        database.identify(probe, "cosine", top=RANKING_TOP)
        search.append((time.perf_counter() - started) * 1000)
    everyone = []
    for probe in probes[:20]:
        started = time.perf_counter()
        database.identify(probe, "cosine")
        everyone.append((time.perf_counter() - started) * 1000)

    transaction(lambda c: c.execute(galleries.delete().where(galleries.c.name == name)), url)  # faces cascade
    figures = {"backend": label, "faces": faces, "people": len(centres), "insert_s": round(insert_s, 2),
               "cold_load_s": round(cold_s, 3), "warm_p50_ms": round(percentile(warm, 50), 2),
               "warm_p95_ms": round(percentile(warm, 95), 2), "search_p50_ms": round(percentile(search, 50), 2),
               "search_p95_ms": round(percentile(search, 95), 2),
               "full_ranking_p50_ms": round(statistics.median(everyone), 2), "right": f"{right}/{queries}"}
    print(f"[{label}] {faces:,} faces of {len(centres):,} people: warm identify p50 {figures['warm_p50_ms']} ms, "
          f"p95 {figures['warm_p95_ms']} ms (search alone p50 {figures['search_p50_ms']} ms, with the whole ranking "
          f"{figures['full_ranking_p50_ms']} ms); cold load {cold_s:.2f} s; insert {insert_s:.1f} s; nearest right "
          f"{right}/{queries}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--url", default=os.environ.get("ONESHOT_TEST_POSTGRES_URL") or None,
                        help="a PostgreSQL database to measure as well (default $ONESHOT_TEST_POSTGRES_URL)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    checked_threshold("Facenet", "cosine", None)  # imports DeepFace's threshold table once, outside the timings
    results = {"load_before": os.getloadavg()[0], "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        results["runs"].append(measure(f"sqlite:///{folder}/bench.sqlite", "sqlite", args.faces, args.queries))
        from lab.db.engine import forget_engines

        forget_engines()
    if args.url:
        results["runs"].append(measure(args.url, "postgresql", args.faces, args.queries))
    results["load_after"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
