"""normalise: multilingual news articles in, one sentence-aligned English corpus out."""

__version__ = "0.1.0"
