"""The recommender's contract: k results, exclusions, unknown ids, determinism, fold-in."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from movrec.dataset import load
from movrec.recommender import Recommender, UnknownMovie, UnknownUser


@pytest.fixture(scope="module")
def rec(tiny_artifacts_dir):
    return Recommender.load(tiny_artifacts_dir, min_ratings=1)


@pytest.fixture(scope="module")
def movies(tiny_dataset_dir):
    return {m.movie_id: m for m in load(tiny_dataset_dir).movies}


def test_for_user_excludes_rated_and_ranks_by_the_blend(rec):
    """Picks are the top of the towers' logits blended with EASE's scores of the user's rated movies."""
    from movrec import ease

    picks = rec.for_user(3, 10)
    assert len(picks) == 10
    rated = rec.user_ratings(3)
    assert 0 < len(rated) < 50 and not set(rated) & {m for m, _ in picks}  # training ratings only
    scores = [s for _, s in picks]
    assert scores == sorted(scores, reverse=True)
    a, rated_rows = rec.artifacts, [rec.movie_row(m) for m in rated]
    dense = np.zeros((len(rec.movie_ids), len(rec.movie_ids)))
    np.put_along_axis(dense, a.ease_rows.astype(np.int64), a.ease_weights, axis=1)
    blended = ease.blend(a.movie_vectors @ a.user_vectors[rec.user_row(3)], dense[rated_rows].sum(axis=0),
                         len(rated))
    best_unrated = max((float(blended[i]), int(m)) for i, m in enumerate(rec.movie_ids) if int(m) not in rated)
    assert picks[0] == (best_unrated[1], pytest.approx(best_unrated[0], rel=1e-5))


def test_similar_blends_the_towers_cosine_with_co_ratings(rec):
    """The served list is the top of `similar_scores` over the bundle's own training ratings and movie
    vectors, without the movie itself or movies too rarely rated to recommend."""
    from movrec import co_ratings

    a = rec.artifacts
    rated = np.zeros((len(rec.user_ids), len(rec.movie_ids)), np.float32)
    rated[np.repeat(np.arange(len(rec.user_ids)), np.diff(a.rated_indptr)), a.rated_movie_rows] = 1.0
    scores = co_ratings.similar_scores(rated, a.movie_vectors)[rec.movie_row(10)]
    scores[[rec.movie_row(10), *np.flatnonzero(rated.sum(axis=0) < 1)]] = -np.inf  # the fixture's min_ratings
    expected = [int(rec.movie_ids[r]) for r in np.argsort(-scores, kind="stable")[:5]]
    picks = rec.similar(10, 5)
    assert [m for m, _ in picks] == expected
    assert [s for _, s in picks] == pytest.approx(sorted(scores, reverse=True)[:5], rel=1e-5)


def test_also_liked_comes_from_people_who_liked_the_movie(rec):
    movie = int(rec.movie_ids[int(np.argmax(np.bincount(rec.artifacts.rated_movie_rows)))])
    picks = rec.also_liked(movie, 10)
    ids = [m for m, _ in picks]
    assert ids and len(set(ids)) == len(ids) and movie not in ids
    assert [s for _, s in picks] == sorted((s for _, s in picks), reverse=True)
    fans = {u for u in rec.user_ids if rec.user_ratings(u).get(movie, 0) >= 4}
    for other in ids:  # every movie listed was liked by at least MIN_FANS of the movie's fans
        assert sum(rec.user_ratings(u).get(other, 0) >= 4 for u in fans) >= 3


def test_dataset_users_keep_their_demographics(rec):
    # tests/factory.py: user u is "FM"[u % 2], age bracket number u % 7, occupation u % 21
    assert rec.user_demographics(1) == ("M", 18, 1)
    assert rec.user_demographics(7) == ("M", 1, 7)
    assert rec.user_demographics(22) == ("F", 18, 1)


