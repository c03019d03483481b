"""Text utilities with no knowledge of documents or stages."""
