"""What the command-line modules share: exit codes, the fatal-configuration error, and the
global options (``-q``, ``-v``, ``--models-dir``), which work before and after the
subcommand, as in git and pip: ``normalise -q run …`` and ``normalise run … -q`` are the same.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from ..settings import MODELS_DIR_ENV, default_models_dir

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
PROGRESS_LOGGER = "normalise.progress"


class ConfigError(click.ClickException):
    """A fatal configuration problem: one line, exit code 2."""

    exit_code = EXIT_USAGE


def options_of(ctx: click.Context) -> dict[str, Any]:
    """The global options as given so far, anywhere on the command line (kept on the root
    context, which every subcommand shares)."""
    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {}
    root.obj.setdefault("verbose", 0)
    root.obj.setdefault("quiet", False)
    root.obj.setdefault("models_dir", None)
    return root.obj


def setup_logging(verbose: int, quiet: bool) -> None:
    """WARNING by default and with -q; INFO with -v; DEBUG (and tracebacks) with -vv. Progress
    lines for a non-terminal go to the ``normalise.progress`` logger, heard unless -q."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    if quiet:
        level = logging.ERROR if verbose == 0 else level
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    logging.getLogger(PROGRESS_LOGGER).setLevel(logging.ERROR if quiet else logging.INFO)


def _more_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        obj = options_of(ctx)
        obj["verbose"] += value
        setup_logging(obj["verbose"], obj["quiet"])


def _quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        obj = options_of(ctx)
        obj["quiet"] = True
        setup_logging(obj["verbose"], obj["quiet"])


def _global_models_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        options_of(ctx)["models_dir"] = value


def verbosity_options(command):
    """``-q`` and ``-v`` on a group or command (where they are given does not matter)."""
    command = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_more_verbose,
        help="More logging (-vv: debug, and tracebacks of internal errors).",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_quiet,
        help="No progress, no summary, no warnings (errors and missing models still show).",
    )(command)


MODELS_DIR_HELP = (
    f"Model store folder. Default: ${MODELS_DIR_ENV}, else $XDG_DATA_HOME/normalise/models."
)

global_models_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    expose_value=False,
    callback=_global_models_dir,
    help=MODELS_DIR_HELP + " Also accepted after the subcommand.",
)

models_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=MODELS_DIR_HELP,
)


def given_models_dir(ctx: click.Context, value: Path | None) -> Path | None:
    """``--models-dir`` as given after the subcommand, else before it, else None."""
    return value if value is not None else options_of(ctx)["models_dir"]


def resolve_models_dir(ctx: click.Context, value: Path | None) -> Path:
    """The store: the flag (after the subcommand, else before it), else $NORMALISE_MODELS_DIR,
    else the XDG default. The flag always wins over the environment."""
    return given_models_dir(ctx, value) or default_models_dir()
