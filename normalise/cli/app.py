"""The ``normalise`` command line.

Exit codes (documented in the README):
  0  every input file was processed and every document reached English
  1  internal error (a bug: please report it, with the output of -v)
  2  usage or configuration error: a bad flag, an unreadable input, an unwritable output
  3  finished, but some files were skipped or some documents are not in English
     (untranslated, unsupported language, empty, too large, error): see the report
"""

from __future__ import annotations

import logging
import shlex
import sys
from contextlib import closing, nullcontext
from pathlib import Path

import click

from .. import __version__
from ..argos.manifest import catalog_entry
from ..inputs import open_inputs
from ..inputs.corpus import read_corpus
from ..outputs import (
    EXPORTERS,
    FORMATS,
    ExportError,
    ExportOptions,
    open_exporters,
    resolve_targets,
)
from ..outputs.atomic import STDOUT, write_json
from ..outputs.outputset import OutputError, OutputSet
from ..outputs.review import ReviewLimits
from ..run import Run
from ..run.engines import ENGINES, RayUnavailable, make_engine
from ..run.report import SUMMARY_LINES
from ..run.sharded import DEFAULT_SHARD_SIZE
from ..run.state import StateError
from ..settings import COMPUTE_TYPES, DEVICES, Settings, default_models_dir
from ..stages.clean.repetition import RepeatThreshold, ThresholdError
from ..stages.clean.rules import PatternError, load_rules
from ..text.protect import Glossary, GlossaryError
from . import validate
from .common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    ConfigError,
    given_models_dir,
    global_models_dir_option,
    models_dir_option,
    options_of,
    setup_logging,
    verbosity_options,
)
from .models import models
from .progress import ProgressDisplay
from .review import echo_result, review, review_path_for, write_review

log = logging.getLogger("normalise")


class Interrupted(click.ClickException):
    """Ctrl-C during a run: what was saved, and the command that resumes (exit code 130)."""

    exit_code = EXIT_INTERRUPTED

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


class NormaliseGroup(click.Group):
    """The root command; it keeps the arguments it was given, for the resume hint."""

    argv: list[str] = []

    def main(self, args=None, *pargs, **kwargs):
        NormaliseGroup.argv = list(sys.argv[1:] if args is None else args)
        return super().main(args, *pargs, **kwargs)


def resume_command() -> str:
    """The command line that carries on an interrupted run (the same one, without --fresh)."""
    return shlex.join(["normalise", *(arg for arg in NormaliseGroup.argv if arg != "--fresh")])


@click.group(
    cls=NormaliseGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="normalise")
