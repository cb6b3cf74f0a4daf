"""Geo capability."""
