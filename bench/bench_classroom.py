"""``python bench/bench_classroom.py --sessions N [--url URL] --json FILE``: the documented spelling of
``python -m bench.classroom`` (see :mod:`bench.classroom`), for a checkout installed with ``pip install -e .``
(./run.sh does it)."""

from bench.classroom.main import main

if __name__ == "__main__":
    main()
