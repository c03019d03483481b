"""The detect stage's fast paths give what their plain versions give, exactly.

Each fast path (langdetect's text preparation with C loops, its trials over one generated
stream, cached logarithms, tokens lower-cased at once, evidence counted by one Counter, name
runs found by a pattern, letters counted by bytes) is held here to a plain reference: langdetect
itself where it is langdetect's code, else the straightforward version, kept in this file.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector
from test_langid_ngrams import MAX_CHARS, langdetect_says, sorted_factory, texts

from normalise.langid import evidence, names, ngrams
from normalise.langid.evidence import (
    evidence_of,
    has_letters,
    letter_count,
    listed_languages,
    tables,
    tokens,
)
from normalise.langid.names import name_spans, without_names
from normalise.langid.ngrams import extract_ngrams, likeliest, probabilities, profiles
from normalise.record import Document
from normalise.settings import Settings
from normalise.stages import detect
from normalise.stages.clean.stage import Clean
from normalise.stages.detect import document_sample

# Scripts and characters the fast paths treat apart: ASCII letters and the six between "Z" and
# "a", Latin accents, combining marks (Vietnamese), Cyrillic, Greek (final sigma), Arabic, CJK,
# capitals, Turkish dotted I, apostrophes, hyphens, digits, underscores, spaces of every kind.
ALPHABET = (
    string.ascii_letters + string.digits + "[\\]^_`-'’ʼ.,;:!?()«»“”@/"
    "àèéìòùñçÀÉÑ ãõâ" + "\u0300\u0301\u0303\u0309\u0323"
    "ạảấầẩẫậắằẳẵặẹẻẽếềểễệ"
    + "ПриветмирЖЁ"
    + "ΑΣΟΔΟΣσςλ"
    + "مرحبا"
    + "日本語中文한국어"
    + "İıŞşȚțĂă"
    + " \t\n\u00a0\u2003\u3000\x1c\u0085"
)
TEXTS = st.text(alphabet=ALPHABET, max_size=300)
MORE_TEXTS = [
    "Привет, мир! Это проверка: много слов на русском языке, и немного English words.",
    "Η Ελλάδα ΕΙΝΑΙ μια χώρα ΟΔΟΣ ΑΘΗΝΑΣ, και ΣΑΣ λέμε ευχαριστώ.",
    "مرحبا بالعالم هذا نص عربي مع كلمات English قليلة",
    "日本語のテキストです。Some English inside 日本語。",
    "Tiếng Việt có dấu: Việt Nam, người, được, những, trường hợp.",
    "Ţară şi ţară, și țară; l'any, qu'il, s-a, dell'Italia, I. A. Smith, la I Guerra.",
    "ISTANBUL İstanbul IŞIK ışık",
    "see https://example.org/a?b=1 or write to a.b@c.com, then http://x.y/z" * 3,
    "  many   spaces   here  ",
    "",
]


def sample_texts() -> list[str]:
    return texts() + MORE_TEXTS


@pytest.fixture(scope="module")
def factory_map():
    return sorted_factory()


class _NoProfiles:
    word_lang_prob_map: dict[str, list[float]] = {}
    langlist: list[str] = []
    seed = None


def langdetect_prepared(text: str, max_chars: int) -> str:
    detector = Detector(_NoProfiles)
    detector.set_max_text_length(max_chars)
    detector.append(text)
    detector.cleaning_text()
    return detector.text


@pytest.mark.parametrize("max_chars", [MAX_CHARS, 7])
def test_prepared_text_is_langdetects(max_chars):
    for text in sample_texts():
        assert ngrams._prepared(text, max_chars) == langdetect_prepared(text, max_chars), text
    # a text in a non-Latin script loses its Latin letters, and only then
    assert ngrams._prepared(MORE_TEXTS[0], MAX_CHARS) != MORE_TEXTS[0].replace("  ", " ")
    assert "English" not in ngrams._prepared(MORE_TEXTS[0], MAX_CHARS)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([MAX_CHARS, 1, 40]))
def test_prepared_random_text_is_langdetects(text, max_chars):
    assert ngrams._prepared(text, max_chars) == langdetect_prepared(text, max_chars)


def reference_rows(text: str) -> list[int]:
    rows = profiles().rows
    return [rows[gram] for gram in extract_ngrams(text, rows)]


def test_ngram_rows_are_the_extracted_ngrams(monkeypatch):
    monkeypatch.setattr(ngrams._ChunkRows, "MAX_CHUNKS", 40)  # emptied along the way
    for text in sample_texts():
        for form in (text, ngrams._prepared(text, MAX_CHARS)):
            assert ngrams._rows(form).tolist() == reference_rows(form), form


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_ngram_rows_of_random_text_are_the_extracted_ngrams(text):
    assert ngrams._rows(text).tolist() == reference_rows(text)


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.sampled_from([0, 3]))
def test_probabilities_of_random_text_are_langdetects(factory_map, text, seed):
    assert probabilities(text, seed, MAX_CHARS) == langdetect_says(factory_map, text, seed)


def test_probabilities_are_langdetects_when_the_stream_must_grow(factory_map, monkeypatch):
    """A stream far too short for a detection is extended where the generator stopped."""
    monkeypatch.setattr(ngrams, "STREAM_WORDS", 8)
    monkeypatch.setattr(ngrams, "_STREAMS", {})
    samples = [*MORE_TEXTS[:5], "x" * 5000, texts()[0]]
    for text in samples:
        assert probabilities(text, 11, MAX_CHARS) == langdetect_says(factory_map, text, 11)
    assert len(ngrams._STREAMS[11].words) > 8


def test_probabilities_are_langdetects_when_the_picks_read_further(factory_map, monkeypatch):
    """Picks are found in the stream's first words, then in twice as many, and so on, the
    stream long enough or growing on the way: the same picks as in the whole stream."""
    monkeypatch.setattr(ngrams, "PICKS_FIRST_WORDS", 4)
    samples = [*MORE_TEXTS[:5], "x" * 5000, *texts()[:20]]
    for stream_words in (ngrams.STREAM_WORDS, 16):
        monkeypatch.setattr(ngrams, "STREAM_WORDS", stream_words)
        monkeypatch.setattr(ngrams, "_STREAMS", {})
        for text in samples:
            assert probabilities(text, 5, MAX_CHARS) == langdetect_says(factory_map, text, 5)


def test_trials_that_run_to_the_iteration_limit_are_langdetects(factory_map, monkeypatch):
    """A short text whose n-grams several languages share: trials run to ITERATION_LIMIT."""
    text = "Q: Favorite live event you’ve ever attended?"
    used: list[int] = []
    trial = ngrams._trial

    def counting(*args):
        prob, count = trial(*args)
        used.append(count)
        return prob, count

    monkeypatch.setattr(ngrams, "_trial", counting)
    assert probabilities(text, 0, MAX_CHARS) == langdetect_says(factory_map, text, 0)
    assert len(used) == ngrams.N_TRIAL and max(used) == ngrams.ITERATION_LIMIT + 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1e300) | st.floats(0.0, 1e-300), max_size=60))
def test_the_trials_normalising_sum_is_pythons_sum(values):
    """Before Python 3.12 ``sum`` adds floats left to right, as ``add.accumulate`` does, and the
    trials use that; from 3.12 on it compensates, and the trials call ``sum`` itself."""
    assert ngrams.SEQUENTIAL_SUM == (sum([1e16, 1.0, -1e16]) == 0.0)
    if ngrams.SEQUENTIAL_SUM and values:
        total = np.add.accumulate(np.array(values))[-1]
        assert total.tobytes() == np.float64(sum(values)).tobytes()


def test_trials_on_several_threads_give_what_one_thread_gives():
    """Each thread has its own step arrays (``ngrams._Steps``)."""
    chosen = sample_texts()[:40]
    alone = [probabilities(text, 0, MAX_CHARS) for text in chosen]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            together = list(pool.map(lambda text: probabilities(text, 0, MAX_CHARS), chosen))
            assert together == alone


def reference_scores(text: str) -> np.ndarray | None:
    rows = reference_rows(text)
    if not rows:
        return None
    matrix = profiles().matrix
    return np.log(matrix[rows] + ngrams.ALPHA / ngrams.BASE_FREQ).sum(axis=0)


def test_likeliest_sums_the_same_logarithms(monkeypatch):
    monkeypatch.setattr(ngrams, "_LOGS", [])  # a fresh cache: it grows along the way
    table = profiles()
    for text in sample_texts():
        expected = reference_scores(text)
        if expected is None:
            assert likeliest(text) is None
            continue
        scores = ngrams._log_rows(table).of(ngrams._rows(text)).sum(axis=0)
        assert scores.tobytes() == expected.tobytes(), text
        assert likeliest(text) == table.languages[int(expected.argmax())]
    assert ngrams._LOGS[0].used > 1024


_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*'?")


def reference_tokens(text: str) -> list[str]:
    folded = text.replace("\u2019", "'").replace("\u02bc", "'")
    return [
        token.lower()
        for token in _TOKEN.findall(folded)
        if not (len(token) == 1 and token.isupper() and token.isascii())
    ]


def test_tokens_are_the_plain_tokens():
    for text in sample_texts():
        assert tokens(text) == reference_tokens(text), text


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_tokens_of_random_text_are_the_plain_tokens(text):
    assert tokens(text) == reference_tokens(text)


ASCII_TEXTS = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300)


def test_the_ascii_token_pattern_has_the_unicode_patterns_letters():
    for code in range(0x80):
        char = chr(code)
        unicode_letter = re.fullmatch(r"[^\W\d_]", char) is not None
        assert unicode_letter == (evidence._ASCII_TOKEN.fullmatch(char) is not None), char
    assert evidence._ASCII_TOKEN.pattern.replace("[A-Za-z]", r"[^\W\d_]") == _TOKEN.pattern


@settings(max_examples=500, deadline=None)
@given(ASCII_TEXTS)
def test_tokens_of_random_ascii_text_are_the_plain_tokens(text):
    assert tokens(text) == reference_tokens(text)


@given(st.lists(TEXTS | ASCII_TEXTS, max_size=6))
def test_each_texts_tokens_are_its_plain_tokens(texts):
    assert evidence.tokens_of_each(texts) == [tuple(reference_tokens(text)) for text in texts]


def test_tokens_are_a_fresh_list_each_time():
    first = tokens("Il governo ha approvato")
    first.append("x")
    assert tokens("Il governo ha approvato") == ["il", "governo", "ha", "approvato"]


def reference_marked_languages(word: str) -> list[str]:
    """Per language, its markers: "-xyz" at the end of the word, any other anywhere in it."""
    found = []
    for code, entry in tables().languages.items():
        inside = [m for m in entry.markers if not m.startswith("-")]
        ending = [m[1:] for m in entry.markers if m.startswith("-")]
        if any(m in word for m in inside) or any(word.endswith(m) for m in ending):
            found.append(code)
    return found


def reference_evidence(text_tokens: list[str], languages: tuple[str, ...]) -> Counter[str]:
    table = tables().languages
    words = Counter(text_tokens)
    marked: Counter[str] = Counter()
    for word, n in words.items():
        for code in reference_marked_languages(word):
            marked[code] += n
    counts: Counter[str] = Counter()
    for code in languages:
        entry = table.get(code)
        if entry is None:
            continue
        hits = sum(words[word] for word in entry.words & words.keys()) + marked[code]
        if hits:
            counts[code] = hits
    return counts


def test_evidence_is_the_plain_count(monkeypatch):
    monkeypatch.setattr(evidence._WordEvidence, "MAX_WORDS", 50)  # emptied along the way
    listed = listed_languages()
    for text in sample_texts():
        words = tokens(text)
        for languages in (listed, ("es", "ca"), ("xx", "it")):
            got = evidence_of(words, languages)
            assert got == reference_evidence(words, languages), text
            assert list(got) == list(reference_evidence(words, languages))
    assert evidence_of(tokens("els amb però dels"), ("ca",))["ca"] >= 4
    assert evidence_of(tokens("são ação não"), ("pt",))["pt"] >= 3  # markers


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_evidence_of_random_text_is_the_plain_count(text):
    words = tokens(text)
    assert evidence_of(words, listed_languages()) == reference_evidence(words, listed_languages())


def reference_plainly(text_tokens: list[str], lang: str) -> bool:
    counts = reference_evidence(text_tokens, listed_languages())
    if counts[lang] < detect.AGREEMENT_MIN_EVIDENCE:
        return False
    return all(count < counts[lang] for code, count in counts.items() if code != lang)


# Function words of every list (some in several), marked words, and words of no list.
EVIDENCE_WORDS = sorted(
    {word for entry in tables().languages.values() for word in sorted(entry.words)[:12]}
    | {"são", "ação", "și", "țară", "amb", "però", "dell'", "house", "parola", "smith"}
)


@st.composite
def paragraph_words(draw: st.DrawFn) -> tuple[list[str], str]:
    """Words mostly of one language's list (so that every branch is taken), and a language."""
    lang = draw(st.sampled_from([*listed_languages(), "ja"]))
    own = sorted(tables().languages[lang].words)[:20] if lang in tables().languages else ["x"]
    words = draw(st.lists(st.sampled_from(own) | st.sampled_from(EVIDENCE_WORDS), max_size=40))
    return words, lang


