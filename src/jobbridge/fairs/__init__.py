"""Fairs capability."""
