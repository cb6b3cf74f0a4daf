"""Policies capability."""
