"""Encoding users and movies as the original project did."""

from __future__ import annotations

import numpy as np

from movrec.dataset import load
from movrec.features import GENRE_LEN, TITLE_LEN, Encoders, build_features


def test_encoders_round_trip_and_shapes(tiny_dataset_dir):
    ds = load(tiny_dataset_dir)
    encoders = Encoders.fit(ds)
    again = Encoders.from_dict(encoders.to_dict())
    assert again == encoders
    features = build_features(ds, again)
    assert features.movies["genres"].shape == (120, GENRE_LEN)
    assert features.movies["title"].shape == (120, TITLE_LEN)
    assert set(np.unique(features.users["gender"])) == {0, 1}
    assert features.users["age"].max() == 6 and features.users["occupation"].max() <= 20
    assert len(features.stars) == 4000


def test_titles_drop_the_year_and_cut_long_titles(tiny_dataset_dir):
    ds = load(tiny_dataset_dir)
    encoders = Encoders.fit(ds)
    titles = encoders.encode_movies(ds.movies)["title"]
    assert "1995" not in encoders.words
    long_title = titles[3]
    assert (long_title > 0).all()  # 19 words cut to 15, no padding left
    city = [encoders.words[i] for i in titles[0] if i]
    assert city[:5] == ["the", "city", "of", "lost", "children"] and "cité" in city


def test_genres_padded_with_pad_id_zero(tiny_dataset_dir):
    ds = load(tiny_dataset_dir)
    genres = Encoders.fit(ds).encode_movies(ds.movies)["genres"]
    assert (genres[4] > 0).all()  # a movie with all 18 genres fills the row
    assert (genres[1][1:] == 0).all() and genres[1][0] > 0  # Drama only


def test_unknown_words_map_to_unk(tiny_dataset_dir):
    ds = load(tiny_dataset_dir)
    encoders = Encoders.fit(ds)
    from dataclasses import replace
    movie = replace(ds.movies[1], title="Zyzzyva Redemption")
    ids = encoders.encode_movies([movie])["title"][0]
    assert ids[0] == encoders.words.index("<UNK>")
