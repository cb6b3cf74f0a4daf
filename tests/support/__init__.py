"""Shared helpers for tests: personas built through the app's own domain functions."""
