"""HTML path: trafilatura's text and metadata, then the plain-text rules on its output."""

from __future__ import annotations

from normalise.record import Document
from normalise.stages.clean.rules import load_rules
from normalise.stages.clean.stage import clean_document
from normalise.stages.extract import extract_html

PARAGRAPHS = [
    "The city council voted on Tuesday night to expand the bus network, adding six new routes "
    "that will connect the suburbs to the hospital and the university campus.",
    "Officials said the plan would cost about twelve million dollars a year, paid for by a small "
    "rise in parking fees across the centre of the city.",
    "Residents who spoke at the meeting welcomed the vote, although several of them asked for "
    "more frequent services at weekends and late in the evening.",
]
HTML = f"""<!DOCTYPE html><html><head><title>Council expands bus network | Example News</title>
<meta name="author" content="Jane Smith"><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-12T10:00:00Z"></head><body>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<article><h1>Council expands bus network</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<p>Follow us on Twitter for more local news.</p></article>
<footer>© 2024 Example News. All rights reserved.</footer></body></html>"""


def test_html_metadata_mapped_and_rules_applied_to_trafilatura_output():
    doc = extract_html(Document(id="p", source="p.html", format="html", raw_text=HTML))
    assert doc.status is None
    assert doc.title and "Council expands bus network" in doc.title
    assert doc.metadata.get("author") == "Jane Smith"
    assert doc.metadata.get("date", "").startswith("2024-03-12")
    assert doc.metadata.get("sitename") == "Example News"
    clean_document(doc, load_rules(), keep_boilerplate=False)
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.source_text
    assert "Follow us" not in doc.source_text
    assert "Follow us on Twitter for more local news." in [r.text for r in doc.removed]
