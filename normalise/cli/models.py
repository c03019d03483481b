"""``normalise models …``: manage Argos Translate packages. Nothing here runs during ``run``;
``pull`` is the only command that opens a network connection."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from ..argos.catalog import Catalog
from ..argos.package import PackageError
from ..argos.store import ModelStore
from ..settings import default_models_dir
from .common import EXIT_PARTIAL, ConfigError, models_dir_option


@click.group()
def models() -> None:
    """Manage Argos Translate packages (.argosmodel). Nothing here runs during `run`."""


@models.command("list")
@models_dir_option
def models_list(models_dir: Path | None) -> None:
    """List installed packages (our store, then argospm's folder)."""
    catalog = Catalog(models_dir or default_models_dir())
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
def models_install(archives: tuple[Path, ...], models_dir: Path | None, replace: bool) -> None:
    """Install .argosmodel files into the store, offline. Each is validated first."""
    store = ModelStore(models_dir or default_models_dir())
    failed = 0
    for archive in archives:
        try:
            package = store.install(archive, replace=replace)
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
def models_pull(langs: tuple[str, ...], models_dir: Path | None) -> None:
    """Download the pinned LANG→en packages (network), verify sha256, install.

    \b
    Example:
      normalise models pull it es
    """
    from ..argos.download import download
    from ..argos.manifest import pinned_for

    store = ModelStore(models_dir or default_models_dir())
    for lang in langs:
        pinned = pinned_for(lang)
        if pinned is None:
            raise ConfigError(f"no pinned package for {lang}→en in the manifest")
        with click.progressbar(length=pinned.size or 0, label=pinned.name, file=sys.stderr) as bar:
            progress = _ProgressAdapter(bar)
            try:
                with tempfile.TemporaryDirectory(dir=_ensure(store.root)) as tmp:
                    archive = download(pinned, Path(tmp), progress=progress)
                    package = store.install(archive, replace=True)
            except PackageError as error:
                raise ConfigError(str(error)) from None
            except OSError as error:
                raise ConfigError(f"download of {pinned.url} failed: {error}") from None
        click.echo(f"installed {package.name} in {store.root}")


class _ProgressAdapter:
    """Turns download(received, total) callbacks into progress bar increments."""

    def __init__(self, bar):
        self.bar, self.seen = bar, 0

    def __call__(self, received: int, total: int | None) -> None:
        self.bar.update(received - self.seen)
        self.seen = received


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@models.command("verify")
@models_dir_option
@click.pass_context
def models_verify(ctx: click.Context, models_dir: Path | None) -> None:
    """Re-hash installed packages: every file against its install record, and the archive
    against the pinned manifest. Exit code 3 if any package fails."""
    store = ModelStore(models_dir or default_models_dir())
    results = store.verify()
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
def models_remove(names: tuple[str, ...], models_dir: Path | None) -> None:
    """Remove installed packages by folder name (see `normalise models list`)."""
    store = ModelStore(models_dir or default_models_dir())
    for name in names:
        try:
            click.echo(f"removed {store.remove(name)}")
        except PackageError as error:
            raise ConfigError(str(error)) from None
