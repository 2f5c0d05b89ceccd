"""Streamlit helpers shared by the pages: theme, cached loaders, and the data-missing panel.

Only the app's pages import this package; ``lab`` never does.
"""