@settings(max_examples=500, deadline=None)
@given(paragraph_words())
def test_a_paragraph_plainly_agrees_as_its_plain_counts_say(words_and_lang):
    words, lang = words_and_lang
    assert detect._plainly(words, lang) == reference_plainly(words, lang)


def test_plain_agreement_is_the_plain_counts_on_sample_texts():
    for text in sample_texts():
        for lang in listed_languages():
            assert detect._plainly(tokens(text), lang) == reference_plainly(tokens(text), lang)
        # the stage asks nothing for a language without a list: no paragraph plainly agrees
        for lang in ("ru", "ja", "und"):
            assert lang not in listed_languages()
            assert not reference_plainly(tokens(text), lang)
    assert detect._plainly(tokens("the cat and the dog of the house"), "en")
    assert not detect._plainly(tokens("el gato y el perro de la casa"), "en")


def test_letters_are_counted_as_isalpha_counts_them():
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    assert letter_count(every) == sum(map(str.isalpha, every))
    for text in [*sample_texts(), "\ud800abc", "", "123 ñ"]:
        assert letter_count(text) == sum(map(str.isalpha, text)), text


_CHUNK = re.compile(r"\S+")


def reference_name_spans(text: str) -> list[tuple[int, int]]:
    """The plain scan: chunk by chunk, each run extended over at most MAX_BRIDGE_WORDS
    connectors to the next capitalised word."""
    chunks = list(_CHUNK.finditer(text))
    kind = [names._core(chunk.group()) for chunk in chunks]
    ends = [chunk.group().endswith(names._ENDS_RUN) for chunk in chunks]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(chunks):
        if not names._capitalised(kind[i]):
            i += 1
            continue
        run_end, capitalised, j = i, 1, i
        while not ends[j] and j + 1 < len(chunks):
            k = j + 1
            while (
                k < len(chunks)
                and k - j - 1 < names.MAX_BRIDGE_WORDS
                and names._bridge(kind[k])
                and not ends[k]
            ):
                k += 1
            if k < len(chunks) and names._capitalised(kind[k]):
                run_end, capitalised, j = k, capitalised + 1, k
            else:
                break
        if capitalised >= names.MIN_CAPITALISED:
            spans.append((chunks[i].start(), chunks[run_end].end()))
        i = run_end + 1
    return spans


