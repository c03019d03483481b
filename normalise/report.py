"""The run report: every input accounted for, with counts a person can read at a glance."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .duplicates import DUPLICATE_OF
from .record import Document, Status
from .sources import Skipped


@dataclass
class RunReport:
    started: float = field(default_factory=time.monotonic)
    documents: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_lang: Counter[str] = field(default_factory=Counter)
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    skipped: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    missing_models: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.by_status[doc.status or "unknown"] += 1
        self.by_lang[doc.lang or "none"] += 1
        for removal in doc.removed:
            self.removed_by_reason[removal.reason] += 1
        if DUPLICATE_OF in doc.metadata:
            self.duplicates.append(
                {"source": doc.source, "id": doc.id, DUPLICATE_OF: doc.metadata[DUPLICATE_OF]}
            )
        if doc.status not in Status.OK:
            self.problems.append(
                {"source": doc.source, "status": str(doc.status), "reason": doc.reason or ""}
            )

    def skip(self, item: Skipped) -> None:
        self.skipped.append({"source": item.relpath, "reason": item.reason})

    @property
    def complete(self) -> bool:
        """True when every file was processed and every document reached English."""
        return not self.skipped and not self.problems

    def finish(self) -> None:
        self.seconds = round(time.monotonic() - self.started, 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "by_status": dict(sorted(self.by_status.items())),
            "by_lang": dict(sorted(self.by_lang.items())),
            "removed_by_reason": dict(sorted(self.removed_by_reason.items())),
            "skipped": self.skipped,
            "problems": self.problems,
            "duplicates": self.duplicates,
            "missing_models": self.missing_models,
            "counters": self.counters,
            "seconds": self.seconds,
            "docs_per_second": round(self.documents / self.seconds, 2) if self.seconds else None,
        }

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status.items()))
        langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.by_lang.items()))
        lines = [f"{self.documents} documents ({statuses}) in {self.seconds:.1f}s; {langs}"]
        if self.removed_by_reason:
            removed = ", ".join(f"{n} {r}" for r, n in sorted(self.removed_by_reason.items()))
            lines.append(f"removed: {removed}")
        if self.duplicates:
            lines.append(
                f"{len(self.duplicates)} duplicate(s) flagged (metadata.duplicate_of; kept)"
            )
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) skipped:")
            lines += [f"  {s['source']}: {s['reason']}" for s in self.skipped[:20]]
        for problem in self.problems[:20]:
            lines.append(f"  {problem['source']}: {problem['status']}: {problem['reason']}")
        if len(self.problems) > 20:
            lines.append(f"  … and {len(self.problems) - 20} more (see the report file)")
        return "\n".join(lines)
