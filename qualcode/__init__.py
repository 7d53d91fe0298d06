"""qualcode: qualitative coding of interview and focus-group transcripts in the terminal."""

__version__ = "0.1.0"