def test_unknown_ids_raise_specific_errors(rec):
    with pytest.raises(UnknownUser):
        rec.for_user(10**6)
    with pytest.raises(UnknownMovie):
        rec.similar(10**6)
    with pytest.raises(UnknownMovie):
        rec.also_liked("not-a-number")
    with pytest.raises(UnknownMovie):
        rec.for_new_user("F", 25, 3, {10**6: 5})
    assert isinstance(UnknownMovie(1), LookupError)


def test_new_member_with_no_ratings_gets_picks_from_demographics(rec):
    picks = rec.for_new_user("F", 25, 3, {}, 10)
    assert len(picks) == 10
    assert rec.for_new_user("F", 25, 3, None, 10) == picks
    assert rec.for_new_user("M", 56, 20, {}, 10) != picks


def test_new_member_picks_leave_out_excluded_movies_and_keep_the_order(rec):
    picks = [m for m, _ in rec.for_new_user("F", 25, 3, {}, 10)]
    rated = {picks[5]: 4}
    excluded = [picks[0], picks[2], 10**6]  # an id the model does not know is ignored
    without = [m for m, _ in rec.for_new_user("F", 25, 3, rated, 10, exclude=excluded)]
    assert len(without) == 10 and not set(without) & {picks[0], picks[2], picks[5]}
    ranked = [m for m, _ in rec.for_new_user("F", 25, 3, rated, 13)]
    assert without == [m for m in ranked if m not in excluded][:10]


def test_new_member_vectors_are_the_user_towers_output(rec, tiny_artifacts_dir):
    """The numpy forward pass gives what the Keras tower gives for the same answers."""
    import keras

    tower = keras.models.load_model(tiny_artifacts_dir / "user_tower.keras")
    ratings = {5: 5, 9: 2, 30: 4}
    rated = np.zeros((1, len(rec.movie_ids)), np.float32)
    stars = np.zeros_like(rated)
    for movie, given in ratings.items():
        rated[0, rec.movie_row(movie)], stars[0, rec.movie_row(movie)] = 1.0, given
    encoders = rec.artifacts.encoders
    query, rating = tower.predict({"gender": np.array([encoders["genders"].index("F")], np.int32),
                                   "age": np.array([encoders["ages"].index(25)], np.int32),
                                   "occupation": np.array([3], np.int32), "rated": rated, "stars": stars}, verbose=0)
    mine_query, mine_rating = rec.new_user_vectors("F", 25, 3, ratings)
    np.testing.assert_allclose(mine_query, query[0], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mine_rating, rating[0], rtol=1e-4, atol=1e-4)


def test_new_member_vectors_stay_float32(rec):
    """A float64 query vector would turn every product with the float32 movie matrices into a copy."""
    for ratings in ({}, {5: 5, 9: 2}):
        assert {v.dtype for v in rec.new_user_vectors("M", 35, 7, ratings)} == {np.dtype(np.float32)}


def test_picks_follow_the_new_members_ratings(rec, movies):
    genre = "Horror"
    horror = [m for m, movie in movies.items() if genre in movie.genres]
    rated = {m: 5 for m in horror[:6]}
    count = lambda picks: sum(genre in movies[m].genres for m, _ in picks)
    prior = rec.for_new_user("M", 25, 4, {}, 20)
    folded = rec.for_new_user("M", 25, 4, rated, 20)
    assert not set(rated) & {m for m, _ in folded}
    assert count(folded) > count(prior)


