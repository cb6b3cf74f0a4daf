"""Outreach capability."""
