"""Matching capability."""
