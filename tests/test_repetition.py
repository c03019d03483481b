"""Corpus-level repetition: counted in a pre-pass, identical whatever the order or sharding."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from normalise.inputs.files import InputRecord
from normalise.record import Document
from normalise.run import prepass
from normalise.run.engines import InlineEngine, PipelineFactory
from normalise.run.prepass import LineCounter, count_repeated_lines
from normalise.settings import Settings
from normalise.stages.clean.repetition import (
    WIDE_NOISE,
    RepeatThreshold,
    ThresholdError,
    line_key,
    normalised_line,
    plain_normalised_line,
)
from normalise.stages.clean.rules import load_rules
from normalise.stages.clean.stage import clean_document
from normalise.text.reflow import split_blocks

FOOTER = "Questo articolo è stato prodotto in collaborazione con Agenzia Esempio e distribuito."
TOPICS = ["porto", "treno", "scuola", "ospedale", "mercato", "teatro", "museo", "stadio"]


def article(topic: str, with_footer: bool) -> str:
    text = (
        f"Il consiglio comunale ha discusso ieri il futuro del {topic}, con un lungo dibattito "
        f"tra maggioranza e opposizione.\n\nIl sindaco ha promesso una decisione sul {topic} "
        "entro la fine del mese, dopo avere ascoltato i cittadini."
    )
    return text + ("\n\n" + FOOTER if with_footer else "")


def records() -> list[InputRecord]:
    return [
        InputRecord(id=f"doc{i}", text=article(topic, with_footer=i % 4 != 3))
        for i, topic in enumerate(TOPICS)
    ]


def settings(threshold: str = "5") -> Settings:
    parsed = RepeatThreshold.parse(threshold)
    return Settings(repeat_documents=parsed.documents, repeat_share=parsed.share)


def test_footer_found_in_many_documents_is_repeated():
    repeated = count_repeated_lines(records(), settings())
    assert FOOTER in repeated
    assert repeated.documents == len(TOPICS) and repeated.coverage == 1.0
    assert "Il sindaco ha promesso" not in repeated


def test_same_result_whatever_the_order():
    items = records()
    expected = count_repeated_lines(items, settings())
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert count_repeated_lines(shuffled, settings()) == expected


@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_same_result_whatever_the_number_of_shards(workers):
    """Shards counted apart (as workers would) and merged give the single-pass result."""
    items = records()
    whole = LineCounter()
    for item in items:
        whole.add_document(block.text for block in split_blocks(item.text))
    merged = LineCounter()
    for shard in range(workers):
        counter = LineCounter()
        for item in items[shard::workers]:
            counter.add_document(block.text for block in split_blocks(item.text))
        merged.merge(counter)
    threshold = RepeatThreshold(5)
    assert merged.result(threshold) == whole.result(threshold)


def test_the_pool_pre_pass_counts_on_its_workers_and_gives_the_serial_result(monkeypatch):
    """Groups of inputs are counted on the pool's workers and merged in the main process."""
    from normalise.run.engines.pool import PoolEngine

    monkeypatch.setattr(prepass, "COUNT_GROUP_SIZE", 3)  # several groups from 8 records
    items = records()
    serial = count_repeated_lines(items, settings())
    with PoolEngine(2) as pool:
        calls = []
        original = pool.map_line_counts

        def recording(groups, *args):
            groups = list(groups)
            calls.append([len(group) for group in groups])
            return original(groups, *args)

        monkeypatch.setattr(pool, "map_line_counts", recording)
        parallel = count_repeated_lines(items, settings(), engine=pool)
    assert calls == [[3, 3, 2]]
    assert parallel == serial and FOOTER in parallel


def test_bounded_memory_is_still_order_independent_and_exact():
    lines = [[f"line {doc} {n}" for n in range(50)] + ["shared footer"] for doc in range(40)]
    results = []
    for seed in range(3):
        order = lines[:]
        random.Random(seed).shuffle(order)
        counter = LineCounter(max_lines=300)
        for doc_lines in order:
            counter.add_document(doc_lines)
        assert len(counter.counts) <= 300
        results.append(counter.result(RepeatThreshold(5)))
    assert results[0] == results[1] == results[2]
    assert results[0].coverage < 1.0
    tracked = line_key("shared footer") in results[0].keys
    assert tracked == (line_key("shared footer") >> (64 - counter.level) == 0)


