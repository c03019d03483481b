"""The review page (`normalise review`, `run --review`), built from a real run over the seed
articles, an article with head, middle and tail boilerplate, and a hostile article, with the
tiny genuine models.

Static checks read the HTML as written (what a browser shows without JavaScript). Browser
checks load it in headless Chromium and read the DOM after the page's script ran; the filters
and the document view are driven through the address's fragment, as a link would. They are
skipped when Chromium is missing, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from conftest import REPO, SEEDS

import normalise
from normalise.cli.app import cli
from normalise.inputs.corpus import read_corpus
from normalise.outputs.review import ReviewLimits, build_review
from normalise.outputs.review.builder import _placements
from normalise.outputs.review.charts import new_histograms
from normalise.record import Document, Removal, Segment, Sentence
from normalise.testing.browser import Chromium, DevTools, find_chromium

ARTIFACTS = REPO / "tests" / "artifacts"  # screenshots, kept after the run (gitignored)
PWNED = "data-pwned"
HOSTILE_NAME = "<img src=x onerror=document.documentElement.setAttribute('data-pwned','n')>.txt"
HOSTILE = (
    "# Il museo <script>document.documentElement.setAttribute('data-pwned','title')</script>\n\n"
    'Il sindaco ha detto <img src=x onerror="document.documentElement.setAttribute('
    "'data-pwned','img')\"> che il museo è aperto a tutti da domani mattina. </script><script>"
    "document.documentElement.setAttribute('data-pwned','script')</script> La città di Bologna "
    "ha inaugurato ieri un nuovo museo dedicato alla storia dell'università, e migliaia di "
    "visitatori hanno fatto la fila sotto la pioggia.\n"
)
BOILERPLATE = """Questo sito utilizza cookie tecnici e di profilazione.

La città di Bologna ha inaugurato ieri un nuovo museo dedicato alla storia dell'università. \
Il sindaco ha detto che l'opera è costata più del previsto, però il risultato è già un successo.

Pubblicità

Migliaia di visitatori hanno fatto la fila sotto la pioggia per entrare nelle sale. Perché \
così tanto interesse? Secondo gli organizzatori, la mostra racconta novecento anni di ricerca.

