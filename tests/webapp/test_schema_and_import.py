"""The migrations build exactly the models' schema, and the catalogue import is complete and idempotent."""
from __future__ import annotations

import numpy as np
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Movie


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_import_loaded_every_movie_with_genres_years_and_rating_stats(app, tiny_dataset_dir):
    from movrec.dataset import load

    ds = load(tiny_dataset_dir)
    with app.app_context():
        movies = {m.id: m for m in db.session.scalars(select(Movie))}
    assert set(movies) == {m.movie_id for m in ds.movies}
    first = ds.movies[1]
    stored = movies[first.movie_id]
    assert (stored.title, stored.raw_title, stored.year, stored.genre_list) == \
        (first.title, first.raw_title, first.year, list(first.genres))
    mask = ds.ratings.movie_id == first.movie_id
    assert stored.rating_count == int(mask.sum())
    assert stored.rating_mean == round(float(np.mean(ds.ratings.stars[mask])), 4)


def test_import_command_is_idempotent(app, tiny_dataset_dir):
    result = app.test_cli_runner().invoke(args=["movrec", "import", "--data", str(tiny_dataset_dir)])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Movie)) == 120


def test_import_if_empty_keeps_a_filled_catalogue_without_reading_the_dataset(app, tmp_path):
    missing = str(tmp_path / "no-dataset-here")
    kept = app.test_cli_runner().invoke(args=["movrec", "import", "--if-empty", "--data", missing])
    assert kept.exit_code == 0, kept.output
    assert "catalogue already imported" in kept.output
    failed = app.test_cli_runner().invoke(args=["movrec", "import", "--data", missing])
    assert failed.exit_code != 0  # without the flag the dataset is read, and there is none
