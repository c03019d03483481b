"""Running the chain over a whole input: :class:`Run` (the pre-pass, shards, duplicates, the
report), the engines that process shards (:mod:`.engines`), and the saved state that makes a
run resumable (:mod:`.state`)."""

from .runner import Run

__all__ = ["Run"]
