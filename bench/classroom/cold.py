"""``--cold``: a fresh server, the shipped model's stored codes removed; N sessions open one page at once, then N
new sessions again on the now warm server: each session's time to its first render, the server's CPU per wave, and
how many code files were written (one per kind of codes: computed once, not N times)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bench.classroom.lesson import Results
from bench.classroom.report import error_kinds
from bench.client.session import StreamlitSession
from bench.harness.processes import ProcessTree, own_cpu_seconds
from bench.harness.sampling import Polling, Sampler
from bench.harness.server import REPO
from bench.harness.statistics import summary


def remove_stored_codes() -> int:
    """The shipped model's stored codes removed (before the server starts); how many files."""
    from lab.siamese.code_store import remove_stored_codes as remove  # noqa: PLC0415

    return len(remove(REPO / "models" / "default.keras"))


class CodeWatcher(Polling):
    """Every version of the shipped model's stored code files seen while it runs (polled every 0.1 s): each
    computation of the codes writes its file once (atomically, a new inode), so N computations would show N
    versions."""

    def __init__(self, folder: Path) -> None:
        super().__init__(0.1)
        self.folder = folder
        self.versions: set[tuple[str, int, int]] = set()
        self._before = self._now()

    def _now(self) -> set[tuple[str, int, int]]:
        found = set()
        for path in self.folder.glob("[!.]*.codes.npz"):  # not atomic_write's temporary files
            try:
                stat = path.stat()
            except OSError:
                continue
            found.add((path.name, stat.st_ino, stat.st_mtime_ns))
        return found

    def poll(self) -> None:
        self.versions |= self._now() - self._before


async def cold_wave(url: str, args: argparse.Namespace, wave: str) -> dict:
    """N new sessions open ``--cold-page`` at once; each one's seconds to its first completed run."""
    results = Results()

    async def visit(number: int) -> None:
        session = StreamlitSession(url, name=f"{wave}{number:02d}", timeout=args.timeout, fetch_media=not args.no_media)
        try:
            results.times["first_render"].append(await session.open(args.cold_page))
        except Exception as exc:  # noqa: BLE001
            results.error(session.name, f"{type(exc).__name__}: {exc}")
        finally:
            results.errors.extend(f"{session.name}: {e}" for e in session.stats.errors)
            await session.close()

    await asyncio.gather(*(visit(n) for n in range(args.sessions)))
    return {"results": results}


def cold_figures(url: str, args: argparse.Namespace, tree: ProcessTree) -> dict:
    """Both waves, cold then warm, printed as they come: the figures of the bench's JSON."""
    waves = {}
    for wave in ("cold", "warm"):
        with Sampler(tree) as sampler, CodeWatcher(REPO / "models") as watcher:  # type: ignore[arg-type]
            client_before = own_cpu_seconds()
            wave_result = asyncio.run(cold_wave(url, args, wave))
            client_cpu = own_cpu_seconds() - client_before
        figures = sampler.figures()
        res = wave_result["results"]
        waves[wave] = {"first_render": summary(res.times["first_render"]), "errors": len(res.errors),
                       "error_kinds": error_kinds(res.errors), "server": figures,
                       "client_cpu_s": round(client_cpu, 2),
                       "code_files_written": sorted(name for name, _, _ in watcher.versions)}
        print(f"{wave}: {args.sessions} first visits of {args.cold_page} at once: "
              f"{waves[wave]['first_render']}; server {figures}; client CPU {client_cpu:.2f} s; "
              f"errors {len(res.errors)}; code files written {len(watcher.versions)} "
              f"{sorted(name for name, _, _ in watcher.versions)}", flush=True)
        for error in res.errors[:10]:
            print(f"  {error}")
    print(f"server CPU: cold wave {waves['cold']['server']['cpu_s']} s, warm wave "
          f"{waves['warm']['server']['cpu_s']} s")
    return {"mode": "cold", "page": args.cold_page, "waves": waves, "errors": sum(w["errors"] for w in waves.values()),
            "code_computations": len(waves["cold"]["code_files_written"]),
            "server_cpu_s_cold_minus_warm": round(waves["cold"]["server"]["cpu_s"]
                                                  - waves["warm"]["server"]["cpu_s"], 2)}
