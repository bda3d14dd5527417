"""Bundled decision tables (package data), found by name with importlib.resources."""
