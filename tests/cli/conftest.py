"""The CLI tests use the `run` fixture of tests/conftest.py."""
