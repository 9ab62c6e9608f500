"""From a MovieLens movie to its Douban record: search, fall back to suggest, choose, enrich, poster."""
from __future__ import annotations

import dataclasses
import logging

from movrec.dataset import MovieTitle

from worker.client import DoubanClient, Postpone, SubjectUnavailable, Transient
from worker.douban import Blocked, DoubanRecord, ParseError, SubjectGone
from worker.matching import choose, search_queries
from worker.posters import NotAnImage, large_url, store_poster

log = logging.getLogger(__name__)
MAX_SEARCHES = 2


def find(client: DoubanClient, movie: MovieTitle) -> DoubanRecord | None:
    """The Douban record of ``movie``, or ``None`` (not found). Search pages first, then the suggest JSON.

    Raises :class:`ParseError` when nothing matched and a response could not be read, and lets ``Blocked``,
    ``Transient`` and ``Postpone`` through for the task to handle.
    """
    parse_errors = []
    for query in search_queries(movie)[:MAX_SEARCHES]:
        try:
            chosen = choose(movie, client.search(query))
        except ParseError as exc:
            parse_errors.append(f"search page: {exc}")
            break
        if chosen is not None:
            return chosen
    try:
        chosen = choose(movie, client.suggest(movie.title))
    except ParseError as exc:
        parse_errors.append(f"suggest: {exc}")
        chosen = None
    if chosen is None and parse_errors:
        raise ParseError("; ".join(parse_errors))
    return chosen


def enrich(client: DoubanClient, record: DoubanRecord) -> DoubanRecord:
    """Add the subject page's vote count, rating and poster; any failure leaves ``record`` as it was."""
    try:
        subject = client.subject(record.douban_id)
    except (SubjectUnavailable, SubjectGone, ParseError, Transient, Postpone, Blocked) as exc:
        log.info("subject page of %s skipped: %s", record.douban_id, exc)
        return record
    if subject.douban_id != record.douban_id:
        return record
    return dataclasses.replace(
        record, title=subject.title or record.title, votes=subject.votes,
        rating=subject.rating if subject.rating is not None else record.rating,
        poster_url=subject.poster_url or record.poster_url, kind=subject.kind, imdb_id=subject.imdb_id)


def fetch_poster(client: DoubanClient, poster_dir: str, movie_id: int,
                 record: DoubanRecord) -> tuple[str | None, str | None]:
    """Download the large poster and store it: ``(relative path, None)`` or ``(None, why not)``."""
    if not record.poster_url or not record.poster_url.startswith(("http://", "https://")):
        return None, "no poster URL"
    try:
        return store_poster(poster_dir, movie_id, client.image(large_url(record.poster_url))), None
    except (NotAnImage, Transient, Postpone, Blocked) as exc:
        return None, f"{exc.__class__.__name__}: {exc}"
