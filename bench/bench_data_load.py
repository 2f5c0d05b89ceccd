"""Omniglot loading speed and memory: first load (decode the zips) and warm load (from the array cache).

Each measurement runs in a fresh Python process, so imports and page caches are counted as a user sees
them, and peak memory (max resident set size) is that process's own.

    .venv/bin/python -m bench.bench_data_load [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness.server import REPO

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from lab.data.omniglot import load_set
imported = time.perf_counter()
sizes = {}
for name in ("background", "evaluation"):
    data = load_set(name)
    sizes[name] = list(data.images.shape)
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "load_s": done - imported,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "shapes": sizes}))
"""


def measure(cache: Path) -> dict[str, float]:
    env = dict(os.environ, ONESHOT_CACHE_DIR=str(cache))
    output = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"OMNIGLOT_DIR={os.environ.get('OMNIGLOT_DIR', '(default)')}, {os.cpu_count()} CPUs")
    print(f"{'run':<6} {'kind':<6} {'load both sets (s)':>19} {'import (s)':>11} {'peak RSS (MB)':>14}")
    for run in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory() as cache:
            for kind in ("first", "warm"):
                result = measure(Path(cache))
                print(f"{run:<6} {kind:<6} {result['load_s']:>19.2f} {result['import_s']:>11.2f} {result['peak_rss_mb']:>14.0f}")
    print(f"shapes: {result['shapes']}")


if __name__ == "__main__":
    main()