Leggi l'articolo originale su Il Resto del Carlino.
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, tiny_store) -> Path:
    """`normalise run --review` over the seeds, the boilerplate article and the hostile one."""
    root = tmp_path_factory.mktemp("review")
    inputs = root / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "museo.txt").write_text(BOILERPLATE, encoding="utf-8")
    (inputs / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    out = root / "out"
    result = invoke("run", str(inputs), "-o", str(out / "corpus.jsonl"), "--models-dir",
                    str(tiny_store), "--review")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"review: {out / 'corpus.review.html'}" in result.output
    return out


@pytest.fixture(scope="module")
def records(run_dir) -> list[dict]:
    lines = (run_dir / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def report(run_dir) -> dict:
    return json.loads((run_dir / "corpus.report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page(run_dir) -> Path:
    return run_dir / "corpus.review.html"


def ordinal_of(records: list[dict], predicate) -> int:
    [index] = [i for i, r in enumerate(records) if predicate(r)]
    return index


def sentences_of(record: dict) -> list[dict]:
    return [s for segment in record["segments"] for s in segment["sentences"]]


# ---- the page as written: self-contained, escaped, static overview ----------------------


def test_page_is_one_self_contained_file(page, records):
    html = page.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//link | //*[@src] | //iframe | //object | //embed")
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    # document text never opens or closes a script block: ours are the only ones
    scripts = tree.xpath("//script")
    assert len(scripts) == len(records) + 2  # the index, one block per document, the code
    assert html.count("<script") == html.count("</script>") == len(scripts)
    assert "<script>document.documentElement" not in html


def test_static_overview_matches_the_report(page, report):
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))

    def table(key: str) -> dict[str, int]:
        rows = tree.xpath(f'//table[@id="by-{key}"]/tbody/tr')
        return {row.get("data-key"): int(row.xpath("td")[0].text) for row in rows}

    assert table("lang") == report["by_lang"]
    assert table("status") == report["by_status"]
    assert table("reason") == report["removed_by_reason"]
    assert int(tree.get_element_by_id("total-documents").text) == report["documents"]
    assert int(tree.get_element_by_id("total-sentences").text) == report["sentences"]["total"]
    sentences = {
        row.get("data-key"): row.xpath("td")[0].text
        for row in tree.xpath('//table[@id="sentences"]/tbody/tr')
    }
    assert sentences["translated by the engine"] == str(report["sentences"]["translated"])
    assert sentences["served from the cache"] == str(report["sentences"]["cache_hits"])
    assert not tree.xpath('//*[@id="sample-notice"]')


def test_charts_count_every_document_and_sentence_and_link_to_them(page, records):
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    scored = [s for r in records for s in sentences_of(r) if s["score"] is not None]
    expected = {
        "source_length": len(records),
        "english_length": len(records),
        "removed_share": len(records),
        "score": len(scored),
        "ratio": len(scored),
    }
    for histogram in new_histograms():
        figure = tree.get_element_by_id(f"fig-{histogram.name}")
        bars = figure.xpath(".//*[local-name()='a']")
        assert len(bars) == len(histogram.edges)
        assert [bar.get("href") for bar in bars] == [
            f"#chart={histogram.name}&bin={i}" for i in range(len(bars))
        ]
        counts = [int(bar.xpath(".//*[local-name()='text']")[0].text) for bar in bars]
        assert sum(counts) == expected[histogram.name], histogram.name


def test_removals_are_placed_where_they_were_cut():
    doc = Document(
        id="d",
        source="d",
        source_text="First paragraph here.\n\nSecond paragraph here.",
        segments=[
            Segment("paragraph", "First paragraph here.", 0, 21),
            Segment("paragraph", "Second paragraph here.", 23, 45),
        ],  # fmt: skip
        removed=[  # in the order cleaning found them: the edges, then the middle
            Removal("Read the original.", "source_credit", start=64, end=82),
            Removal("Cookies!", "cookie_notice", start=0, end=8),
            Removal("Advert", "advertisement", start=31, end=37),
            Removal("Unplaced", "navigation"),
        ],
    )
    placed = [(removal.reason, at) for removal, at in _placements(doc)]
    assert placed == [
        ("navigation", 0),
        ("cookie_notice", 0),
        ("advertisement", 1),
        ("source_credit", 2),
    ]


def test_any_text_is_embedded_as_data_and_read_back_exactly(tmp_path):
    """``<`` and lone surrogates (JSON input can carry them as escapes) stay escapes."""
    src = "Sì </script><!-- \ud83d fine"
    doc = Document(
        id="a\udc80",
        source="a",
        source_text=src,
        segments=[Segment("paragraph", src, 0, len(src), "it", [Sentence(src, "Yes", 0, 1)])],
    )
    result = build_review([doc], tmp_path / "p.html", corpus_name="c\udcff.jsonl")
    html = result.path.read_text(encoding="utf-8")
    assert "</script><!--" not in html and "\\ud83d" in html
    tree = lxml.html.fromstring(html)
    body = json.loads(tree.get_element_by_id("d0").text)
    assert body[8] == [["paragraph", "it", [[src, "Yes", None]]]]
    assert json.loads(tree.get_element_by_id("review-index").text)["docs"][0][1] == doc.id


def test_sampling_is_deterministic_announced_and_keeps_every_count(run_dir, records, tmp_path):
    def build(lines: list[str], name: str, limits: ReviewLimits):
        docs = read_corpus(lines, lambda n, p: pytest.fail(p))
        return build_review(docs, tmp_path / name, corpus_name="c", limits=limits)

    lines = (run_dir / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    limits = ReviewLimits(max_documents=3)
    forward = build(lines, "a.html", limits)
    backward = build(lines[::-1], "b.html", limits)
    assert (forward.documents, forward.embedded, forward.sampled) == (len(records), 3, True)
    assert "embeds a sample of 3" in forward.summary()

    def embedded_ids(path: Path) -> set[str]:
        tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        index = json.loads(tree.get_element_by_id("review-index").text)
        assert tree.get_element_by_id("total-documents").text == str(len(records))
        assert "embeds a sample of 3 of" in tree.get_element_by_id("sample-notice").text_content()
        return {entry[1] for entry in index["docs"]}

    assert embedded_ids(forward.path) == embedded_ids(backward.path)
    assert len(embedded_ids(forward.path)) == 3
    # the byte limit samples too: the same rule, fewer documents
    small = build(lines, "c.html", ReviewLimits(max_bytes=6000))
    assert 0 < small.embedded < len(records)
    assert embedded_ids(small.path) <= {r["id"] for r in records}


def test_review_command_writes_beside_the_corpus_and_reports_bad_lines(run_dir, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    lines = (run_dir / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join([lines[0], "{not json", lines[1]]) + "\n", encoding="utf-8")
    result = invoke("review", str(corpus))
    assert result.exit_code == 3
    assert f"skipped {corpus}:2:" in result.output
    assert f"review: {tmp_path / 'corpus.review.html'}" in result.output
    html = (tmp_path / "corpus.review.html").read_text(encoding="utf-8")
    assert 'id="d1"' in html and 'id="d2"' not in html  # two documents, in corpus order

    (tmp_path / "corpus.report.json").write_text("[1, 2", encoding="utf-8")
    result = invoke("review", str(corpus), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert "cannot read the report" in result.output and "--report FILE" in result.output


def test_run_review_needs_a_jsonl_file(tmp_path):
    result = invoke("run", str(SEEDS), "-o", "-", "--review")
    assert result.exit_code == 2
    assert "--review reads the JSONL corpus back" in result.output
    result = invoke("run", str(SEEDS), "-o", str(tmp_path / "c.tmx"), "-f", "tmx", "--review")
    assert result.exit_code == 2


# ---- in a browser -----------------------------------------------------------------------


def require_chromium() -> Chromium:
    """Chromium, or a skip here; on CI (CI=true) a missing Chromium fails instead."""
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing on CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs these tests")
    return Chromium(executable)


@pytest.fixture(scope="module")
def chromium() -> Chromium:
    return require_chromium()


def test_a_missing_chromium_fails_on_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "find_chromium", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing on CI"):
        require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_chromium()


def dom(chromium: Chromium, page: Path, fragment: str = ""):
    html = chromium.dump_dom(page, fragment)
    tree = lxml.html.fromstring(html)
    assert tree.find("body").get("data-ready") is not None, "the page's script did not finish"
    return tree


def listed(tree) -> list[str]:
    """The document ids in the list, in order (the id under the title, or the link text)."""
    ids = []
    for row in tree.xpath('//table[@id="doc-list"]/tbody/tr'):
        span = row.xpath('.//span[@class="id"]')
        ids.append(span[0].text if span else row.xpath(".//a")[0].text)
    return ids


def test_browser_list_and_counts_match_the_report(chromium, page, records, report):
    tree = dom(chromium, page)
    n = report["documents"]
    assert tree.get_element_by_id("match-count").text == f"{n} of {n} documents match"
    assert listed(tree) == [r["id"] for r in records]
    options = tree.xpath('//select[@name="lang"]/option')
    assert {o.get("value"): o.text for o in options[1:]} == {
        lang: f"{lang} ({count})" for lang, count in report["by_lang"].items()
    }
    assert not tree.xpath(f"//*[@{PWNED}]")


def test_browser_document_view_shows_aligned_pairs_removals_and_flags(chromium, page, records):
    ordinal = ordinal_of(records, lambda r: r["id"] == "museo.txt")
    record = records[ordinal]
    tree = dom(chromium, page, f"doc={ordinal}")
    assert tree.find("body").get("data-view") == "document"
    assert tree.get_element_by_id("overview").get("hidden") is not None
    rows = tree.xpath('//table[@class="aligned"]/tbody/tr')
    pairs = [
        (row.xpath('td[contains(@class,"src")]')[0].text,
         row.xpath('td[contains(@class,"en")]')[0].text)
        for row in rows if "pair" in row.get("class")
    ]  # fmt: skip
    assert pairs == [(s["src"], s["en"]) for s in sentences_of(record)]
    assert record["status"] == "translated" and pairs

    # removed spans in place: cookie notice first, the advert between the two paragraphs,
    # the credit last; struck through (<del>) with the reason on hover (title)
    kinds = ["removed" if "removed-row" in row.get("class") else "pair" for row in rows]
    reasons = [d.get("data-reason") for d in tree.xpath("//del")]
    assert reasons == [r["reason"] for r in record["removed"]]
    assert reasons == ["cookie_notice", "advertisement", "source_credit"]
    first = len(record["segments"][0]["sentences"])
    second = len(record["segments"][1]["sentences"])
    assert kinds == ["removed"] + ["pair"] * first + ["removed"] + ["pair"] * second + ["removed"]
    for removal, element in zip(record["removed"], tree.xpath("//del"), strict=True):
        assert element.text == removal["text"]
        assert element.get("title").startswith(f"removed: {removal['reason']} (rule ")

    # flags on the sentence: the record's own, plus low_score below the threshold
    for sentence, row in zip(sentences_of(record), [r for r in rows if "pair" in r.get("class")],
                             strict=True):  # fmt: skip
        chips = [chip.text for chip in row.xpath('.//span[contains(@class,"flag")]')]
        expected = sentence["flags"] + (["low_score"] if sentence["score"] < -1.5 else [])
        assert chips == [flag.replace("_", " ") for flag in expected]
    # previous / next follow the list's order
    assert tree.get_element_by_id("prev").get("href") == f"#doc={ordinal - 1}"
    assert tree.get_element_by_id("doc-title").text == (record["title"] or record["id"])


def test_browser_filters_search_and_sort(chromium, page, records):
    def ids(predicate) -> list[str]:
        return [r["id"] for r in records if predicate(r)]

    tree = dom(chromium, page, "lang=it")
    assert listed(tree) == ids(lambda r: r["lang"] == "it") and len(listed(tree)) >= 2
    tree = dom(chromium, page, "status=english")
    assert listed(tree) == ids(lambda r: r["status"] == "english")
    tree = dom(chromium, page, "reason=advertisement")
    assert listed(tree) == ["museo.txt"]
    tree = dom(chromium, page, "flag=length_ratio_outlier&lang=es")
    assert listed(tree) == ids(
        lambda r: (
            r["lang"] == "es" and any("length_ratio_outlier" in s["flags"] for s in sentences_of(r))
        )
    )
    # search reads the text, case-blind, including characters that are escaped in the page
    tree = dom(chromium, page, "q=" + "NOVECENTO anni")
    assert listed(tree) == ids(lambda r: "novecento anni" in r["source_text"].lower())
    tree = dom(chromium, page, "q=%3Cscript%3Edocument")
    assert listed(tree) == ids(lambda r: "<script>document" in r["source_text"])
    # worst first: the largest removed share leads
    tree = dom(chromium, page, "sort=removed")
    shares = {
        r["id"]: sum(len(x["text"]) for x in r["removed"])
        / (sum(len(x["text"]) for x in r["removed"]) + len(r["source_text"]))
        for r in records
    }
    assert listed(tree) == sorted(shares, key=lambda i: -shares[i])[: len(records)]
    assert listed(tree)[0] == "museo.txt"
    # a chart bar's link lists the documents behind it
    tree = dom(chromium, page, "chart=removed_share&bin=0")
    assert listed(tree) == ids(lambda r: not r["removed"])
    assert "Chart bar:" in tree.get_element_by_id("chart-filter").text_content()


def test_browser_never_runs_document_text(chromium, page, records):
    ordinal = ordinal_of(records, lambda r: r["id"].startswith("<img"))
    assert "<script>document.documentElement" in records[ordinal]["source_text"]
    for fragment in ("", f"doc={ordinal}", "q=script"):
        tree = dom(chromium, page, fragment)
        assert not tree.xpath(f"//*[@{PWNED}]"), fragment
        assert not tree.xpath("//img")
    tree = dom(chromium, page, f"doc={ordinal}")
    cells = [td.text for td in tree.xpath('//td[contains(@class,"src")]')]
    assert any("<script>document.documentElement" in (cell or "") for cell in cells)
    assert "<script>" in tree.get_element_by_id("doc-title").text


def test_browser_flags_from_splitting_are_shown(chromium, tiny_store, tmp_path):
    """Long sentences split for the model's input limit carry split_for_length."""
    settings = normalise.Settings(models_dir=tiny_store, max_input_tokens=12)
    text = (SEEDS / "002_87fb64a53af5b8d3.txt").read_text(encoding="utf-8")
    docs = list(normalise.normalise([{"id": "long", "text": text}], settings=settings))
    flagged = [s.flags for seg in docs[0].segments for s in seg.sentences]
    assert any("split_for_length" in flags for flags in flagged)
    path = build_review(docs, tmp_path / "r.html", corpus_name="long").path
    tree = dom(chromium, path, "doc=0")
    rows = tree.xpath('//table[@class="aligned"]/tbody/tr[contains(@class,"pair")]')
    shown = [[chip.text for chip in row.xpath('.//span[contains(@class,"flag")]')] for row in rows]
    assert ["split for length" in chips for chips in shown] == [
        "split_for_length" in flags for flags in flagged
    ]
    assert tree.get_element_by_id("next").get("aria-disabled") == "true"


SETTLED = "document.body.dataset.shown === location.hash && "  # the view shows the address


def test_browser_keyboard_and_form_controls(chromium, page, records):
    """Driven as a person would: keys, the search box, a select (DevTools protocol)."""
    with DevTools(chromium.executable, page, "doc=0") as browser:
        assert browser.evaluate("document.activeElement.id") == "doc-title"
        browser.press("j")
        browser.wait_for(SETTLED + "location.hash === '#doc=1'")
        browser.press("ArrowRight")
        browser.wait_for(SETTLED + "location.hash === '#doc=2'")
        browser.press("k")
        browser.wait_for(SETTLED + "location.hash === '#doc=1'")
        browser.press("Escape")  # back to the list, on the document's own row
        browser.wait_for(SETTLED + "document.body.dataset.view === 'list'")
        assert browser.evaluate("document.activeElement.getAttribute('href')") == "#doc=1"
        browser.press("/")
        assert browser.evaluate("document.activeElement.name") == "q"
        browser.type("Novecento")
        browser.wait_for(SETTLED + "location.hash === '#q=Novecento'")
        count = browser.evaluate("document.getElementById('match-count').textContent")
        expected = [r for r in records if "novecento" in r["source_text"].lower()]
        assert count == f"{len(expected)} of {len(records)} documents match"
        browser.press("Escape")  # leaves the search box
        browser.press("j")  # to the first listed document
        browser.press("Enter")
        ordinal = records.index(expected[0])
        browser.wait_for(SETTLED + f"location.hash === '#q=Novecento&doc={ordinal}'")
        browser.press("Escape")
        browser.wait_for(SETTLED + "document.body.dataset.view === 'list'")
        browser.evaluate(
            "const s = document.querySelector('select[name=status]'); s.value = 'english';"
            "s.dispatchEvent(new Event('change', {bubbles: true}))"
        )
        browser.wait_for(SETTLED + "location.hash === '#status=english&q=Novecento'")
        rows = browser.evaluate("document.querySelectorAll('#doc-list tbody tr').length")
        assert rows == 0 and browser.evaluate("document.getElementById('doc-list').hidden")
        browser.evaluate("document.getElementById('reset').click()")
        browser.wait_for(SETTLED + "location.hash === ''")
        rows = browser.evaluate("document.querySelectorAll('#doc-list tbody tr').length")
        assert rows == len(records)


def test_browser_screenshots(chromium, page, records):
    """The overview and one document view, saved as test artefacts (tests/artifacts/)."""
    ordinal = ordinal_of(records, lambda r: r["id"] == "museo.txt")
    shots = [
        chromium.screenshot(page, ARTIFACTS / "review-overview.png", size=(1280, 1500)),
        chromium.screenshot(page, ARTIFACTS / "review-document.png", f"doc={ordinal}"),
    ]
    for shot in shots:
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