def test_name_runs_are_the_plain_scans():
    found = 0
    for text in sample_texts():
        assert name_spans(text) == reference_name_spans(text), text
        found += bool(name_spans(text))
    assert found > 20


NAME_WORDS = [
    "Citizens", "for", "and", "de", "la", "del", "Washington,", "The", "x", "Y.", "«Hola»",
    "“Der", "von", "der", "a", "Ünd", "Σ", "(New", "York)", "Rioja.", "il", "Ética:", "I",
]  # fmt: skip
SPACES = [" ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x1f", "\u0085", "\u3000"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAME_WORDS), st.sampled_from(SPACES)), max_size=14))
def test_name_runs_of_random_word_sequences_are_the_plain_scans(pieces):
    text = "".join(word + space for word, space in pieces)
    assert name_spans(text) == reference_name_spans(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="Ccbo", max_size=40))
def test_longer_runs_are_the_runs_of_two_capitalised_chunks_or_more(kinds):
    runs = [m.span() for m in names._RUN.finditer(kinds) if names._capitalised_count(m[0]) >= 2]
    assert [m.span() for m in names._LONGER_RUN.finditer(kinds)] == runs


def reference_without_names(text: str) -> str | None:
    spans = reference_name_spans(text)
    if not spans:
        return None
    total = sum(map(str.isalpha, text))
    named = sum(sum(map(str.isalpha, text[start:end])) for start, end in spans)
    if not total or named < names.MIN_NAME_SHARE * total:
        return None
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return " ".join(" ".join(pieces).split())


