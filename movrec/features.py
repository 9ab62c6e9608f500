"""Encoders that turn users and movies into the integer arrays the model reads.

The vocabularies are fitted on the dataset and saved with the model (`Encoders.to_dict`), so anything
encoded later is encoded exactly as in training.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .dataset import AGE_BRACKETS, GENDERS, GENRES, Dataset, Movie, User

TITLE_LEN = 15
GENRE_LEN = 18
PAD = "<PAD>"
UNK = "<UNK>"
_WORD = re.compile(r"[\w']+")


def title_words(movie: Movie) -> list[str]:
    """Lower-cased words of the title without its year (the year is a field of its own)."""
    return _WORD.findall(movie.title.lower())


@dataclass
class Encoders:
    """Vocabularies and category codes; index 0 of `genres` and `words` is the pad id."""

    genres: list[str] = field(default_factory=lambda: [PAD, *GENRES])
    words: list[str] = field(default_factory=lambda: [PAD, UNK])
    ages: list[int] = field(default_factory=lambda: sorted(AGE_BRACKETS))
    genders: list[str] = field(default_factory=lambda: list(GENDERS))
    n_occupations: int = 21
    title_len: int = TITLE_LEN
    genre_len: int = GENRE_LEN

    @classmethod
    def fit(cls, dataset: Dataset) -> "Encoders":
        """Build the title vocabulary from the dataset's movies (most frequent words first)."""
        counts: dict[str, int] = {}
        for movie in dataset.movies:
            for word in title_words(movie):
                counts[word] = counts.get(word, 0) + 1
        ordered = sorted(counts, key=lambda w: (-counts[w], w))
        return cls(words=[PAD, UNK, *ordered])

    def to_dict(self) -> dict:
        return {"genres": self.genres, "words": self.words, "ages": self.ages, "genders": self.genders,
                "n_occupations": self.n_occupations, "title_len": self.title_len, "genre_len": self.genre_len}

    @classmethod
    def from_dict(cls, data: dict) -> "Encoders":
        return cls(**data)

    def gender(self, value: str) -> int:
        return self.genders.index(value)

    def age(self, bracket: int) -> int:
        return self.ages.index(bracket)

    def encode_users(self, users: list[User]) -> dict[str, np.ndarray]:
        """Demographic columns for users, in the order given (the row is the user index)."""
        return {
            "gender": np.array([self.gender(u.gender) for u in users], np.int32),
            "age": np.array([self.age(u.age) for u in users], np.int32),
            "occupation": np.array([u.occupation for u in users], np.int32),
        }

    def encode_movies(self, movies: list[Movie]) -> dict[str, np.ndarray]:
        """Genre ids padded to `genre_len` and title word ids padded or cut to `title_len`."""
        genre_ids = {g: i for i, g in enumerate(self.genres)}
        word_ids = {w: i for i, w in enumerate(self.words)}
        unk = word_ids[UNK]
        genres = np.zeros((len(movies), self.genre_len), np.int32)
        titles = np.zeros((len(movies), self.title_len), np.int32)
        for row, movie in enumerate(movies):
            ids = [genre_ids[g] for g in movie.genres][: self.genre_len]
            genres[row, : len(ids)] = ids
            words = [word_ids.get(w, unk) for w in title_words(movie)][: self.title_len]
            titles[row, : len(words)] = words
        return {"genres": genres, "title": titles}


@dataclass(frozen=True)
class Features:
    """Everything the model trains on: per-user and per-movie columns plus ratings as row indices."""

    user_ids: np.ndarray      # dataset id of each user row
    movie_ids: np.ndarray     # dataset id of each movie row
    users: dict[str, np.ndarray]
    movies: dict[str, np.ndarray]
    rating_user: np.ndarray   # user row of each rating
    rating_movie: np.ndarray  # movie row of each rating
    stars: np.ndarray

    def rating_inputs(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Model inputs for the ratings at `index` (user and movie columns gathered by row)."""
        users, movies = self.rating_user[index], self.rating_movie[index]
        return {"user": users, **{k: v[users] for k, v in self.users.items()},
                "movie": movies, **{k: v[movies] for k, v in self.movies.items()}}

    def user_inputs(self) -> dict[str, np.ndarray]:
        return {"user": np.arange(len(self.user_ids), dtype=np.int32), **self.users}

    def movie_inputs(self) -> dict[str, np.ndarray]:
        return {"movie": np.arange(len(self.movie_ids), dtype=np.int32), **self.movies}


def build_features(dataset: Dataset, encoders: Encoders) -> Features:
    """Encode the dataset; user and movie rows follow the dataset's order."""
    user_ids = np.array([u.user_id for u in dataset.users], np.int64)
    movie_ids = np.array([m.movie_id for m in dataset.movies], np.int64)
    return Features(
        user_ids=user_ids,
        movie_ids=movie_ids,
        users=encoders.encode_users(dataset.users),
        movies=encoders.encode_movies(dataset.movies),
        rating_user=rows_of(user_ids, dataset.ratings.user_id),
        rating_movie=rows_of(movie_ids, dataset.ratings.movie_id),
        stars=dataset.ratings.stars.astype(np.float32),
    )


def rows_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Row index in `ids` of each of `values` (all must be present)."""
    order = np.argsort(ids)
    return order[np.searchsorted(ids, values, sorter=order)].astype(np.int32)
