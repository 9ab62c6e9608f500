"""The `flask movrec ...` commands: import the catalogue, queue Douban fetches by hand, grant admin rights."""
from __future__ import annotations

import getpass

import click
from flask import current_app
from flask.cli import AppGroup
from movrec import dataset
from sqlalchemy import select

from webapp.douban.enqueue import due_movie_ids, enqueue
from webapp.douban.names import BACKFILL_QUEUE, INTERACTIVE_QUEUE
from webapp.extensions import db
from webapp.models import Movie
from webapp.services.catalog import import_catalog
from webapp.services.roles import UnknownAccount, admin_grants, grant_admin, revoke_admin

movrec_cli = AppGroup("movrec", help="movrec maintenance commands.")


@movrec_cli.command("import")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="MovieLens folder (default: MOVREC_DATA_DIR, else the download cache).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the catalogue already holds movies (so a restart needs no dataset).")
def import_command(data_dir: str | None, if_empty: bool) -> None:
    """Load the catalogue (movies, genres, years, rating counts) from the dataset; safe to repeat."""
    if if_empty and db.session.scalar(select(Movie.id).limit(1)) is not None:
        click.echo("catalogue already imported: kept (set MOVREC_DATA_DIR to import again)")
        return
    ds = dataset.load(data_dir or current_app.config["MOVREC_DATA_DIR"])
    click.echo(ds.summary())
    result = import_catalog(ds)
    click.echo(f"movies: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")


@movrec_cli.command("scrape")
@click.option("--movie", "movie_ids", type=int, multiple=True, help="This movie (repeatable), now, even if cached.")
@click.option("--missing", "mode", flag_value="missing", default=True,
              help="Movies without info or due a retry (the default).")
@click.option("--all", "mode", flag_value="all", help="Every movie, cached or not (a full refresh).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many, most rated first.")
def scrape(movie_ids: tuple[int, ...], mode: str, limit: int | None) -> None:
    """Queue Douban info fetches: single movies on the interactive queue, bulk on the backfill queue."""
    if movie_ids:
        ids, queue, force = list(movie_ids), INTERACTIVE_QUEUE, True
    elif mode == "all":
        query = select(Movie.id).order_by(Movie.rating_count.desc(), Movie.id).limit(limit)
        ids, queue, force = list(db.session.scalars(query)), BACKFILL_QUEUE, True
    else:
        ids, queue, force = due_movie_ids(limit or 1_000_000), BACKFILL_QUEUE, False
    sent, error = enqueue(ids, queue, force=force)
    click.echo(f"queued {len(sent)} of {len(ids)} movies on {queue}")
    if error is not None:
        raise click.ClickException(f"broker unavailable: {error}")


@movrec_cli.group("admin")
def admin_cli() -> None:
    """Admin rights (the /admin/ pages), stored per account."""


@admin_cli.command("grant")
@click.argument("name")
@click.option("--by", "granted_by", default=None, help="Who grants it, as recorded (default: your login name).")
def admin_grant(name: str, granted_by: str | None) -> None:
    """Make the account NAME an admin."""
    try:
        grant, new = grant_admin(name, granted_by or getpass.getuser())
    except UnknownAccount:
        raise click.ClickException(f"no account named {name!r}") from None
    state = "granted" if new else "already an admin since"
    click.echo(f"{grant.user.username}: {state} {grant.granted_at:%Y-%m-%d %H:%M} UTC by {grant.granted_by}")


@admin_cli.command("revoke")
@click.argument("name")
def admin_revoke(name: str) -> None:
    """Take admin rights from the account NAME."""
    try:
        removed = revoke_admin(name)
    except UnknownAccount:
        raise click.ClickException(f"no account named {name!r}") from None
    click.echo(f"{name}: admin rights revoked" if removed else f"{name}: was not an admin")


@admin_cli.command("list")
def admin_list() -> None:
    """The admins, who granted each and when."""
    for grant in admin_grants():
        click.echo(f"{grant.user.username}\t{grant.granted_at:%Y-%m-%d %H:%M} UTC\t{grant.granted_by}")
