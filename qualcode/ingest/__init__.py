"""Transcript readers (one module per format), text decoding and the sentence segmenter."""