def test_threshold_by_share_and_off():
    assert count_repeated_lines(records(), settings("90%")).keys == frozenset()
    assert FOOTER in count_repeated_lines(records(), settings("50%"))
    assert not count_repeated_lines(records(), settings("0"))


@pytest.mark.parametrize("value", ["abc", "5,x", "-1", "150%"])
def test_bad_threshold_is_a_clear_error(value):
    with pytest.raises(ThresholdError, match="repeat threshold"):
        RepeatThreshold.parse(value)


def test_line_key_ignores_case_spacing_and_punctuation():
    assert line_key("Read more at  Example News!") == line_key("read more at example news")


def test_cleaner_removes_repeated_footer_with_its_reason():
    repeated = count_repeated_lines(records(), settings())
    doc = Document(id="a", source="a", raw_text=article("porto", True))
    clean_document(doc, load_rules(), False, repeated)
    assert FOOTER not in doc.source_text
    assert [(r.reason, r.rule) for r in doc.removed] == [("repeated_line", "corpus_repetition")]


def test_a_document_copied_in_full_is_not_emptied():
    text = article("porto", False)
    items = [InputRecord(id=f"copy{i}", text=text) for i in range(6)]
    repeated = count_repeated_lines(items, settings())
    doc = clean_document(Document(id="a", source="a", raw_text=text), load_rules(), False, repeated)
    assert doc.status is None and doc.removed == []


def test_pipeline_factory_hands_the_result_to_each_pipeline():
    items = records()
    s = settings()
    repeated = count_repeated_lines(items, s)
    factory = PipelineFactory(s, repeated=repeated)
    docs = list(InlineEngine().run(items, factory))
    assert all(FOOTER not in doc.source_text for doc in docs)
    assert sum(r.reason == "repeated_line" for d in docs for r in d.removed) == 6


def test_cli_pre_pass_removes_a_syndication_footer(tmp_path):
    import json

    from click.testing import CliRunner

    from normalise.cli.app import cli

    folder = tmp_path / "in"
    folder.mkdir()
    footer = "This story was produced by Example Wire and is republished with permission."
    topics = ["harbour", "railway", "school", "hospital"]
    for i, topic in enumerate(topics):
        (folder / f"{i}.txt").write_text(
            f"The council debated the future of the {topic} on Tuesday, in a long meeting.\n\n"
            f"The mayor promised a decision on the {topic} by the end of the month.\n\n{footer}\n"
        )
    out = tmp_path / "out.jsonl"
    (tmp_path / "no-models").mkdir()
    args = ["run", str(folder), "-o", str(out), "--models-dir", str(tmp_path / "no-models")]
    result = CliRunner().invoke(cli, [*args, "--repeat-threshold", "3"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert all("Example Wire" not in r["text"] for r in records)
    assert all(r["removed"][-1]["reason"] == "repeated_line" for r in records)
    default = CliRunner().invoke(cli, args)  # default threshold: 5 documents
    assert default.exit_code == 0, default.output
    assert all("Example Wire" in json.loads(line)["text"] for line in out.read_text().splitlines())
    bad = CliRunner().invoke(cli, [*args, "--repeat-threshold", "lots"])
    assert bad.exit_code == 2 and "--repeat-threshold" in bad.output


# Text like the pre-pass sees: ASCII words and punctuation, the wide punctuation English pages
# use, letters outside ASCII, and characters whose case folding is not one ASCII letter.
_LINE_CHARS = st.sampled_from(
    list("aZ09 _-.,;:!?'\"()\t") + list(WIDE_NOISE) + list("éÉßſİıKµΣςдЖ٣\u00ad\u2028\u3000")
)


@hypothesis_settings(max_examples=500, deadline=None)
@given(
    st.lists(_LINE_CHARS, max_size=40).map("".join)
    | st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
)
def test_normalised_line_is_the_plain_normalisation(text):
    assert normalised_line(text) == plain_normalised_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "“We’re not done” — said the mayor… (AP)",
        "«L’articolo è stato prodotto», con l’agenzia",
        "Мэр города — «Нет»",
        "Straße Kİſ",
        "snake_case and\u00a0NBSP\t  tabs",
        "",
        " — ",
    ],
)
def test_normalised_line_on_mixed_scripts(text):
    assert normalised_line(text) == plain_normalised_line(text)