@verbosity_options
@global_models_dir_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Normalise Italian, Spanish and English articles into one aligned English corpus.

    \b
    Examples:
      normalise run seeds/ -o out/corpus.jsonl
      normalise run articles/ -o out/ --models-dir ./models-store
      normalise run seeds/ -o out/corpus.tmx --format tmx
      normalise export out/corpus.jsonl --format moses -o out/moses/
      normalise review out/corpus.jsonl -o review.html
      cat records.jsonl | normalise run - -o - > english.jsonl
      normalise models install translate-it_en-1_0.argosmodel
      normalise models list
      normalise models verify

    -q, -v and --models-dir may also be given after the subcommand.
    """
    obj = options_of(ctx)
    setup_logging(obj["verbose"], obj["quiet"])


def _check_writable(path: Path, folder: bool = False) -> None:
    """Fail early, with the reason, when ``path`` (a file, or a folder for multi-file
    formats) cannot be written."""
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise ConfigError(f"cannot write the output {path}: {blocker} is a file, not a folder")
    if folder and path.exists() and not path.is_dir():
        raise ConfigError(f"cannot write the output {path}: it is a file, not a folder")
    if not folder and path.is_dir():
        raise ConfigError(f"cannot write the output {path}: it is a folder")
    directory = path if folder else path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".{path.name}.probe"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise ConfigError(f"cannot write the output {path}: {error.strerror or error}") from None


def _targets(
    formats: tuple[str, ...], output: str, check: bool = True
) -> list[tuple[str, Path | str]]:
    """Where each format is written; every target checked for writing (``check``)."""
    try:
        targets = resolve_targets(formats or ("jsonl",), output)
    except ExportError as error:
        raise ConfigError(str(error)) from None
    if check:
        _check_targets(targets)
    return targets


def _check_targets(targets: list[tuple[str, Path | str]]) -> None:
    for name, target in targets:
        if target != STDOUT:
            _check_writable(Path(target), folder=EXPORTERS[name].multi_file)


def _output_set(targets, extra: list[Path | None], state: Path | None) -> OutputSet:
    """Everything the run writes (the exports, ``extra`` files such as the report, the
    state), to refuse overlaps with the input and to lock as one."""
    multi = [target for name, target in targets if EXPORTERS[name].multi_file]
    single = [target for name, target in targets if not EXPORTERS[name].multi_file]
    return OutputSet([*single, *(path for path in extra if path is not None)], multi, state)


def _report_path(targets: list[tuple[str, Path | str]], output: str) -> Path | None:
    """Beside a single output file (``<stem>.report.json``), or inside the output folder."""
    if output == STDOUT:
        return None
    [(name, first), *rest] = targets
    if rest or EXPORTERS[name].multi_file:
        return Path(output) / "corpus.report.json"
    return Path(first).with_name(Path(first).stem + ".report.json")


def _state_dir(targets: list[tuple[str, Path | str]], output: str) -> Path | None:
    """Where a run keeps its shards: beside a single output file (``FILE.parts/``), or inside
    the output folder (``corpus.parts/``); None (a temporary folder) for standard output."""
    if output == STDOUT:
        return None
    [(name, first), *rest] = targets
    if rest or EXPORTERS[name].multi_file:
        return Path(output) / "corpus.parts"
    return Path(first).with_name(Path(first).name + ".parts")


def _review_path(targets: list[tuple[str, Path | str]]) -> Path:
    """``run --review``: the page goes beside the JSONL corpus, which it reads back."""
    corpus = dict(targets).get("jsonl")
    if corpus is None or corpus == STDOUT:
        raise ConfigError(
            "--review reads the JSONL corpus back: write it to a file (-o FILE.jsonl, or add "
            "-f jsonl), not to standard output"
        )
    path = review_path_for(Path(corpus))
    _check_writable(path)
    return path


def _open_exporters(targets, options: ExportOptions) -> open_exporters:
    try:
        return open_exporters(targets, options)
    except ExportError as error:
        raise ConfigError(str(error)) from None


def _export_summary(exporters: open_exporters) -> list[dict]:
    return [
        {
            "format": name,
            "outputs": stats.outputs,
            "written": stats.written,
            "unit": stats.unit,
            "left_out": dict(sorted(stats.left_out.items())),
            "notes": dict(sorted(stats.notes.items())),
        }
        for name, stats in exporters.stats().items()
    ]


def _echo_exports(exports: list[dict]) -> None:
    for entry in exports:
        where = ", ".join(entry["outputs"]) or "(nothing written)"
        click.echo(f"{entry['format']}: {entry['written']} {entry['unit']} -> {where}", err=True)
        for why, n in entry["left_out"].items():
            click.echo(f"  left out: {n} document(s): {why}", err=True)
        for why, n in entry["notes"].items():
            click.echo(f"  note: {why}: {n}", err=True)


def export_options(command):
    """Options shared by `run` and `export`: which formats, and what goes into bitexts."""
    command = click.option(
        "--lang",
        "source_langs",
        multiple=True,
        metavar="CODE",
        callback=lambda _ctx, _param, value: validate.languages("--lang", value),
        help="Bitext formats: only sentences from this source language (it, es, …; "
        "case-insensitive); repeatable.",
    )(command)
    command = click.option(
        "--include-english",
        is_flag=True,
        help="TMX and Moses: include English-original sentences (as en-en pairs).",
    )(command)
    return click.option(
        "-f",
        "--format",
        "formats",
        multiple=True,
        type=click.Choice(FORMATS),
        help="Output format; repeatable (then -o is a folder). Default: jsonl.",
    )(command)


def _repeat_threshold_text(documents: int, share: float) -> str:
    """A threshold as --repeat-threshold takes it: ``5``, ``2%``, ``5,2%``, or ``0`` (off)."""
    parts = ([str(documents)] if documents else []) + ([f"{share * 100:g}%"] if share else [])
    return ",".join(parts) or "0"


def _stdin_lines():
    return sys.stdin.buffer


@cli.command()
@click.argument(
    "input_path", metavar="INPUT", type=click.Path(exists=True, allow_dash=True, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True),
    help="Output file, or a folder (then OUTPUT/corpus.jsonl); - for standard output.",
)
@export_options
@click.option(
    "--report",
    "report_option",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the JSON report. Default: beside the output (none with -o -).",
)
@models_dir_option
@click.option(
    "--patterns",
    "pattern_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra boilerplate rules (TOML); repeatable. A rule with an existing name replaces it.",
)
@click.option(
    "--glossary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Terms never to translate, and terms with a fixed English rendering (TOML; see "
    "docs/engine.md).",
)
@click.option("--keep-boilerplate", is_flag=True, help="Report boilerplate, but keep it.")
@click.option(
    "--repeat-threshold",
    default=_repeat_threshold_text(Settings.repeat_documents, Settings.repeat_share),
    show_default=True,
    metavar="N|SHARE",
    help="A line found in this many documents (5), this share of them (2%), or both (5,2%) "
    "is boilerplate; 0 turns the check off.",
)
@click.option(
    "--assume-lang",
    metavar="CODE",
    callback=lambda _ctx, _param, value: value and validate.language("--assume-lang", value),
    help="Language of documents whose language cannot be determined (too short, unclear); "
    "a code such as it or es. Detected languages are never overridden.",
)
@click.option(
    "--beam-size",
    type=click.IntRange(1, 16),
    default=Settings.beam_size,
    show_default=True,
    help="Translation hypotheses kept while decoding: higher is slower, sometimes better; "
    "1 is greedy decoding.",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default=Settings.device,
    show_default=True,
    help="Where CTranslate2 translates: cpu, cuda (an NVIDIA GPU), or auto (cuda when one "
    "is visible).",
)
@click.option(
    "--compute-type",
    type=click.Choice(COMPUTE_TYPES),
    default=Settings.compute_type,
    show_default=True,
    help="CTranslate2 compute type: default = as the model was saved; auto = the fastest "
    "(BPE packages keep their saved type).",
)
@click.option(
    "--inter-threads",
    type=click.IntRange(0),
    default=Settings.inter_threads,
    show_default=True,
    help="Batches decoded in parallel; 0 = automatic (2 on 2 cores).",
)
@click.option(
    "--intra-threads",
    type=click.IntRange(0),
    default=Settings.intra_threads,
    show_default=True,
    help="Threads per decoding batch; 0 = automatic (1 on 2 cores).",
)
@click.option(
    "--max-batch-tokens",
    type=click.IntRange(16),
    default=Settings.max_batch_tokens,
    show_default=True,
    help="Padded source tokens per translation batch.",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(1),
    default=Settings.max_file_bytes,
    show_default=True,
    help="Files larger than this many bytes get status too_large.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Worker processes (Ray: actors). Default: one per available core (Ray: per CPU).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: a process pool on this machine. ray: Ray actors (pip install 'normalise[ray]').",
)
@click.option(
    "--address",
    metavar="ADDR",
    default=None,
    help="Ray cluster to join: auto, or ray://host:port. Default: a private local Ray.",
)
@click.option(
    "--shard-size",
    type=click.IntRange(1),
    default=DEFAULT_SHARD_SIZE,
    show_default=True,
    help="Documents per shard (on average): the unit of work and of resumption.",
)
@click.option(
    "--fresh", is_flag=True, help="Discard the saved progress (OUTPUT.parts/) and start over."
)
@click.option(
    "--review",
    "with_review",
    is_flag=True,
    help="Also write the review page beside the JSONL corpus (corpus.review.html).",
)
@click.option(
    "--no-state",
    is_flag=True,
    help="Keep no progress on disk (a temporary folder, removed at the end): a one-off run "
    "that needs no resume and leaves no OUTPUT.parts/.",
)
@verbosity_options
@click.pass_context
def run(
    ctx: click.Context,
    input_path: Path,
    output: str,
    formats: tuple[str, ...],
    include_english: bool,
    source_langs: tuple[str, ...],
    report_option: Path | None,
    models_dir: Path | None,
    pattern_files: tuple[Path, ...],
    glossary: Path | None,
    keep_boilerplate: bool,
    repeat_threshold: str,
    assume_lang: str | None,
    beam_size: int,
    device: str,
    compute_type: str,
    inter_threads: int,
    intra_threads: int,
    max_batch_tokens: int,
    max_file_size: int,
    workers: int | None,
    engine: str,
    address: str | None,
    shard_size: int,
    fresh: bool,
    with_review: bool,
    no_state: bool,
) -> None:
    """Clean, detect, translate and align every article under INPUT.

    INPUT is a folder (walked recursively: .txt, .md, .html, .htm), one file, or JSONL records
    {id, text, [lang], [format], [metadata]}: a .jsonl file, or - for standard input. Writes
    one JSON record per document to OUTPUT (or the --format chosen) and a report beside it
    (OUTPUT with .report.json).

    Progress is saved in shards beside the output (OUTPUT.parts/): run the same command again
    after an interruption and it carries on where it stopped (see docs/scaling.md).

    \b
    Examples:
      normalise run seeds/ -o out/corpus.jsonl
      normalise run crawl/ -o out/ --models-dir /data/argos --beam-size 2
      normalise run seeds/ -o out/ -f jsonl -f tmx -f moses
      cat articles.jsonl | normalise run - -o - | jq .text
      normalise run crawl/ -o out/ --workers 8
      normalise run seeds/ -o out/corpus.jsonl --review
      normalise run crawl/ -o out/ --engine ray --address auto
    """
    quiet = options_of(ctx)["quiet"]
    if address and engine != "ray":
        raise ConfigError("--address is for --engine ray")
    if engine == "ray":
        validate.require_extra("ray")
    if "parquet" in formats:
        validate.require_extra("pyarrow")
    try:
        threshold = RepeatThreshold.parse(repeat_threshold)
    except ThresholdError as error:
        raise ConfigError(f"--repeat-threshold: {error}") from None
    settings = Settings(
        repeat_documents=threshold.documents,
        repeat_share=threshold.share,
        models_dir=validate.models_dir(given_models_dir(ctx, models_dir), default_models_dir()),
        pattern_files=pattern_files,
        glossary=glossary,
        keep_boilerplate=keep_boilerplate,
        assume_lang=assume_lang,
        beam_size=beam_size,
        device=device,
        compute_type=compute_type,
        inter_threads=inter_threads,
        intra_threads=intra_threads,
        max_batch_tokens=max_batch_tokens,
        max_file_bytes=max_file_size,
    )
    try:
        load_rules(settings.pattern_files)
        if settings.glossary:
            Glossary.load(settings.glossary)
    except (PatternError, GlossaryError) as error:
        raise ConfigError(str(error)) from None
    display = ProgressDisplay.for_stream(quiet)
    display.stage("listing inputs")  # walking a large folder takes a while: show it at once
    targets = _targets(formats, output, check=False)
    report_path = report_option or _report_path(targets, output)
    review_path = _review_path(targets) if with_review else None
    state_dir = None if no_state else _state_dir(targets, output)
    outputs = _output_set(targets, [report_path, review_path], state_dir)
    options = ExportOptions(include_english, frozenset(source_langs))
    try:
        outputs.refuse_overlap(input_path, settings.extensions)
        exporters = _open_exporters(targets, options)  # a format it cannot write: before all
        with display:
            inputs = open_inputs(
                input_path, settings.extensions, _stdin_lines(), outputs.exclusions()
            )
            validate.has_inputs(inputs, input_path, settings.extensions)
            _check_targets(targets)
            if report_path is not None:
                _check_writable(report_path)
            with outputs.lock():
                outputs.remove_leftovers()
                log.info(
                    "input %s, %d skipped; output: %s",
                    inputs.description,
                    len(inputs.skipped),
                    ", ".join(f"{name} -> {target}" for name, target in targets),
                )
                run = Run(
                    settings,
                    make_engine(engine, workers, address),
                    state_dir=state_dir,
                    shard_size=shard_size,
                    fresh=fresh,
                    on_note=(lambda note: None)
                    if quiet
                    else (lambda note: display.echo(f"note: {note}")),
                    on_progress=display,
                )
                try:
                    with exporters, closing(run.documents(inputs)) as documents:  # Ctrl-C: closed
                        for doc in documents:
                            exporters.write(doc)
                except (StateError, RayUnavailable) as error:
                    raise ConfigError(str(error)) from None
                except KeyboardInterrupt:
                    display.close()
                    raise Interrupted(_interrupted(run, state_dir)) from None
                except OSError as error:  # disk full, output folder removed mid-run
                    raise ConfigError(
                        f"cannot write the output {output}: {error.strerror or error}"
                    ) from None
                report = run.report
                report.exports = _export_summary(exporters)
                if report_path is not None:
                    try:
                        write_json(report.to_json(), report_path)
                    except OSError as error:
                        raise ConfigError(
                            f"cannot write the report {report_path}: {error.strerror or error}"
                        ) from None
                reviewed = None
                if review_path is not None:  # the corpus is complete on disk: read it back
                    corpus = Path(dict(targets)["jsonl"])
                    reviewed, bad = write_review(
                        corpus, review_path, report.to_json(), ReviewLimits()
                    )
                    echo_result(reviewed, bad, quiet=True)  # the summary comes with the run's
    except OutputError as error:
        raise ConfigError(str(error)) from None
    if not quiet:
        click.echo(report.summary(), err=True)
        if formats and formats != ("jsonl",):
            _echo_exports(report.exports)
        elif output != STDOUT:
            click.echo(f"wrote {', '.join(str(t) for _, t in targets)}", err=True)
        if report_path is not None:
            click.echo(f"report: {report_path}", err=True)
        if reviewed is not None:
            click.echo(reviewed.summary(), err=True)
    if report.missing_models:
        langs = " ".join(report.missing_models)
        unpinned = [
            lang
            for lang in report.missing_models
            if (entry := catalog_entry(lang)) is not None and not entry.sha256
        ]
        trust = " --trust-unpinned" if unpinned else ""
        click.echo(
            f"missing translation models for: {langs}. Install them with:\n"
            f"  normalise models pull {langs}{trust}        (downloads; needs network)\n"
            f"  normalise models install FILE.argosmodel   (offline)",
            err=True,
        )
        if unpinned:
            click.echo(
                f"  ({', '.join(unpinned)}: no published sha256; --trust-unpinned records the one "
                "seen and checks it from then on, see models/README.md)",
                err=True,
            )
    ctx.exit(EXIT_OK if report.complete else EXIT_PARTIAL)


def _interrupted(run: Run, state_dir: Path | None) -> str:
    """What Ctrl-C leaves behind, and how to carry on."""
    if state_dir is None:
        why = (
            "--no-state"
            if "--no-state" in NormaliseGroup.argv
            else "the output goes to standard output"
        )
        return (
            f"interrupted: nothing was saved ({why}, so progress is not kept); "
            f"to start again: {resume_command()}"
        )
    saved = len(run.sharded.state.keys()) if run.sharded is not None else 0
    if not saved:
        return (
            f"interrupted before any shard was complete; nothing saved in {state_dir}. "
            f"To start again: {resume_command()}"
        )
    return (
        f"interrupted: the previous output is untouched, and {saved} complete shard(s) are "
        f"saved in {state_dir}. To resume where it stopped, run the same command: "
        f"{resume_command()}"
    )


@cli.command("export")
@click.argument(
    "corpus",
    metavar="CORPUS",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True),
    help="A file (jsonl, tmx, tsv, parquet) or a folder (moses, text); - for standard output.",
)
@export_options
@verbosity_options
@click.pass_context
def export_command(
    ctx: click.Context,
    corpus: Path,
    output: str,
    formats: tuple[str, ...],
    include_english: bool,
    source_langs: tuple[str, ...],
) -> None:
    """Convert a corpus written by `normalise run` (JSONL) to other formats, streaming.

    \b
    Examples:
      normalise export out/corpus.jsonl -f tmx -o out/corpus.tmx
      normalise export out/corpus.jsonl -f moses -o out/moses/ --lang it
      normalise export out/corpus.jsonl -f text -o out/english/
    """
    if not formats:
        raise ConfigError("choose an output format with --format (-f)")
    if "parquet" in formats:
        validate.require_extra("pyarrow")
    targets = _targets(formats, output)
    options = ExportOptions(include_english, frozenset(source_langs))
    bad: list[str] = []

    def on_error(line: int, problem: str) -> None:
        bad.append(f"{corpus}:{line}: {problem}")

    stdin = str(corpus) == STDOUT
    with (
        nullcontext(_stdin_lines()) if stdin else corpus.open("rb") as lines,
        _open_exporters(targets, options) as exporters,
    ):
        for doc in read_corpus(lines, on_error):
            exporters.write(doc)
    if not options_of(ctx)["quiet"]:
        _echo_exports(_export_summary(exporters))
    for line in bad[:SUMMARY_LINES]:
        click.echo(f"skipped {line}", err=True)
    if len(bad) > SUMMARY_LINES:
        click.echo(f"… and {len(bad) - SUMMARY_LINES} more lines skipped", err=True)
    ctx.exit(EXIT_PARTIAL if bad else EXIT_OK)


cli.add_command(models)
cli.add_command(review)


def main() -> None:
    """Entry point: every failure is one line on stderr and a documented exit code; the
    traceback of an internal error is shown only with -vv."""
    try:
        code = cli.main(standalone_mode=False)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "normalise"
        click.echo(f"Error: {error.format_message()} (see '{command} --help')", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted: nothing was changed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            raise
        click.echo(
            f"internal error: {type(error).__name__}: {error} (run with -vv for details)", err=True
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
