"""`flask movrec scrape`: queue Douban fetches for catalogue movies that have no info yet."""
import click
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Movie, MovieInfo
from webapp.scraping import request_info


@click.command("scrape")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="How many movies to queue, most rated first.")
def scrape(limit: int) -> None:
    """Queue the most-rated movies without Douban info on the backfill queue."""
    query = (select(Movie.id).outerjoin(MovieInfo).where(MovieInfo.movie_id.is_(None))
             .order_by(Movie.rating_count.desc(), Movie.id).limit(limit))
    queued = request_info(db.session.scalars(query), interactive=False)
    click.echo(f"queued {len(queued)} movies")
