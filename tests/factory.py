"""Small generated datasets in the MovieLens 1M format, with the awkward cases of the real one.

Users have hidden genre tastes and rate accordingly, so a model trained for a few epochs on this data
learns something a test can check (for example that a horror fan gets horror).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movrec.dataset import AGE_BRACKETS, GENRES

SPECIAL_TITLES = [
    ("City of Lost Children, The (Cité des enfants perdus, La) (1995)", "Adventure|Sci-Fi"),
    ("Shawshank Redemption, The (1994)", "Drama"),
    ("Décalogue, Le (1988)", "Drama"),
    ("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb and Then Some More Words Too (1963)",
     "Sci-Fi|War"),
    ("Everything at Once (1999)", "|".join(GENRES)),  # every genre
    ("Seven (Se7en) (1995)", "Crime|Thriller"),
]

MAIN_GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Western"]


def write_ml1m(path: Path, n_users: int = 80, n_movies: int = 120, per_user: int = 50, seed: int = 7) -> Path:
    """Write users.dat, movies.dat and ratings.dat (latin-1, '::') into `path` and return it."""
    rng = np.random.default_rng(seed)
    path.mkdir(parents=True, exist_ok=True)
    movies = list(SPECIAL_TITLES)
    while len(movies) < n_movies:
        k = len(movies)
        genres = rng.choice(MAIN_GENRES, size=int(rng.integers(1, 3)), replace=False)
        movies.append((f"Movie Number {k} Part {k % 7} ({1930 + k % 70})", "|".join(sorted(genres))))
    genre_sets = [set(g.split("|")) for _, g in movies]
    with open(path / "movies.dat", "w", encoding="latin-1", newline="\n") as fh:
        for movie_id, (title, genres) in enumerate(movies, start=1):
            fh.write(f"{movie_id}::{title}::{genres}\n")

    ages = sorted(AGE_BRACKETS)
    taste = rng.normal(0, 0.3, size=(n_users, len(GENRES)))
    for u in range(n_users):  # each user loves one of the main genres and dislikes another
        loved, hated = rng.choice(MAIN_GENRES, size=2, replace=False)
        taste[u, GENRES.index(loved)] += 2.0
        taste[u, GENRES.index(hated)] -= 2.0
    popularity = rng.zipf(1.6, size=n_movies).astype(float)
    with open(path / "users.dat", "w", encoding="latin-1") as fh:
        for user_id in range(1, n_users + 1):
            fh.write(f"{user_id}::{'FM'[user_id % 2]}::{ages[user_id % 7]}::{user_id % 21}::{10000 + user_id}\n")
    with open(path / "ratings.dat", "w", encoding="latin-1") as fh:
        for u in range(n_users):
            affinity = np.array([np.mean([taste[u, GENRES.index(g)] for g in genres]) for genres in genre_sets])
            p = popularity * np.exp(affinity)  # people mostly watch (and so rate) what they expect to like
            for m in rng.choice(n_movies, size=per_user, replace=False, p=p / p.sum()):
                stars = int(np.clip(np.rint(3.3 + affinity[m] + rng.normal(0, 0.4)), 1, 5))
                fh.write(f"{u + 1}::{m + 1}::{stars}::{978300000 + int(m)}\n")
    return path
