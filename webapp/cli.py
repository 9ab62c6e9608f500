"""The `flask movrec ...` command group."""
import click
from flask import current_app
from flask.cli import AppGroup
from movrec import dataset
from sqlalchemy import select

from webapp.catalog_import import import_catalog
from webapp.cli_scrape import scrape
from webapp.extensions import db
from webapp.models import Movie

movrec_cli = AppGroup("movrec", help="movrec maintenance commands.")
movrec_cli.add_command(scrape)


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
