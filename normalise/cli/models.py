"""``normalise models …``: manage Argos Translate packages. Nothing here runs during ``run``;
``pull`` is the only command that opens a network connection."""

from __future__ import annotations

import sys
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
@click.option(
    "--force",
    is_flag=True,
    help="Install an archive of a pinned package even if its size or sha256 is not the pinned one.",
)
def models_install(
    archives: tuple[Path, ...], models_dir: Path | None, replace: bool, force: bool
) -> None:
    """Install .argosmodel files into the store, offline. Each is validated first, and an
    archive of a pinned package must match its pinned sha256."""
    store = ModelStore(models_dir or default_models_dir())
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
def models_pull(
    langs: tuple[str, ...], models_dir: Path | None, mirror: str | None, trust_unpinned: bool
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

    store = ModelStore(models_dir or default_models_dir())
    failed: list[str] = []
    for lang in langs:
        with click.progressbar(length=0, label=f"{lang}→en", file=sys.stderr) as bar:
            try:
                pulled = pull(
                    store,
                    lang,
                    mirror=mirror,
                    trust_unpinned=trust_unpinned,
                    progress=_ProgressAdapter(bar),
                )
            except PackageError as error:
                click.echo(f"\nfailed: {lang}: {error}", err=True)
                failed.append(lang)
                continue
        click.echo(f"installed {pulled.package.name} in {store.root} (sha256 {pulled.sha256})")
        if pulled.trusted_now:
            click.echo(
                f"trusted on first use: {pulled.package.name} sha256 {pulled.sha256} is now "
                f"recorded in {store.root} and checked by install, pull and verify"
            )
    done = [lang for lang in langs if lang not in failed]
    click.echo(
        f"pulled {len(done)} of {len(langs)}: "
        + (", ".join(done) or "none")
        + (f"; failed: {', '.join(failed)}" if failed else ""),
        err=bool(failed),
    )
    if failed:
        raise ConfigError(f"{len(failed)} of {len(langs)} package(s) not installed")


class _ProgressAdapter:
    """Turns download(received, total) callbacks into progress bar increments."""

    def __init__(self, bar):
        self.bar, self.seen = bar, 0

    def __call__(self, received: int, total: int | None) -> None:
        if total and not self.bar.length:
            self.bar.length = total  # known once the transfer starts
        self.bar.update(received - self.seen)
        self.seen = received


@models.command("verify")
@models_dir_option
@click.pass_context
def models_verify(ctx: click.Context, models_dir: Path | None) -> None:
    """Re-hash installed packages: every file against its install record, and the archive
    against the pinned manifest. Exit code 3 if any package fails."""
    store = ModelStore(models_dir or default_models_dir())
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
def models_remove(names: tuple[str, ...], models_dir: Path | None) -> None:
    """Remove installed packages by folder name (see `normalise models list`)."""
    store = ModelStore(models_dir or default_models_dir())
    for name in names:
        try:
            click.echo(f"removed {store.remove(name)}")
        except PackageError as error:
            raise ConfigError(str(error)) from None
