"""Codebook files: load and validate them with line-precise errors, write them back."""
