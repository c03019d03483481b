"""``normalise review``: the review page of a corpus (``run --review`` calls the same code
once the corpus is written). See docs/review.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..inputs.corpus import read_corpus
from ..outputs.review import ReviewLimits, ReviewResult, build_review
from ..outputs.review.builder import LOW_SCORE, MAX_BYTES, MAX_DOCUMENTS
from ..run.report import SUMMARY_LINES
from .common import EXIT_OK, EXIT_PARTIAL, ConfigError, options_of, verbosity_options


def review_path_for(corpus: Path) -> Path:
    """Beside the corpus: ``corpus.jsonl`` -> ``corpus.review.html``."""
    return corpus.with_name(corpus.stem + ".review.html")


def report_path_for(corpus: Path) -> Path:
    """Where ``run`` puts the report of a single JSONL output."""
    return corpus.with_name(corpus.stem + ".report.json")


def write_review(
    corpus: Path, output: Path, report: dict[str, Any] | None, limits: ReviewLimits
) -> tuple[ReviewResult, list[str]]:
    """Build the page from the corpus file, streaming; return it and the corpus lines that
    were not records (skipped, named by file and line)."""
    bad: list[str] = []

    def on_error(line: int, problem: str) -> None:
        bad.append(f"{corpus}:{line}: {problem}")

    try:
        with corpus.open("rb") as lines:
            result = build_review(
                read_corpus(lines, on_error),
                output,
                corpus_name=corpus.name,
                report=report,
                limits=limits,
            )
    except OSError as error:
        where = error.filename or output
        raise ConfigError(
            f"cannot write the review page {where}: {error.strerror or error}"
        ) from None
    return result, bad


def echo_result(result: ReviewResult, bad: list[str], quiet: bool) -> None:
    """What was written (unless quiet), and the corpus lines skipped (always)."""
    if not quiet:
        click.echo(result.summary(), err=True)
    for line in bad[:SUMMARY_LINES]:
        click.echo(f"skipped {line}", err=True)
    if len(bad) > SUMMARY_LINES:
        click.echo(f"… and {len(bad) - SUMMARY_LINES} more lines skipped", err=True)


def _read_report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(
            f"cannot read the report {path}: {error}; give another with --report FILE"
        ) from None
    if not isinstance(report, dict):
        raise ConfigError(f"cannot read the report {path}: not a normalise run report")
    return report


@click.command("review")
@click.argument(
    "corpus", metavar="CORPUS", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML page. Default: beside the corpus (CORPUS with .review.html).",
)
@click.option(
    "--report",
    "report_option",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The run report, for the engine's translation and cache counts. Default: "
    "CORPUS with .report.json, when it exists.",
)
@click.option(
    "--max-documents",
    type=click.IntRange(1),
    default=MAX_DOCUMENTS,
    show_default=True,
    help="Documents the page embeds; past this it embeds a deterministic sample.",
)
@click.option(
    "--max-mb",
    type=click.IntRange(1),
    default=MAX_BYTES >> 20,
    show_default=True,
    help="MiB of document data the page embeds; past this it embeds a sample.",
)
@click.option(
    "--low-score",
    type=float,
    default=LOW_SCORE,
    show_default=True,
    help="Sentences scoring below this are flagged low_score on the page.",
)
@verbosity_options
@click.pass_context
def review(
    ctx: click.Context,
    corpus: Path,
    output: Path | None,
    report_option: Path | None,
    max_documents: int,
    max_mb: int,
    low_score: float,
) -> None:
    """Write one self-contained HTML page to look at a corpus written by `normalise run`:
    counts and charts, then every document with its source and English side by side and the
    removed spans in place. It opens from disk in any browser; nothing is fetched.

    \b
    Examples:
      normalise review out/corpus.jsonl                 # -> out/corpus.review.html
      normalise review out/corpus.jsonl -o review.html --max-documents 2000
    """
    output = output or review_path_for(corpus)
    report_path = report_option or report_path_for(corpus)
    report = _read_report(report_path) if report_path.exists() else None
    limits = ReviewLimits(max_documents, max_mb << 20, low_score)
    result, bad = write_review(corpus, output, report, limits)
    echo_result(result, bad, options_of(ctx)["quiet"])
    ctx.exit(EXIT_PARTIAL if bad else EXIT_OK)
