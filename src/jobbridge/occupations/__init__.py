"""Occupations capability."""