def test_because_names_only_a_liked_movie_that_drives_the_pick(rec):
    from movrec import ease

    ratings = {5: 5, 9: 4, 11: 1}
    picks = [m for m, _ in rec.for_new_user("F", 35, 1, ratings, 10)]
    query = rec.new_user_vectors("F", 35, 1, ratings)[0]
    reasons = rec.because(query, ratings, picks)
    assert list(reasons) == picks and set(reasons.values()) <= {5, 9, None}
    a, rows = rec.artifacts, np.array([rec.movie_row(m) for m in ratings])
    dense = np.zeros((len(rec.movie_ids), len(rec.movie_ids)))
    np.put_along_axis(dense, a.ease_rows.astype(np.int64), a.ease_weights, axis=1)
    tower_sd, ease_sd = np.std(a.movie_vectors @ query), np.std(dense[rows].sum(axis=0))
    for movie, reason in reasons.items():
        if reason is not None:  # the named movie gives the largest share of the pick's blended score
            column = rec.movie_row(movie)
            parts = a.user_encoder.contributions(rows, np.array(list(ratings.values()), np.float32)) \
                @ a.movie_vectors[column] / tower_sd + ease.weight(len(rows)) * dense[rows, column] / ease_sd
            assert list(ratings)[int(np.argmax(parts))] == reason
    disliked = {11: 1}
    assert rec.because(rec.new_user_vectors("F", 35, 1, disliked)[0], disliked, [20]) == {20: None}
    assert rec.because(rec.new_user_vectors("F", 35, 1, {})[0], {}, [20]) == {20: None}


def test_predicted_stars_are_clipped_to_the_scale(rec):
    stars = rec.predicted_stars(rec.user_rating_vector(3) * 100, rec.user_ratings(3), [m for m, _ in rec.for_user(3, 10)])
    assert len(stars) == 10 and all(1.0 <= s <= 5.0 for s in stars)
    assert min(stars) == 1.0 or max(stars) == 5.0


def test_onboarding_spans_popular_movies(rec):
    chosen = rec.onboarding(12)
    assert len(chosen) == 12 == len(set(chosen))
    popularity = np.bincount(rec.artifacts.rated_movie_rows, minlength=len(rec.movie_ids))
    assert chosen[0] == int(rec.movie_ids[int(np.argmax(popularity))])


def test_rarely_rated_movies_are_not_recommended(tiny_artifacts_dir):
    strict = Recommender.load(tiny_artifacts_dir, min_ratings=30)
    popularity = np.bincount(strict.artifacts.rated_movie_rows, minlength=len(strict.movie_ids))
    allowed = {int(m) for m, n in zip(strict.movie_ids, popularity) if n >= 30}
    for picks in (strict.for_user(3, 10), strict.similar(1, 10), strict.for_new_user("F", 25, 3, {}, 10)):
        assert picks and {m for m, _ in picks} <= allowed


def test_recommender_never_imports_tensorflow(tiny_artifacts_dir):
    code = (
        "import sys; from movrec.recommender import Recommender; "
        f"r = Recommender.load({str(tiny_artifacts_dir)!r}); "
        "r.for_user(3); r.similar(1); r.also_liked(1); r.for_new_user('F', 25, 3, {1: 5}); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TensorFlow was imported'; "
        "print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_cli_prints_titles(tiny_artifacts_dir):
    result = subprocess.run([sys.executable, "-m", "movrec", "recommend", "--artifacts", str(tiny_artifacts_dir),
                             "--similar", "2", "-k", "3"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 4  # a header, then three movies
    user = subprocess.run([sys.executable, "-m", "movrec", "recommend", "--artifacts", str(tiny_artifacts_dir),
                           "--user", "3", "-k", "5"], capture_output=True, text=True, timeout=60)
    assert user.returncode == 0, user.stderr
    assert all(1.0 <= float(line.split()[0]) <= 5.0 for line in user.stdout.strip().splitlines()[1:])
    missing = subprocess.run([sys.executable, "-m", "movrec", "recommend", "--artifacts", str(tiny_artifacts_dir),
                              "--user", "999999"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "UnknownUser" in missing.stderr


def test_explained_picks_are_a_page_of_the_picks_with_their_reasons(rec):
    ratings = {m: 5 for m, _ in rec.for_user(3, 4)} | {m: 2 for m, _ in rec.similar(11, 2)}
    query = rec.new_user_vectors("F", 35, 1, ratings)[0]
    hidden = [m for m, _ in rec.for_query_vector(query, ratings, 2)]
    picks, reasons = rec.explained_picks(query, ratings, k=8, exclude=hidden, start=3)
    assert picks == rec.for_query_vector(query, ratings, 8, exclude=hidden)[3:]
    assert reasons == rec.because(query, ratings, [m for m, _ in picks]) and len(reasons) == 5
