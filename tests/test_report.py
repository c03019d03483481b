"""Run report contents, per-stage timing and the progress line."""

from __future__ import annotations

from normalise.inputs.files import Skipped
from normalise.record import Document, Removal, Segment, Sentence
from normalise.run.report import RunReport
from normalise.stages.timing import StageTimer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stage_timer_gives_each_stage_its_own_time():
    clock = FakeClock()
    timer = StageTimer(["read", "work"], clock=clock)

    def source():
        for i in range(3):
            clock.now += 1.0  # reading costs 1 per item
            yield i

    def work(items):
        for item in items:
            clock.now += 10.0  # work costs 10 per item
            yield item

    out = list(timer.wrap("work", work(timer.wrap("read", source()))))
    assert out == [0, 1, 2]
    assert timer.seconds() == {"read": 3.0, "work": 30.0}


def test_stage_timer_without_the_first_stage():
    clock = FakeClock()
    timer = StageTimer(["read", "work"], clock=clock)

    def work(items):
        for item in items:
            clock.now += 2.0
            yield item

    list(timer.wrap("work", work([1, 2])))
    assert timer.seconds() == {"read": 0.0, "work": 4.0}


def _doc(source, status, lang, sentences=0, removed=()):
    doc = Document(id=source, source=source, status=status, lang=lang, source_text="x" * 10)
    doc.segments = [Segment("paragraph", "t", sentences=[Sentence("s")] * sentences)]
    doc.removed = [Removal("r", reason) for reason in removed]
    if status not in ("translated", "english"):
        doc.reason = "because"
    return doc


def test_report_accounts_for_every_input_and_counts():
    report = RunReport()
    report.skip(Skipped("b.png", "unsupported file type .png"))  # between a.txt and b.txt
    report.add(_doc("a.txt", "translated", "it", 3, ["cookie_notice", "share_line"]))
    report.add(_doc("b.txt", "english", "en", 2, ["cookie_notice"]))
    report.add(_doc("c.txt", "error", None))
    report.counters = {"sentences_translated": 3, "cache_hits": 1}
    report.stage_seconds = {"read": 0.5, "translate": 1.5}
    report.seconds = 4.0
    data = report.to_json()
    assert data["inputs"] == [
        {"source": "a.txt", "id": "a.txt", "status": "translated"},
        {"source": "b.png", "status": "skipped", "reason": "unsupported file type .png"},
        {"source": "b.txt", "id": "b.txt", "status": "english"},
        {"source": "c.txt", "id": "c.txt", "status": "error", "reason": "because"},
    ]
    assert data["by_status"] == {"english": 1, "error": 1, "translated": 1}
    assert data["by_lang"] == {"en": 1, "it": 1, "none": 1}
    assert data["removed_by_reason"] == {"cookie_notice": 2, "share_line": 1}
    assert data["sentences"] == {"total": 5, "translated": 3, "cache_hits": 1}
    assert data["stage_seconds"] == {"read": 0.5, "translate": 1.5, "other": 2.0}
    assert data["throughput"] == {
        "documents_per_second": 0.75,
        "sentences_per_second": 1.25,
        "source_chars_per_second": 7.5,
    }
    assert not report.complete
    summary = report.summary()
    assert "5 sentences (3 translated, 1 cache hits)" in summary
    assert "time: translate 1.50s, read 0.50s" in summary
    assert "b.png: unsupported file type .png" in summary
    assert "c.txt: error: because" in summary
