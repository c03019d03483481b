"""``normalise models …``: manage Argos Translate packages. Nothing here runs during ``run``;
``pull`` is the only command that opens a network connection."""

from __future__ import annotations

from pathlib import Path

import click

from ..argos.catalog import Catalog
from ..argos.package import PackageError
from ..argos.store import ModelStore
from ..run.progress import ProgressEvent
from ..settings import default_models_dir
from . import validate
from .common import (
    EXIT_PARTIAL,
    ConfigError,
    given_models_dir,
    global_models_dir_option,
    models_dir_option,
    options_of,
    resolve_models_dir,
    verbosity_options,
)
from .progress import ProgressDisplay


def _existing_store(ctx: click.Context, flag: Path | None) -> Path:
    """The store to read; one named explicitly must exist (see validate.models_dir)."""
    return validate.models_dir(given_models_dir(ctx, flag), default_models_dir())


@click.group()
@verbosity_options
@global_models_dir_option
def models() -> None:
    """Manage Argos Translate packages (.argosmodel). Nothing here runs during `run`."""


@models.command("list")
@models_dir_option
@verbosity_options
@click.pass_context
def models_list(ctx: click.Context, models_dir: Path | None) -> None:
    """List installed packages (our store, then argospm's folder)."""
    catalog = Catalog(_existing_store(ctx, models_dir))
    packages = catalog.all()
    if not packages:
        click.echo(f"no packages installed in {catalog.store.root}")
    for package in packages:
        click.echo(
            f"{package.from_code}→{package.to_code}  {package.name}  v{package.version}  "
            f"{package.tokenizer}  [{package.origin}] {package.path}"
        )
    for problem in catalog.store.problems():
        click.echo(f"broken: {problem}", err=True)


@models.command("install")
@click.argument(
    "archives", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@models_dir_option
@click.option("--replace", is_flag=True, help="Replace a package that is already installed.")
@click.option(
    "--force",
    is_flag=True,
    help="Install an archive of a pinned package even if its size or sha256 is not the pinned one.",
)
@verbosity_options
@click.pass_context
def models_install(
    ctx: click.Context,
    archives: tuple[Path, ...],
    models_dir: Path | None,
    replace: bool,
    force: bool,
) -> None:
    """Install .argosmodel files into the store, offline. Each is validated first, and an
    archive of a pinned package must match its pinned sha256."""
    store = ModelStore(resolve_models_dir(ctx, models_dir))
    failed = 0
    for archive in archives:
        try:
            package = store.install(archive, replace=replace, force=force)
        except PackageError as error:
            click.echo(f"refused: {error}", err=True)
            failed += 1
            continue
        click.echo(
            f"installed {package.name} ({package.from_code}→{package.to_code}) in {store.root}"
        )
    if failed:
        raise ConfigError(f"{failed} of {len(archives)} package(s) not installed")


@models.command("pull")
@click.argument("langs", nargs=-1, required=True)
@models_dir_option
@click.option(
    "--mirror",
    metavar="DIR_OR_URL",
    help="Fetch NAME.argosmodel from this folder or http(s) mirror instead of the Argos URL; "
    "the same checks apply.",
)
@click.option(
    "--trust-unpinned",
    is_flag=True,
    help="Accept a package with no pinned sha256: the sha256 seen is printed, recorded in the "
    "store and checked from then on (trust on first use).",
)
@verbosity_options
@click.pass_context
def models_pull(
    ctx: click.Context,
    langs: tuple[str, ...],
    models_dir: Path | None,
    mirror: str | None,
    trust_unpinned: bool,
) -> None:
    """Fetch the LANG→en packages the catalog serves (network, or --mirror), check size and
    sha256, install. A language that fails does not stop the others.

    \b
    Examples:
      normalise models pull it es
      normalise models pull es --trust-unpinned
      normalise models pull it es --mirror /srv/argos-mirror
    """
    from ..argos.pull import pull

    store = ModelStore(resolve_models_dir(ctx, models_dir))
    codes = [validate.language("models pull", lang) for lang in langs]
    failed: list[str] = []
    for lang in codes:
        with ProgressDisplay.for_stream(options_of(ctx)["quiet"], unit="bytes") as display:
            try:
                pulled = pull(
                    store,
                    lang,
                    mirror=mirror,
                    trust_unpinned=trust_unpinned,
                    progress=_download_progress(display, f"{lang}→en"),
                )
            except PackageError as error:
                click.echo(f"failed: {lang}: {error}", err=True)
                failed.append(lang)
                continue
        click.echo(f"installed {pulled.package.name} in {store.root} (sha256 {pulled.sha256})")
        if pulled.trusted_now:
            click.echo(
                f"trusted on first use: {pulled.package.name} sha256 {pulled.sha256} is now "
                f"recorded in {store.root} and checked by install, pull and verify"
            )
    done = [lang for lang in codes if lang not in failed]
    click.echo(
        f"pulled {len(done)} of {len(codes)}: "
        + (", ".join(done) or "none")
        + (f"; failed: {', '.join(failed)}" if failed else ""),
        err=bool(failed),
    )
    if failed:
        raise ConfigError(f"{len(failed)} of {len(codes)} package(s) not installed")


def _download_progress(display: ProgressDisplay, name: str):
    """pull()'s (received, total) callback, as events for the display."""

    def progress(received: int, total: int | None) -> None:
        display(ProgressEvent(name, received, total or None))

    return progress


@models.command("verify")
@models_dir_option
@verbosity_options
@click.pass_context
def models_verify(ctx: click.Context, models_dir: Path | None) -> None:
    """Re-hash installed packages: every file against its install record, and the archive
    against the pinned manifest. Exit code 3 if any package fails."""
    store = ModelStore(_existing_store(ctx, models_dir))
    try:
        results = store.verify()
    except PackageError as error:  # an unreadable trust record
        raise ConfigError(str(error)) from None
    if not results:
        click.echo(f"no packages installed in {store.root}")
    for result in results:
        click.echo(result.describe(), err=not result.ok)
    failed = [r.name for r in results if not r.ok]
    if failed:
        click.echo(
            f"{len(failed)} package(s) failed verification; reinstall them with "
            "`normalise models install --replace FILE` or `normalise models pull LANG`",
            err=True,
        )
        ctx.exit(EXIT_PARTIAL)


@models.command("remove")
@click.argument("names", nargs=-1, required=True)
@models_dir_option
@verbosity_options
@click.pass_context
def models_remove(ctx: click.Context, names: tuple[str, ...], models_dir: Path | None) -> None:
    """Remove installed packages by folder name (see `normalise models list`)."""
    store = ModelStore(_existing_store(ctx, models_dir))
    for name in names:
        try:
            click.echo(f"removed {store.remove(name)}")
        except PackageError as error:
            raise ConfigError(str(error)) from None
