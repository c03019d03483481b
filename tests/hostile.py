"""A bad-input corpus, built on disk at test time (no binaries committed).

:func:`build` writes every kind of hostile input the tool must survive, and returns what the
run must say about each file: the status of its record, or the reason it was skipped (in the
report). Keys are the relative paths exactly as the record's ``source`` and the report's
``skipped[].source`` spell them.

One file cannot be made unreadable honestly when the tests run as root (root reads a chmod
000 file): :func:`deny_reading` makes the operating system's ``open`` refuse it with
``PermissionError`` inside an in-process run, which is exactly what a non-root run sees.
"""

from __future__ import annotations

import codecs
import errno
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

ITALIAN = (
    "La città di Bologna ha inaugurato ieri un nuovo museo dedicato alla storia "
    "dell'università. Il sindaco ha detto che l'opera è costata più del previsto, però il "
    "risultato è già un successo. Migliaia di visitatori hanno fatto la fila sotto la pioggia "
    "per entrare nelle sale. Perché così tanto interesse? Secondo gli organizzatori, la mostra "
    "racconta novecento anni di ricerca e di vita studentesca."
)
ITALIAN_UTF16 = ITALIAN + " Ieri sera, però, il museo era già chiuso."
SPANISH = (
    "El Gobierno de España aprobó el martes una reforma que cambiará la jubilación de "
    "millones de trabajadores. La ministra explicó que el año próximo la pensión mínima subirá "
    "un cinco por ciento. Los sindicatos celebraron el acuerdo, aunque pidieron más inversión "
    "en educación. ¿Qué pasará con los jóvenes? Según los expertos, el niño que nace hoy "
    "trabajará hasta los setenta años."
)
ENGLISH = (
    "The city council approved the new budget on Tuesday after a long debate about public "
    "transport and housing in the northern districts of the town. Officials said the money "
    "would pay for new buses and longer opening hours for libraries."
)
ENGLISH_2 = (
    "Researchers at the university published a study on river pollution this week. They "
    "found that levels of plastic in the water had fallen since a ban on single-use bags."
)
FRENCH = (
    "Le gouvernement français a présenté mercredi un projet de loi sur l'énergie. Selon le "
    "ministre, les centrales nucléaires resteront au cœur de la stratégie du pays pendant les "
    "prochaines décennies. Les associations écologistes ont critiqué un texte trop timide."
)
GERMAN = (
    "Die Bundesregierung hat am Mittwoch einen neuen Gesetzentwurf zur Energiewende "
    "vorgestellt. Nach Angaben des Ministeriums sollen die Netze in den nächsten Jahren "
    "deutlich schneller ausgebaut werden. Umweltverbände kritisierten die Pläne."
)
LONG_LINE_CHARS = 50_000
LONG_LINE_WORDS = (
    "la città di bologna ha inaugurato un nuovo museo dedicato alla storia dell università "
    "e il sindaco ha detto che l opera è costata più del previsto ma il risultato è già un "
    "successo secondo gli organizzatori che raccontano novecento anni di ricerca"
).split()
DEEP_LEVELS = 60

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00"
    b"\x00\x1f\xf3\xffa\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
BOILERPLATE_HTML = (
    "<html><head><title>Example Media</title></head><body><nav><a href='/'>Home</a> "
    "<a href='/news'>News</a></nav><div id='cookie-banner'><p>This website uses cookies.</p>"
    "</div><footer><p>All rights reserved.</p></footer></body></html>"
)
NO_BODY_HTML = "<html><head><title>Nothing here</title></head></html>"
BROKEN_HTML = (
    "<html><head><title>Budget approved</title><body><article><h1>Budget approved<p>"
    + ENGLISH
    + " &bogus; <p>Work would start in spring, the mayor said.</div></span><p>Residents can "
    "comment on the plan until the end of the month. <<b>><div><span><b><a href='x"
)
UNREADABLE = "fs/unreadable.txt"


@dataclass(frozen=True)
class Expect:
    """What the run must report for one file."""

    status: str | None  # the record's status; None: the file is skipped (report only)
    reason: str | None = None  # a part of the record's reason or of the skip reason
    duplicate_of: str | None = None  # the id of the earlier document with the same text

    @property
    def skipped(self) -> bool:
        return self.status is None


def long_line() -> str:
    """One line of Italian words, exactly LONG_LINE_CHARS characters, no punctuation."""
    words, length, index = [], 0, 0
    while length < LONG_LINE_CHARS:
        word = LONG_LINE_WORDS[index % len(LONG_LINE_WORDS)]
        words.append(word)
        length += len(word) + 1
        index += 1
    line = " ".join(words)[:LONG_LINE_CHARS]
    return line[:-1] + "x" if line.endswith(" ") else line


def deep_relpath() -> str:
    return "/".join(f"d{level}" for level in range(DEEP_LEVELS)) + "/article.txt"


