"""Graduates capability."""
