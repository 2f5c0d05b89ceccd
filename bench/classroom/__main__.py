"""``python -m bench.classroom``: see :mod:`bench.classroom`."""

from bench.classroom.main import main

main()