def build(root: Path, *, max_file_size: int) -> dict[str, Expect]:
    """Write the corpus under ``root``; return the expected outcome per relative path."""
    expect: dict[str, Expect] = {}

    def put(relpath: str, data: bytes | str, outcome: Expect) -> Path:
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[relpath] = outcome
        return path

    # empty or blank content
    put("blank/empty.txt", b"", Expect("empty", "the file is empty"))
    put("blank/whitespace.txt", b"  \n\t \r\n   \n", Expect("empty", "the file is blank"))
    put("blank/boilerplate.html", BOILERPLATE_HTML, Expect("empty", "only boilerplate"))
    put("blank/no-body.html", NO_BODY_HTML, Expect("empty", "no main text"))

    # encodings and line endings
    bom_text = ENGLISH + " The vote was close."
    put("enc/utf8-bom.txt", codecs.BOM_UTF8 + bom_text.encode(), Expect("english"))
    put("enc/utf16-bom.txt", ITALIAN_UTF16.encode("utf-16"), Expect("translated"))
    put("enc/cp1252-italian.txt", ITALIAN.encode("cp1252"), Expect("translated"))
    put("enc/latin1-spanish.txt", SPANISH.encode("latin-1"), Expect("translated"))
    mixed = f"{ENGLISH}\r\n\r\n{ENGLISH_2}\n\nThe end of the report.\r\rPublished on Monday.\n"
    put("enc/mixed-newlines.txt", mixed.encode(), Expect("english"))

    # binary or malformed content
    put("bin/image-named-txt.txt", PNG_BYTES, Expect("error", "not text"))
    put("bin/random.txt", random.Random(8).randbytes(4096), Expect("error", "not text"))
    nul_text = (
        (ENGLISH + " Nobody objected.")
        .replace(" approved", "\x00 approved")
        .replace(" said", " sa\x00\x00id")
    )
    put("bin/nul-inside.txt", nul_text.encode(), Expect("english"))
    half = len(ITALIAN) // 2
    damaged = ITALIAN[:half].encode() + b"\xff\xfe" + ITALIAN[half:].encode()
    put("bin/invalid-utf8.txt", damaged, Expect("translated"))
    put("bin/broken-markup.html", BROKEN_HTML, Expect("english"))

    # size extremes
    put(
        "size/too-large.txt",
        ENGLISH.encode() * (max_file_size // len(ENGLISH) + 2),
        Expect(
            "too_large", f"over the limit of {max_file_size} bytes (raise it with --max-file-size)"
        ),
    )
    put("size/long-line.txt", long_line(), Expect("translated"))
    put(deep_relpath(), ENGLISH_2, Expect("english"))

    # languages we do not translate
    put("lang/french.txt", FRENCH, Expect("unsupported_language", "from 'fr'"))
    put("lang/german.txt", GERMAN, Expect("unsupported_language", "from 'de'"))

    # filesystem trouble
    put(UNREADABLE, ENGLISH, Expect("error", "cannot read file: Permission denied"))
    os.mkfifo(root / "fs/pipe.txt")
    expect["fs/pipe.txt"] = Expect(None, "not a regular file: a named pipe (FIFO)")
    os.symlink("loop.txt", root / "fs/loop.txt")
    expect["fs/loop.txt"] = Expect(None, "symlink loop")
    os.symlink("missing.txt", root / "fs/broken-link.txt")
    expect["fs/broken-link.txt"] = Expect(None, "broken symlink (target 'missing.txt'")
    os.symlink(".", root / "fs/folder-link")
    expect["fs/folder-link"] = Expect(None, "symlinked directory not followed")
    os.symlink("name with spaces.txt", root / "fs/file-link.txt")
    expect["fs/file-link.txt"] = Expect("english")  # a symlinked file is read
    put(
        "fs/name with spaces.txt",
        ENGLISH_2.replace("week", "month"),
        Expect("english", duplicate_of="fs/file-link.txt"),  # same text, and later in order
    )
    put("fs/città – ñandú.txt", ENGLISH_2.replace("week", "year"), Expect("english"))
    put("fs/line\nbreak.txt", ENGLISH_2.replace("week", "spring"), Expect("english"))
    put("fs/folder.txt/inside.txt", ENGLISH_2.replace("week", "summer"), Expect("english"))
    put("fs/report.pdf", b"%PDF-1.4\n", Expect(None, "unsupported file type .pdf"))
    (root / os.fsdecode(b"fs/caf\xe9.txt")).write_text(ENGLISH_2.replace("week", "autumn"))
    expect["fs/caf\\xe9.txt"] = Expect("english")

    # the same article twice: the later one is flagged, kept
    put("dup/a-original.txt", f"{ENGLISH}\n\n{ENGLISH_2}\n", Expect("english"))
    copy = f"{ENGLISH}\r\n\r\n{ENGLISH_2}\r\n\r\nThis website uses cookies.\r\n"
    put(
        "dup/b-copy.txt",
        codecs.BOM_UTF8 + copy.encode(),
        Expect("english", duplicate_of="dup/a-original.txt"),
    )
    return expect


def deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make ``os.open`` of ``path`` fail as it does for a user without read permission."""
    real_open = os.open
    denied = os.fsencode(path)

    def guarded_open(file, flags, *args, **kwargs):
        if os.fsencode(file) == denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)


def on_disk(root: Path) -> set[str]:
    """Every non-folder entry under ``root`` (symlinks to folders included), listed
    independently of normalise, as the report spells them."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        names = filenames + [d for d in dirnames if (base / d).is_symlink()]
        for name in names:
            rel = (base / name).relative_to(root).as_posix()
            found.add(rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    return found
