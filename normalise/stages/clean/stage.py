"""Clean stage: reflow the text into blocks, remove boilerplate blocks, record every removal.

Decisions, in order (each removal records the rule that made it). Rules read each block's plain
view (:func:`normalise.stages.clean.rules.plain_view`: no Markdown emphasis or escapes).

1. "anywhere" rules (a lone "Pubblicità" line, a row of share buttons) remove a block wherever
   it is. A related-links label that is only a label ("Related stories", "Leggi anche") takes
   its list with it: the blocks after it up to the next prose, or the next heading followed by
   prose (the article's own section heading), as ``label_list``.
2. The content-block model (:mod:`.content`) finds the article: the densest run of
   prose (plain text only: for HTML, trafilatura has found it already). Blocks outside it
   are chrome: a rule names them when one matches, otherwise they are ``navigation`` (short
   or link-like blocks) or ``outside_article`` (prose away from the article: teasers,
   comments, an "about us" blurb).
3. Boilerplate clusters at the head and the tail of the article, so "edge" rules and lines that
   repeat across the run (:mod:`.repetition`) peel blocks off both ends of the run,
   one at a time, stopping at the first block that is content. A sentence about cookies in
   the middle of an article about cookies is content, and stays. One unknown line does not
   stop the peel: up to two short unmatched blocks between two chrome blocks are chrome too
   (``between_chrome``, see :class:`_Peel`). At the head the peel steps over up to two
   headings (title, standfirst) and a dateline in capitals, which stay: bylines and date lines
   sit under them. At the tail a marked-up heading (``#``, or a list item made of headings: a
   teaser card) or a section name in capitals with nothing but chrome after it heads nothing
   and goes too (``heading_without_body``), provided some prose comes before it.

If lines repeated across the run would leave a document empty, the document is a copy of
another one (syndicated in full), not chrome: the repetition verdicts are dropped for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...record import Document, Removal, Segment, Status
from ...settings import Settings
from ...text.reflow import HEADING, Block, split_blocks
from ..base import Stage
from .content import TITLE_BLOCKS, Features, main_run
from .matching import PlainRules, RuleSet, Subject, rule_set
from .repetition import RepeatedLines
from .rules import ANYWHERE, Rule, load_rules, plain_view_and_words

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Verdict:
    """Why a block goes: the category (``Removal.reason``) and what decided it (``rule``)."""

    reason: str
    rule: str

    @classmethod
    def of(cls, rule: Rule) -> Verdict:
        return cls(rule.reason, rule.name)


RELATED_LINKS = "related_links"
REPEATED = Verdict("repeated_line", "corpus_repetition")
NAVIGATION = Verdict("navigation", "content_density")
OUTSIDE_ARTICLE = Verdict("outside_article", "content_density")
LABEL_LIST = Verdict(RELATED_LINKS, "label_list")
HEADING_WITHOUT_BODY = Verdict("navigation", "heading_without_body")
BETWEEN_CHROME = Verdict("navigation", "between_chrome")
READER_COMMENTS = "reader_comments"
COMMENT_THREAD = Verdict(READER_COMMENTS, "comment_thread")
# An unmatched block between two chrome blocks is chrome if it is this short and not prose...
SHORT_WORDS = 15
# ... and at most this many of them in a row.
MAX_UNKNOWN = 2
CAPS_HEADING_MIN_LETTERS = 8
# A place name in capitals, maybe with a country or a date and an agency:
# "WASHINGTON", "CIUDAD DE MÉXICO (EFE)", "ROMA, 28 LUG -".
_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-ZÀ-Ý'’.\-]{2,}(?:\s+[A-ZÀ-Ý][A-ZÀ-Ý'’.\-]*){0,3}"
    r"(?:\s*,\s*[\w'’.\-]+(?:\s+[\w'’.\-]+){0,3})?"
    r"(?:\s*\([A-Z][A-Za-z]{1,10}\))?\s*[.,–—\-]*$"
)
_FINISHED = re.compile(r"[.!?…]\W*$")
_ASCII_LOWER = re.compile(r"[a-z]")


def judge_blocks(
    blocks: list[Block],
    rules: tuple[Rule, ...],
    repeated: RepeatedLines | None = None,
    find_article: bool = True,
) -> dict[int, Verdict]:
    """Map block index -> the verdict that removes it.

    ``find_article=False`` skips the content-block model: for HTML, trafilatura has already
    found the article with the DOM, which plain-text density can only second-guess.
    """
    removed: dict[int, Verdict] = {}
    matcher = rule_set(rules, len(blocks))
    subjects = [Subject(*plain_view_and_words(block.text)) for block in blocks]
    feats = Features(blocks)
    anywhere = [matcher.anywhere(subject) for subject in subjects]
    for index, rule in enumerate(anywhere):
        if rule:
            removed[index] = Verdict.of(rule)
    for index, rule in enumerate(anywhere):
        if rule and rule.reason == RELATED_LINKS:
            # (by its name, as the audit trail names it)
            label = next(r for r in rules if r.where == ANYWHERE and r.name == rule.name)
            if _bare_label(label, subjects[index].text):
                _remove_label_list(blocks, feats, index, removed)

    verdicts = _Verdicts(blocks, subjects, matcher, anywhere, repeated)
    edge_verdict = verdicts.__getitem__
    run = main_run(blocks, set(removed), verdicts, feats) if find_article else None
    start, end = run or (0, len(blocks))
    for index in [*range(start), *range(end, len(blocks))]:
        if index not in removed:
            chrome = NAVIGATION if not feats[index].is_prose else OUTSIDE_ARTICLE
            removed[index] = edge_verdict(index) or chrome

    # The head: bylines, date lines, share rows... often sit under the title and standfirst,
    # which are content but not the start of the body, so the peel steps over them; and over a
    # dateline in capitals ("WASHINGTON"), which stays.
    titles = 0
    peel = _Peel(feats, removed, outside=start - 1)
    for index in range(start, end):
        if index in removed:
            if not peel.chrome(index, removed[index]):
                break
            continue
        verdict = edge_verdict(index)
        if verdict is not None:
            if not peel.chrome(index, verdict):
                break
        elif blocks[index].kind == HEADING and titles < TITLE_BLOCKS:
            titles += 1
            peel.keep()
        elif is_dateline(blocks[index]):
            peel.keep()
        elif not peel.unknown(index):
            break

    # The tail: as at the head, and a heading with nothing after it but chrome heads nothing:
    # it is a teaser headline, a widget title, a "Comments" bar, a section name in capitals.
    prose_before = _ProseBefore(feats, removed, start)
    peel = _Peel(feats, removed, outside=end)
    for index in reversed(range(start, end)):
        if index in removed:
            if not peel.chrome(index, removed[index]):
                break
            continue
        verdict = edge_verdict(index)
        if verdict is None and _tail_heading(blocks[index]) and prose_before(index):
            verdict = HEADING_WITHOUT_BODY
        if verdict is not None:
            if not peel.chrome(index, verdict):
                break
        elif not peel.unknown(index):
            break

    if repeated and len(removed) == len(blocks) and REPEATED in removed.values():
        return judge_blocks(blocks, rules, None, find_article)
    return removed


class _Verdicts:
    """The verdict of each block as an edge block: the first rule that matches it (in rule
    order), else ``repeated_line`` for a line repeated across the run, else None.

    Computed when first asked, then kept: on the HTML path only the blocks the peels reach
    need one, and on the plain-text path the blocks outside the article and the prose the
    content model weighs. ``index in verdicts``: does the block have one?"""

    def __init__(
        self,
        blocks: list[Block],
        subjects: list[Subject],
        rules: RuleSet | PlainRules,
        anywhere: list[Rule | None],
        repeated: RepeatedLines | None,
    ) -> None:
        self.blocks, self.subjects, self.rules = blocks, subjects, rules
        self.anywhere, self.repeated = anywhere, repeated
        self._known: dict[int, Verdict | None] = {}

    def __getitem__(self, index: int) -> Verdict | None:
        if index in self._known:
            return self._known[index]
        rule = self.rules.match_knowing(self.subjects[index], self.anywhere[index])
        if rule:
            verdict: Verdict | None = Verdict.of(rule)
        elif self.repeated and self.blocks[index].text in self.repeated:
            verdict = REPEATED
        else:
            verdict = None
        self._known[index] = verdict
        return verdict

    def __contains__(self, index: object) -> bool:
        return isinstance(index, int) and self[index] is not None


class _ProseBefore:
    """Is there prose in the run before a block, among the blocks the head peel left?

    What the tail peel asks of a heading, computed once from the blocks the tail peel has not
    reached: going backwards, it only removes blocks after the one it asks about."""

    def __init__(self, feats: Features, removed: dict[int, Verdict], start: int) -> None:
        self.feats, self.removed, self.start = feats, removed, start
        self.first: int | None = None
        self.looked_up_to: int | None = None

    def __call__(self, index: int) -> bool:
        if self.looked_up_to is None:
            self.looked_up_to = index
            self.first = next(
                (
                    i
                    for i in range(self.start, index)
                    if i not in self.removed and self.feats[i].is_prose
                ),
                None,
            )
        assert index <= self.looked_up_to, "asked in order from the end of the run"
        return self.first is not None and index > self.first


def _bare_label(rule: Rule, view: str) -> bool:
    """Is the block only a label ("Related stories", "DON'T MISS", "Leggi anche:"), so that
    the links it introduces are the blocks after it?"""
    match = rule.regex.search(view)
    return match is not None and not view[match.end() :].strip(" :-–—|›»>")


class _Peel:
    """One end of the article, peeled block by block from the outside in.

    A block a rule names is chrome. A block no rule names stops the peel, unless it is short
    and lies between two chrome blocks: the label of a widget, a greeting, an account box's
    title (``DATOS PERSONALES``, ``Bienvenido``) are as unknown to the rules as they are
    obviously chrome by their neighbours. Up to :data:`MAX_UNKNOWN` such blocks in a row are
    held back; the next chrome block sweeps them away (``between_chrome``), the first content
    block keeps them and ends the peel.

    Reader comments are the one kind of chrome made of prose: a block of any length between two
    comment blocks (a time stamp, ``Responder``, ``Rispondi``) is a comment
    (``comment_thread``), but only with comment blocks on both sides.
    """

    def __init__(self, feats: Features, removed: dict[int, Verdict], outside: int):
        """``outside``: the block just outside this end of the run (chrome, if it exists)."""
        self.feats, self.removed = feats, removed
        self.last: Verdict | None = removed.get(outside)
        self.seen_chrome = self.last is not None
        self.pending: list[int] = []
        self.comments: list[int] = []  # held back only as comments

    def chrome(self, index: int, verdict: Verdict) -> bool:
        """A chrome block: it sweeps away the blocks held back before it. False when a block
        held back as a comment meets chrome that is not a comment: that block was content,
        and the peel ends there."""
        if self.comments and verdict.reason != READER_COMMENTS:
            return False
        self.removed[index] = verdict
        for held in self.pending:
            self.removed[held] = COMMENT_THREAD if held in self.comments else BETWEEN_CHROME
        self.pending, self.comments = [], []
        self.seen_chrome = True
        self.last = verdict
        return True

    def keep(self) -> None:
        """A block that stays, but does not end the peel (a title, a dateline)."""
        self.pending, self.comments = [], []
        self.seen_chrome = False
        self.last = None

    def unknown(self, index: int) -> bool:
        """Hold back an unmatched block if its neighbours may still make it chrome; False
        ends the peel."""
        if not self.seen_chrome or len(self.pending) >= MAX_UNKNOWN:
            return False
        feature = self.feats[index]
        if feature.is_prose or feature.words > SHORT_WORDS:
            if self.last is None or self.last.reason != READER_COMMENTS:
                return False
            self.comments.append(index)
        self.pending.append(index)
        return True


def is_dateline(block: Block) -> bool:
    """A dateline in capitals on its own line: ``WASHINGTON``, ``CIUDAD DE MÉXICO (EFE)``."""
    return _DATELINE.match(block.text) is not None


def _tail_heading(block: Block) -> bool:
    """A heading the page marked up as one (``#``), a list item made of headings (a teaser
    card: ``- ### Headline #### Standfirst``), or a section name in capitals (``LO MÁS
    VISTO``, ``NEWS DALLE PROVINCE``). A short line that merely looks like a heading is not
    enough: it may be the article's last sentence without its full stop."""
    if block.marked:
        return True
    text = block.text
    if _ASCII_LOWER.search(text):  # a letter in lower case: prose, found in the first words
        return False
    letters = [char for char in text if char.isalpha()]
    return (
        len(letters) >= CAPS_HEADING_MIN_LETTERS
        and len(text.split()) >= 2
        and all(char.isupper() for char in letters)
        and not _FINISHED.search(text)
    )


