"""Exports of result tables and REFI-QDA exchange, in and out."""
