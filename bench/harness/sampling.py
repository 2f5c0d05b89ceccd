"""A process tree's CPU and memory sampled in a thread while a bench runs: CPU seconds, mean and peak cores, peak
resident memory."""

from __future__ import annotations

import threading
import time
from typing import Self

from bench.harness.processes import ProcessTree


class Polling:
    """Calls :meth:`poll` every ``interval`` seconds in a thread while in its ``with`` block, and once more at the
    block's end."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def poll(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()


class Sampler(Polling):
    """Samples a :class:`ProcessTree` every ``interval`` seconds in a thread: peak RSS, CPU seconds, peak cores."""

    def __init__(self, tree: ProcessTree, interval: float = 0.5) -> None:
        super().__init__(interval)
        self.tree = tree
        self.samples: list[tuple[float, float, int]] = []  # (time, CPU s, RSS bytes)

    def poll(self) -> None:
        cpu, rss, _ = self.tree.sample()
        self.samples.append((time.perf_counter(), cpu, rss))

    def figures(self) -> dict[str, float | None]:
        if len(self.samples) < 2:
            return {"cpu_s": None, "wall_s": None, "mean_cores": None, "peak_cores_1s": None, "peak_rss_mb": None}
        (t0, c0, _), (t1, c1, _) = self.samples[0], self.samples[-1]
        peak = 0.0
        for index, (t, c, _) in enumerate(self.samples):  # CPU over windows of at least a second
            for later in self.samples[index + 1:]:
                if later[0] - t >= 1.0:
                    peak = max(peak, (later[1] - c) / (later[0] - t))
                    break
        return {"cpu_s": round(c1 - c0, 2), "wall_s": round(t1 - t0, 2), "mean_cores": round((c1 - c0) / (t1 - t0), 2),
                "peak_cores_1s": round(peak, 2), "peak_rss_mb": round(max(s[2] for s in self.samples) / 2**20, 1)}