def _remove_label_list(
    blocks: list[Block], feats: Features, label: int, removed: dict[int, Verdict]
) -> None:
    """Remove the links under a related-links label: the blocks after it up to the next
    prose, or the next heading followed by prose (a section heading of the article)."""
    # Walked lazily (the list usually ends a block or two after its label); the loop marks
    # only blocks it has passed, so the blocks ahead are those not removed at the start.
    following = (i for i in range(label + 1, len(blocks)) if i not in removed)
    index = next(following, None)
    while index is not None:
        after = next(following, None)
        if feats[index].is_prose or is_dateline(blocks[index]):
            return
        if blocks[index].kind == HEADING and after is not None and feats[after].is_prose:
            return
        removed[index] = LABEL_LIST
        index = after


def _line_offsets(text: str) -> list[int]:
    offsets, position = [], 0
    for line in text.split("\n"):
        offsets.append(position)
        position += len(line) + 1
    return offsets


def _removal(block: Block, verdict: Verdict, line_offsets: list[int]) -> Removal:
    """The removed span, with its line index and [start, end) offsets into ``raw_text``."""
    first, last = block.lines[0], block.lines[-1]
    start = line_offsets[block.first_line] + len(first) - len(first.lstrip())
    end = line_offsets[block.last_line] + len(last.rstrip())
    return Removal(
        text="\n".join(line.strip() for line in block.lines),
        reason=verdict.reason,
        rule=verdict.rule,
        position=block.first_line,
        start=start,
        end=end,
    )


def clean_document(
    doc: Document,
    rules: tuple[Rule, ...],
    keep_boilerplate: bool,
    repeated: RepeatedLines | None = None,
) -> Document:
    blocks = split_blocks(doc.raw_text)
    removed = judge_blocks(blocks, rules, repeated, find_article=doc.format != "html")
    line_offsets = _line_offsets(doc.raw_text) if removed else []
    segments: list[Segment] = []
    parts: list[str] = []
    offset = 0
    for index, block in enumerate(blocks):
        verdict = removed.get(index)
        if verdict is not None:
            doc.removed.append(_removal(block, verdict, line_offsets))
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


class Clean(Stage):
    """``repeated``: the lines that repeat across the run, from the pre-pass; None skips that
    check."""

    name = "clean"

    def __init__(self, settings: Settings, repeated: RepeatedLines | None = None) -> None:
        super().__init__(settings)
        self.rules = load_rules(settings.pattern_files)
        self.repeated = repeated

    def process(self, doc: Document) -> Document:
        return clean_document(doc, self.rules, self.settings.keep_boilerplate, self.repeated)