def test_names_are_taken_out_as_the_plain_spans_take_them_out(monkeypatch):
    monkeypatch.setattr(names._Kinds, "MAX_CHUNKS", 40)  # emptied along the way
    removed = 0
    for text in sample_texts():
        assert without_names(text) == reference_without_names(text), text
        removed += without_names(text) is not None
    assert removed > 5


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAME_WORDS), st.sampled_from(SPACES)), max_size=14))
def test_names_taken_out_of_random_word_sequences_as_the_plain_spans_take_them_out(pieces):
    text = "".join(word + space for word, space in pieces)
    assert without_names(text) == reference_without_names(text)


def test_has_letters_is_the_letter_count_reaching_a_number():
    for text in [*sample_texts(), "1234567890" * 10 + "abc" * 10, "a" * 5]:
        for at_least in (0, 1, 5, 20, 200):
            assert has_letters(text, at_least) == (letter_count(text) >= at_least)


def _clean_document(paragraphs: list[str]) -> Document:
    doc = Document(id="d", source="d", raw_text="\n\n".join(paragraphs))
    return next(iter(Clean(Settings())([doc])))


def test_a_sample_of_whole_paragraphs_reads_their_words():
    doc = _clean_document(["Il governo ha approvato la legge.", "La I Guerra, l'anno: s-a."] * 3)
    sample = document_sample(doc.source_text)
    words = detect._paragraph_words(doc, sample)
    assert evidence._RECENT[sample] == evidence._split(sample)
    assert evidence._RECENT[sample] == tuple(word for part in words for word in part)


def test_a_sample_cut_inside_a_paragraph_reads_its_own_words():
    long = " ".join(["parola"] * 2000)
    doc = _clean_document(["Il governo ha approvato la legge.", long])
    sample = document_sample(doc.source_text)
    assert len(sample) < len(doc.source_text)
    evidence._RECENT.clear()
    detect._paragraph_words(doc, sample)
    assert sample not in evidence._RECENT
    assert tokens(sample) == reference_tokens(sample)
