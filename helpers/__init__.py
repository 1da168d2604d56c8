"""Helpers for the course "Scaling laws, hands-on": laws, fits, datasets, plots and self-checks.

Import the module you need, the same way in every notebook, e.g. ``from helpers import laws``.
"""
