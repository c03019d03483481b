"""Clean stage: reflow the text into blocks, remove boilerplate blocks, record every removal.

Boilerplate clusters at the head and the tail of an article. "Edge" rules therefore only
remove blocks in the run that reaches the start or the end of the document (peeled one block
at a time, stopping at the first block that is content); "anywhere" rules (a lone
"Advertisement" line) apply everywhere. A sentence about cookies in the middle of an article
about cookies is content, and stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..boilerplate import ANYWHERE, Rule, first_match, load_rules
from ..record import Document, Removal, Segment, Status
from ..settings import Settings
from ..text.reflow import HEADING, Block, split_blocks
from . import map_documents

BLOCK_SEPARATOR = "\n\n"


def _decide(blocks: list[Block], rules: tuple[Rule, ...]) -> dict[int, Rule]:
    """Map block index -> the rule that removes it."""
    removed: dict[int, Rule] = {}
    for index, block in enumerate(blocks):
        rule = first_match((r for r in rules if r.where == ANYWHERE), block.text)
        if rule:
            removed[index] = rule

    def peel(order: Iterable[int]) -> None:
        for index in order:
            if index in removed:
                continue
            rule = first_match(rules, blocks[index].text)
            if rule is None:
                return
            removed[index] = rule

    peel(range(len(blocks)))
    peel(reversed(range(len(blocks))))
    return removed


def clean_document(doc: Document, rules: tuple[Rule, ...], keep_boilerplate: bool) -> Document:
    blocks = split_blocks(doc.raw_text)
    removed = _decide(blocks, rules)
    segments: list[Segment] = []
    parts: list[str] = []
    offset = 0
    for index, block in enumerate(blocks):
        rule = removed.get(index)
        if rule is not None:
            doc.removed.append(
                Removal(
                    text="\n".join(line.strip() for line in block.lines),
                    reason=rule.reason,
                    rule=rule.name,
                    position=block.first_line,
                )
            )
            if not keep_boilerplate:
                continue
        if parts:
            offset += len(BLOCK_SEPARATOR)
        segments.append(Segment(block.kind, block.text, offset, offset + len(block.text)))
        parts.append(block.text)
        offset += len(block.text)
    doc.segments = segments
    doc.source_text = BLOCK_SEPARATOR.join(parts)
    if doc.title is None and segments and segments[0].kind == HEADING:
        doc.title = segments[0].text
    if not doc.source_text.strip():
        what = "only boilerplate" if doc.removed else "no text"
        doc.fail(Status.EMPTY, f"the document has {what} after cleaning")
    return doc


def clean(docs: Iterable[Document], settings: Settings) -> Iterator[Document]:
    rules = load_rules(settings.pattern_files)
    return map_documents(
        "clean", lambda doc: clean_document(doc, rules, settings.keep_boilerplate), docs
    )
