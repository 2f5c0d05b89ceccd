"""CPU seconds and resident memory of a process and its descendants (a server and its children, this process and
the browsers it started), and which processes listen on a port."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path


class ProcessTree:
    """CPU seconds and resident memory of a process and its descendants: psutil when installed, else /proc."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        try:
            import psutil  # noqa: F401

            self.source = "psutil"
        except ImportError:
            self.source = "/proc"
        self._ticks = os.sysconf("SC_CLK_TCK")
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _proc_table(self) -> dict[int, tuple[int, float, int]]:
        """pid -> (parent, CPU seconds of it and of its ended children it waited for, RSS bytes)."""
        table = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            table[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / self._ticks,
                                            int(fields[21]) * self._page)
        return table

    def sample(self) -> tuple[float, int, int]:
        """(CPU seconds, RSS bytes, number of processes) of the trees now."""
        if self.source == "psutil":
            import psutil

            cpu, rss, count = 0.0, 0, 0
            for root in self.roots:
                try:
                    processes = [psutil.Process(root)]
                    processes += processes[0].children(recursive=True)
                except psutil.Error:
                    continue
                for process in processes:
                    try:
                        times = process.cpu_times()
                        cpu += times.user + times.system + times.children_user + times.children_system
                        rss += process.memory_info().rss
                        count += 1
                    except psutil.Error:
                        continue
            return cpu, rss, count
        table = self._proc_table()
        children = defaultdict(list)
        for pid, (parent, _, _) in table.items():
            children[parent].append(pid)
        cpu, rss, count, stack = 0.0, 0, 0, list(self.roots)
        while stack:
            pid = stack.pop()
            if pid in table:
                cpu += table[pid][1]
                rss += table[pid][2]
                count += 1
            stack.extend(children.get(pid, ()))
        return cpu, rss, count


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def listening_pids(port: int) -> list[int]:
    """The processes with a listening TCP socket on ``port`` (from /proc/net/tcp and each process's fds)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    pids = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            pids.add(int(fd.parts[2]))
    return sorted(pids)


def heavy_modules_loaded(pid: int) -> list[str]:
    """Which of TensorFlow and DeepFace process ``pid`` has imported (their files mapped in its memory)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in ("tensorflow", "deepface") if f"/site-packages/{name}/" in maps]
