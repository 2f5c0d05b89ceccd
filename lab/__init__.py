"""One-Shot Lab: the computations behind the app, as plain functions (no Streamlit here).

Sub-packages: ``lab.data`` (Omniglot sets, Lake's runs, downloads, pairs); ``lab.cli`` is the command line
(``python -m lab``).
"""

__version__ = "0.1.0"
