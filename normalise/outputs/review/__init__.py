"""The review page: one self-contained HTML file to look at what a run did to a corpus.

See docs/review.md. The page's HTML, CSS and script are package data beside this module.
"""

from .builder import ReviewBuilder, ReviewLimits, ReviewResult, build_review

__all__ = ["ReviewBuilder", "ReviewLimits", "ReviewResult", "build_review"]
