"""What the command-line modules share: exit codes, the fatal-configuration error, options."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import MODELS_DIR_ENV

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


class ConfigError(click.ClickException):
    """A fatal configuration problem: one line, exit code 2."""

    exit_code = EXIT_USAGE


models_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar=MODELS_DIR_ENV,
    show_envvar=True,
    help="Model store folder. Default: $XDG_DATA_HOME/normalise/models.",
)
