"""The rules kept on the models: the info status values, and when a movie is due a fetch (the same in
Python on loaded rows and in SQL, on SQLite and PostgreSQL)."""
from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import REQUEUE_AFTER, InfoStatus, Movie, MovieInfo, utcnow


def test_statuses_read_back_as_the_enum_and_only_ok_and_not_found_are_settled(app):
    assert [s for s in InfoStatus if MovieInfo(status=s).is_settled] == [InfoStatus.OK, InfoStatus.NOT_FOUND]
    with app.app_context():
        db.session.add(MovieInfo(movie_id=1, status="not_found"))
        db.session.commit()
        db.session.expire_all()
        movie = db.session.get(Movie, 1)
        assert movie.info.status is InfoStatus.NOT_FOUND and not movie.info_pending
        assert db.session.get(Movie, 2).info_pending  # no row yet


def test_the_fetch_due_rule_is_the_same_in_python_and_in_sql(app):
    now = utcnow()
    times = {"unset": None, "past": now - timedelta(minutes=1), "future": now + timedelta(minutes=1),
             "stale claim": now - REQUEUE_AFTER - timedelta(minutes=1)}
    cases = list(itertools.product(times, times, InfoStatus))
    with app.app_context():
        for movie_id, (queued, next_attempt, status) in enumerate(cases, start=1):
            db.session.add(MovieInfo(movie_id=movie_id, status=status, queued_at=times[queued],
                                     next_attempt_at=times[next_attempt]))
        db.session.commit()
        db.session.expire_all()
        rows = {row.movie_id: row for row in db.session.scalars(select(MovieInfo))}
        in_python = {i for i, row in rows.items() if row.is_due(now)}
        in_sql = set(db.session.scalars(select(MovieInfo.movie_id).where(MovieInfo.is_due(now))))
        expected = {i for i, (queued, next_attempt, _) in enumerate(cases, start=1)
                    if queued in ("unset", "stale claim") and next_attempt != "future"}
        assert in_python == in_sql == expected
        fresh = {i for i, row in rows.items() if row.is_fresh(now)}
        assert fresh == {i for i, (_, next_attempt, status) in enumerate(cases, start=1)
                         if next_attempt == "future" and status != InfoStatus.PENDING}
