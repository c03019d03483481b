"""Progress: events from a Run (the pre-pass included), and the one display that shows them,
with a fake clock (no timed tests)."""

from __future__ import annotations

import io
import logging

import pytest
from conftest import SEEDS

from normalise.cli.progress import Eta, ProgressDisplay
from normalise.inputs import open_inputs, python_inputs
from normalise.run import Run
from normalise.run.engines import InlineEngine
from normalise.run.progress import NORMALISING, PREPASS, ProgressEvent
from normalise.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("engine", [None, "inline"])
def test_a_run_reports_the_prepass_then_the_documents(tmp_path, engine):
    settings = Settings(models_dir=tmp_path)
    events: list[ProgressEvent] = []
    run = Run(
        settings,
        InlineEngine() if engine else None,
        state_dir=tmp_path / "state" if engine else None,
        on_progress=events.append,
    )
    inputs = open_inputs(SEEDS, settings.extensions)
    docs = list(run.documents(inputs))
    stages = [event.stage for event in events]
    assert stages == [PREPASS] * stages.count(PREPASS) + [NORMALISING] * 6
    prepass = [event for event in events if event.stage == PREPASS]
    assert prepass[0] == ProgressEvent(PREPASS, 0, 5)
    assert prepass[-1].done == 5
    main = [event for event in events if event.stage == NORMALISING]
    assert [event.done for event in main] == [0, 1, 2, 3, 4, 5]
    assert all(event.total == 5 for event in main)
    assert (
        main[-1].sentences
        == run.report.sentences
        == sum(len(seg.sentences) for doc in docs for seg in doc.segments)
    )


def test_a_stream_has_no_prepass_and_no_total():
    events: list[ProgressEvent] = []
    run = Run(Settings(), on_progress=events.append)
    list(run.documents(python_inputs(iter(["Una frase.", "Otra frase."]))))
    assert [(e.stage, e.done, e.total) for e in events] == [
        (NORMALISING, 0, None),
        (NORMALISING, 1, None),
        (NORMALISING, 2, None),
    ]


def test_the_display_is_live_before_the_first_document():
    """Workers loading models: no input done yet, but the line says where the run is."""
    clock, stream = FakeClock(), io.StringIO()
    display = ProgressDisplay("tty", stream=stream, clock=clock)
    display.stage("listing inputs")
    clock.now = 0.6
    display.tick()
    assert stream.getvalue() == "\r\x1b[K[0:00:00] listing inputs"
    display(ProgressEvent(PREPASS, 0, 2000))
    clock.now = 1.2
    assert display.line() == "[0:00:01] pre-pass 0/2,000 documents (0%)"


def test_rates_and_a_stable_eta_after_a_slow_start():
    """Sixty seconds of loading models, then 10 documents a second: no ETA of hours from the
    start-up, and the first ETA shown is the true one."""
    clock, stream = FakeClock(), io.StringIO()
    display = ProgressDisplay("tty", stream=stream, clock=clock)
    display(ProgressEvent(NORMALISING, 0, 2000))
    clock.now = 60.0
    shown: list[str] = []
    for done in range(1, 1001):
        clock.now = 60.0 + done / 10
        display(ProgressEvent(NORMALISING, done, 2000, sentences=done * 20))
        if done % 5 == 0:
            shown.append(display.line())
    with_eta = [line for line in shown if "ETA 0:" in line]
    assert with_eta, shown[-1]
    first = with_eta[0]
    assert "10.0 docs/s" in first and "200.0 sentences/s" in first
    done = int(first.split("] normalising ")[1].split("/")[0].replace(",", ""))
    true_left = (2000 - done) / 10
    left = first.split("ETA ")[1]
    h, m, s = (int(x) for x in left.split(":"))
    assert abs(h * 3600 + m * 60 + s - true_left) <= 0.1 * true_left
    assert all("ETA 0:" in line or "ETA …" in line for line in shown)
    assert not any(line.split("ETA ")[1].startswith(("1:", "2:", "8:")) for line in with_eta)


def test_an_unsteady_rate_gives_no_eta_until_it_settles():
    eta = Eta(min_seconds=0)
    for second, done in enumerate([0] * 17 + [100, 400, 1000]):  # a stall, then a burst
        eta.add(float(second), done, 10_000)
    assert eta.rate() == pytest.approx(1000 / 19)
    assert eta.left(19.0, 1000, 10_000) is None  # estimates of 1700 s, 448 s, 190 s disagree
    steady = Eta(min_seconds=0)
    for second in range(30):
        steady.add(float(second), second * 10, 10_000)
    assert steady.left(29.0, 290, 10_000) == pytest.approx((10_000 - 290) / 10)


def test_no_eta_in_the_first_seconds():
    eta = Eta()
    for tenth in range(60):
        eta.add(tenth / 10, tenth, 1000)
    assert eta.left(5.9, 59, 1000) is None


def test_without_a_terminal_progress_goes_to_the_log(caplog):
    clock = FakeClock()
    display = ProgressDisplay("log", stream=io.StringIO(), clock=clock)
    display(ProgressEvent(PREPASS, 40, 100))
    clock.now = 30.0
    with caplog.at_level(logging.INFO, logger="normalise.progress"):
        display.tick()
    assert [r.getMessage() for r in caplog.records] == ["[0:00:30] pre-pass 40/100 documents (40%)"]
    assert display.stream.getvalue() == ""


def test_quiet_shows_nothing(caplog):
    stream = io.StringIO()
    with caplog.at_level(logging.INFO), ProgressDisplay.for_stream(True, stream=stream) as shown:
        shown(ProgressEvent(NORMALISING, 1, 2))
        shown.tick()
    assert stream.getvalue() == "" and not caplog.records


def test_downloads_use_the_same_display():
    clock = FakeClock()
    display = ProgressDisplay("tty", unit="bytes", stream=io.StringIO(), clock=clock)
    display(ProgressEvent("translate-it_en-1_0", 0, 80 * 2**20))
    clock.now = 2.0
    display(ProgressEvent("translate-it_en-1_0", 8 * 2**20, 80 * 2**20))
    assert display.line() == "[0:00:02] translate-it_en-1_0 8.0/80.0 MiB (10%), 4.0 MiB/s, ETA …"
