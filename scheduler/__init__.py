"""Scheduler service: job table and the leader-elected runner."""
