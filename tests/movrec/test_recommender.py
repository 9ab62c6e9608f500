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


def test_for_user_excludes_rated_and_ranks_by_prediction(rec):
    picks = rec.for_user(3, 10)
    assert len(picks) == 10
    rated = rec.user_ratings(3)
    assert len(rated) == 50 and not set(rated) & {m for m, _ in picks}
    scores = [s for _, s in picks]
    assert scores == sorted(scores, reverse=True)
    row = rec.user_row(3)
    best_unrated = max((float(rec.artifacts.movie_vectors[i] @ rec.artifacts.user_vectors[row]), int(m))
                       for i, m in enumerate(rec.movie_ids) if int(m) not in rated)
    assert picks[0] == (best_unrated[1], pytest.approx(best_unrated[0], rel=1e-5))


def test_similar_is_cosine_without_the_movie_itself(rec):
    picks = rec.similar(10, 5)
    assert len(picks) == 5 and 10 not in {m for m, _ in picks}
    assert all(-1.0 <= s <= 1.0 + 1e-6 for _, s in picks)
    v = rec.artifacts.movie_vectors
    a, b = v[rec.movie_row(10)], v[rec.movie_row(picks[0][0])]
    assert picks[0][1] == pytest.approx(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)), rel=1e-5)


@pytest.mark.parametrize("k", [1, 5, 10, 25, 40])  # 40 > FAVOURITES: computed per call
def test_also_liked_gives_k_distinct_movies_without_the_movie(rec, k):
    picks = rec.also_liked(7, k)
    ids = [m for m, _ in picks]
    assert len(ids) == k and len(set(ids)) == k and 7 not in ids


def test_also_liked_uses_the_fans_favourites(rec):
    fans = np.argsort(-(rec.artifacts.user_vectors @ rec.artifacts.movie_vectors[rec.movie_row(7)]))[:20]
    favourites = set()
    for fan in fans:
        scores = rec.artifacts.movie_vectors @ rec.artifacts.user_vectors[fan]
        scores[rec.movie_row(7)] = -np.inf
        favourites.add(int(rec.movie_ids[int(np.argmax(scores))]))
    picks = {m for m, _ in rec.also_liked(7, len(favourites))}
    assert picks == favourites


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


def test_exploration_is_seeded_and_off_by_default(rec):
    assert rec.for_user(3, 5) == rec.for_user(3, 5)
    a = rec.for_user(3, 5, explore=True, top_n=30, seed=1)
    b = rec.for_user(3, 5, explore=True, top_n=30, seed=1)
    assert a == b and len(a) == 5
    draws = {tuple(m for m, _ in rec.for_user(3, 5, explore=True, top_n=30, seed=s)) for s in range(10)}
    assert len(draws) > 1
    top30 = {m for m, _ in rec.for_user(3, 30)}
    assert {m for m, _ in a} <= top30


def test_new_user_prior_comes_from_demographics(rec):
    picks = rec.for_new_user("F", 25, 3, {}, 10)
    assert len(picks) == 10
    assert rec.for_new_user("F", 25, 3, None, 10) == picks
    # an unseen occupation backs off to the coarser group instead of failing
    assert len(rec.for_new_user("M", 56, 20, {}, 10)) == 10


def test_fold_in_follows_the_users_ratings(rec, movies):
    genre = "Horror"
    horror = [m for m, movie in movies.items() if genre in movie.genres]
    rated = {m: 5 for m in horror[:6]}
    count = lambda picks: sum(genre in movies[m].genres for m, _ in picks)
    prior = rec.for_new_user("M", 25, 4, {}, 20)
    folded = rec.for_new_user("M", 25, 4, rated, 20)
    assert not set(rated) & {m for m, _ in folded}
    assert count(folded) > count(prior)


def test_because_names_a_liked_movie(rec):
    ratings = {5: 5, 9: 4, 11: 1}
    reason = rec.because(rec.for_new_user("F", 35, 1, ratings, 1)[0][0], ratings)
    assert reason in {5, 9}
    assert rec.because(20, {11: 1}) is None


def test_onboarding_spans_popular_movies(rec):
    chosen = rec.onboarding(12)
    assert len(chosen) == 12 == len(set(chosen))
    popularity = np.bincount(rec.artifacts.rated_movie_rows, minlength=len(rec.movie_ids))
    assert chosen[0] == int(rec.movie_ids[int(np.argmax(popularity))])


def test_rarely_rated_movies_are_not_recommended(tiny_artifacts_dir):
    strict = Recommender.load(tiny_artifacts_dir, min_ratings=30)
    popularity = np.bincount(strict.artifacts.rated_movie_rows, minlength=len(strict.movie_ids))
    allowed = {int(m) for m, n in zip(strict.movie_ids, popularity) if n >= 30}
    for picks in (strict.for_user(3, 10), strict.similar(1, 10), strict.also_liked(1, 10),
                  strict.for_new_user("F", 25, 3, {}, 10)):
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
    assert len(result.stdout.strip().splitlines()) == 3
    missing = subprocess.run([sys.executable, "-m", "movrec", "recommend", "--artifacts", str(tiny_artifacts_dir),
                              "--user", "999999"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "UnknownUser" in missing.stderr
