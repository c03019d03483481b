import pytest

from normalise.record import Document
from normalise.stages.clean.rules import PatternError, load_rules
from normalise.stages.clean.stage import clean_document


def cleaned(text, keep=False, rules=None):
    doc = Document(id="x", source="x", raw_text=text)
    return clean_document(doc, rules or load_rules(), keep)


def test_tail_credit_and_cookie_notice_removed_with_reasons():
    doc = cleaned(
        "Body sentence one.\n\nFor details, check the original article at The Verge.\n"
        "This website uses cookies."
    )
    assert doc.source_text == "Body sentence one."
    assert [(r.reason, r.position) for r in doc.removed] == [
        ("source_credit", 2),
        ("cookie_notice", 3),
    ]


def test_cookie_sentence_in_the_middle_is_content():
    text = (
        "Regulators fined the firm.\n\nThis website uses cookies to track readers, the "
        "regulator said.\n\nThe fine was large."
    )
    doc = cleaned(text)
    assert "uses cookies" in doc.source_text
    assert doc.removed == []


@pytest.mark.parametrize(
    "line, reason",
    [
        ("Leggi anche: il nuovo piano del governo", "related_links"),
        ("Lee también: las claves del acuerdo", "related_links"),
        ("Pubblicità", "advertisement"),
        ("Publicidad", "advertisement"),
    ],
)
def test_anywhere_rules_in_the_middle(line, reason):
    doc = cleaned(f"Primo paragrafo.\n\n{line}\n\nSecondo paragrafo.")
    assert [r.reason for r in doc.removed] == [reason]
    assert line not in doc.source_text


def test_keep_boilerplate_reports_without_removing():
    doc = cleaned("Body.\n\nThis website uses cookies.", keep=True)
    assert "cookies" in doc.source_text
    assert [r.reason for r in doc.removed] == ["cookie_notice"]


def test_all_boilerplate_gives_empty_status():
    doc = cleaned("This website uses cookies.")
    assert doc.status == "empty" and "only boilerplate" in doc.reason


def test_segment_offsets_index_source_text():
    doc = cleaned("Titolo Uno\n\nPrima frase. Seconda frase.\n- voce")
    for segment in doc.segments:
        assert doc.source_text[segment.start : segment.end] == segment.text
    assert doc.title == "Titolo Uno"


def test_user_pattern_file_extends_and_overrides(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[rule]]\nname = "house_footer"\nreason = "footer"\n'
        'pattern = "^ACME News Network"\nwhere = "edge"\n'
    )
    doc = cleaned("Body.\n\nACME News Network 2024", rules=load_rules([extra]))
    assert [r.reason for r in doc.removed] == ["footer"]


def test_bad_pattern_file_names_file_and_rule(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "broken"\nreason = "x"\npattern = "(unclosed"\n')
    with pytest.raises(PatternError, match=r"bad.toml.*broken.*bad regular expression"):
        load_rules([bad])
