"""From a MovieLens movie to its Douban record: search, fall back to suggest, choose, confirm on the subject
page, poster."""
from __future__ import annotations

import dataclasses
import logging

from movrec.dataset import MovieTitle

from worker.client import DoubanClient, Postpone, Refused, SubjectUnavailable, Transient
from worker.confirmation import confirms_names, confirms_year, refutes
from worker.douban import Blocked, DoubanRecord, ParseError, SubjectGone
from worker.matching import other_titles, search_queries, title_matches, year_gap
from worker.posters import MAX_BYTES, NotAnImage, large_url, store_poster

log = logging.getLogger(__name__)
MAX_SEARCHES = 2
MAX_SUBJECT_PAGES = 3  # per lookup: each one is a page of the shared budget


class SubjectPages:
    """The subject pages of one lookup, each read at most once, at most ``limit`` of them."""

    def __init__(self, client: DoubanClient, limit: int = MAX_SUBJECT_PAGES):
        self.client = client
        self.limit = limit if client.settings.fetch_subject else 0
        self.pages: dict[str, DoubanRecord | None] = {}

    def read(self, douban_id: str) -> DoubanRecord | None:
        """The parsed page, or ``None`` when it cannot be had now (turned off, paused behind a challenge, over
        the limit, another subject). Raises ``SubjectGone`` and ``ParseError``; lets ``Blocked``, ``Transient``
        and ``Postpone`` through for the task to handle."""
        if douban_id in self.pages:
            return self.pages[douban_id]
        if len(self.pages) >= self.limit:
            return None
        self.pages[douban_id] = None
        try:
            subject = self.client.subject(douban_id)
        except SubjectUnavailable as exc:
            log.info("subject page of %s unavailable: %s", douban_id, exc)
            return None
        self.pages[douban_id] = subject if subject.douban_id == douban_id else None
        return self.pages[douban_id]


def find(client: DoubanClient, movie: MovieTitle, imdb_id: str | None = None) -> DoubanRecord | None:
    """The Douban record of ``movie``, or ``None`` (not found). Search pages first, then the suggest JSON;
    candidates are checked, and some confirmed, on their subject page (``imdb_id`` where the catalogue knows it).

    Raises :class:`ParseError` when nothing matched and a response could not be read, and lets ``Blocked``,
    ``Transient`` and ``Postpone`` through for the task to handle.
    """
    subjects, tried, parse_errors = SubjectPages(client), set(), []
    sources = [("search page", client.search, query) for query in search_queries(movie)[:MAX_SEARCHES]]
    sources.append(("suggest", client.suggest, movie.title))
    for source, fetch, query in sources:
        if parse_errors and source == "search page":
            continue  # one unreadable search page is enough: on to the suggestions
        try:
            candidates = fetch(query)
        except ParseError as exc:
            parse_errors.append(f"{source}: {exc}")
            continue
        chosen = pick(movie, candidates, subjects, tried, imdb_id)
        if chosen is not None:
            return chosen
    if parse_errors:
        raise ParseError("; ".join(parse_errors))
    return None


def pick(movie: MovieTitle, candidates: list[DoubanRecord], subjects: SubjectPages, tried: set[str],
         imdb_id: str | None = None) -> DoubanRecord | None:
    """The first candidate that is the movie: matching titles first, then films of about its year that the
    subject page confirms. ``tried`` holds the ids already judged in this lookup (judged once)."""
    for cand in title_matches(movie, candidates):
        if cand.douban_id in tried:
            continue
        tried.add(cand.douban_id)
        readable, subject = _subject(subjects, cand)
        if subject is None:
            if readable and year_gap(movie, cand) == 0:
                return cand  # the search's word for it: the subject page cannot be had now
            continue
        why_not = refutes(subject, imdb_id)
        if why_not is None and year_gap(movie, cand) and not confirms_year(movie, subject, imdb_id):
            why_not = f"released {subject.year}, not in {movie.year}"
        if why_not is None:
            return merged(cand, subject)
        log.info("candidate %s (%s) rejected: %s", cand.douban_id, cand.original_title, why_not)
    for cand in other_titles(movie, candidates):
        if cand.douban_id in tried:
            continue
        tried.add(cand.douban_id)
        _, subject = _subject(subjects, cand)
        if subject is not None and refutes(subject, imdb_id) is None and confirms_names(movie, subject, imdb_id):
            log.info("candidate %s (%s) confirmed by its subject page", cand.douban_id, cand.title)
            return merged(cand, subject)
    return None


def _subject(subjects: SubjectPages, cand: DoubanRecord) -> tuple[bool, DoubanRecord | None]:
    """``(False, None)`` when the page says the entry is gone or cannot be read: the candidate is dropped."""
    try:
        return True, subjects.read(cand.douban_id)
    except (SubjectGone, ParseError) as exc:
        log.info("subject page of %s unreadable: %s", cand.douban_id, exc)
        return False, None


def merged(record: DoubanRecord, subject: DoubanRecord) -> DoubanRecord:
    """The search record completed by its subject page: title, votes, rating, poster, kind, IMDb id, 又名."""
    return dataclasses.replace(
        record, title=subject.title or record.title, votes=subject.votes,
        rating=subject.rating if subject.rating is not None else record.rating,
        poster_url=subject.poster_url or record.poster_url, kind=subject.kind, imdb_id=subject.imdb_id,
        aka=subject.aka, release_years=subject.release_years)


def fetch_poster(client: DoubanClient, poster_dir: str, movie_id: int,
                 record: DoubanRecord) -> tuple[str | None, str | None]:
    """Download the large poster and store it: ``(relative path, None)`` or ``(None, why not)``."""
    if not record.poster_url or not record.poster_url.startswith(("http://", "https://")):
        return None, "no poster URL"
    try:
        return store_poster(poster_dir, movie_id, client.image(large_url(record.poster_url), MAX_BYTES)), None
    except (NotAnImage, Refused, Transient, Postpone, Blocked) as exc:
        return None, f"{exc.__class__.__name__}: {exc}"
