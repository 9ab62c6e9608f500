"""Claiming movies for a fetch (duplicates suppressed until done or stale) and picking the backfill's movies,
on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.worker_setup import RECORD, info
from webapp.douban.enqueue import claim, due_movie_ids
from webapp.extensions import db
from webapp.models import MovieInfo, utcnow
from worker import cache


def test_claims_suppress_duplicates_until_done_or_stale(worker_app):
    assert claim([1, 2, 999]) == [1, 2]  # unknown movies are ignored
    assert claim([1, 2]) == []
    cache.record_ok(1, RECORD, None, None, refresh_days=30)
    assert info(1).is_fresh(utcnow())
    assert claim([1]) == []  # fresh
    assert claim([1], force=True) == [1]  # by hand, even when fresh
    assert info(1).next_attempt_at is None
    stale = utcnow() - timedelta(hours=2)
    db.session.execute(update(MovieInfo).where(MovieInfo.movie_id == 2).values(queued_at=stale))
    db.session.commit()
    assert claim([2]) == [2]  # a claim this old is taken as lost


def test_due_movies_are_the_most_rated_without_fresh_info(worker_app):
    assert due_movie_ids(3) == [1, 3, 2]
    cache.record_ok(1, RECORD, None, None, refresh_days=30)
    claim([3])
    assert due_movie_ids(3) == [2, 5, 4]
