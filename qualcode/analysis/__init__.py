"""Frequency and comparison queries, co-occurrence, contingency and agreement statistics."""
