"""Cut a stream into lists of at most ``size`` items (``itertools.batched`` arrived in 3.12)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items in order, the last one shorter; nothing for an empty stream."""
    pending = iter(items)
    while batch := list(islice(pending, size)):
        yield batch
