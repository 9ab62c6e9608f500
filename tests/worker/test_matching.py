"""Choosing the Douban candidate that is the same film as a MovieLens title (parsed by movrec.dataset)."""
from __future__ import annotations

from movrec.dataset import MovieTitle, parse_title

from tests.worker.recordings import read
from worker.douban import DoubanRecord, parse_search, parse_suggest
from worker.matching import choose, match_key, search_queries


def test_match_key_folds_accents_case_punctuation_and_ampersand():
    assert match_key("Les Misérables") == match_key("LES MISERABLES") == "les miserables"
    assert match_key("Alien³") == "alien3"
    assert match_key("Sense & Sensibility") == match_key("Sense and Sensibility")
    assert match_key("Leon: The Professional") == "leon the professional"


def test_search_queries_title_and_alternates_with_year():
    movie = parse_title("Postino, Il (The Postman) (1994)")
    assert search_queries(movie) == ["Il Postino 1994", "The Postman 1994"]


def rec(original, year, kind=None, douban_id="1", title="片名", votes=None):
    return DoubanRecord(douban_id, title, original, year, None, None, votes=votes, kind=kind)


def test_choose_matches_original_title_and_year():
    movie = parse_title("Extraction (2020)")
    assert choose(movie, parse_suggest(read("suggest_jingtian_yingjiu_2023.json"))).douban_id == "30314127"


def test_choose_accepts_a_year_off_by_one_but_not_two():
    movie = parse_title("Extraction (2021)")
    assert choose(movie, [rec("Extraction", 2020)]) is not None
    assert choose(parse_title("Extraction (2022)"), [rec("Extraction", 2020)]) is None


def test_choose_prefers_film_over_series_and_exact_year():
    movie = parse_title("Fargo (1996)")
    cands = [rec("Fargo", 1996, kind="tv", douban_id="tv"), rec("Fargo", 1997, kind="movie", douban_id="film")]
    assert choose(movie, cands).douban_id == "film"
    cands = [rec("Fargo", 1997, douban_id="late"), rec("Fargo", 1996, douban_id="same")]
    assert choose(movie, cands).douban_id == "same"


def test_choose_matches_alternate_title_and_accents():
    assert choose(parse_title("Hate (Haine, La) (1995)"), [rec("La haine", 1995)]) is not None
    assert choose(parse_title("Misérables, Les (1995)"), [rec("Les Miserables", 1995)]) is not None


def test_choose_records_not_found_rather_than_a_wrong_match():
    movie = parse_title("Toy Story (1995)")
    assert choose(movie, [rec("Toy Story 2", 1999), rec("Toy Soldiers", 1995), rec("Toy Story", None)]) is None
    assert choose(movie, []) is None
    assert choose(parse_title("Toy Story 2 (1999)"), [rec("Toy Story 3", 1999)]) is None


def test_choose_on_recorded_search_page():
    records = parse_search(read("www_search_cat1002_nigeruha.html"))
    movie = MovieTitle("逃げるは恥だが役に立つ", (), 2016)
    assert choose(movie, records).douban_id == "26816519"
    assert choose(MovieTitle("逃げるは恥だが役に立つ", (), 2019), records) is None
