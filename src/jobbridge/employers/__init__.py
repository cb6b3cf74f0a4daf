"""Employers capability."""
