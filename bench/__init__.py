"""Benchmarks of One-Shot Lab, run from the checkout as modules: ``python -m bench.classroom``,
``python -m bench.bench_pages``, ... (or ``python bench/bench_pages.py`` once the project is installed with
``pip install -e .``, as ./run.sh does). Their figures are in docs/PERFORMANCE.md.

- :mod:`bench.harness`: what every bench shares: a server of the app on a free port, the processes' CPU and memory
  sampled, percentiles, the machine's load and a headless Chromium's settings;
- :mod:`bench.client`: a Streamlit client at the protocol level (one WebSocket per simulated user, no browser);
- :mod:`bench.classroom`: a class of N students on one server, through that client;
- ``bench_*.py``: one scenario each (pages' first visits, training, faces, identification, ...).
"""
