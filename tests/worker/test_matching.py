"""Which Douban candidates may be the same film as a MovieLens title (parsed by movrec.dataset)."""
from __future__ import annotations

from movrec.dataset import MovieTitle, parse_title

from tests.worker.recordings import read
from worker.douban import DoubanRecord, parse_search, parse_suggest
from worker.matching import is_film, other_titles, search_queries, title_matches


def test_search_queries_title_and_alternates_with_year():
    movie = parse_title("Postino, Il (The Postman) (1994)")
    assert search_queries(movie) == ["Il Postino 1994", "The Postman 1994"]


def rec(original, year, kind=None, douban_id="1", title="片名", votes=None):
    return DoubanRecord(douban_id, title, original, year, None, None, votes=votes, kind=kind)


def ids(movie, candidates):
    return [c.douban_id for c in title_matches(movie, candidates)]


def test_original_title_and_year_on_a_recorded_suggestion():
    movie = parse_title("Extraction (2020)")
    assert ids(movie, parse_suggest(read("suggest_jingtian_yingjiu_2023.json"))) == ["30314127"]


def test_an_exact_title_may_be_a_year_off_but_not_two():
    assert ids(parse_title("Extraction (2021)"), [rec("Extraction", 2020)]) == ["1"]
    assert ids(parse_title("Extraction (2022)"), [rec("Extraction", 2020)]) == []


def test_an_article_only_or_fuzzy_match_needs_the_same_year():
    assert ids(parse_title("Fear (1996)"), [rec("The Fear", 1995)]) == []
    assert ids(parse_title("Fear, The (1995)"), [rec("Fear", 1996)]) == []
    assert ids(parse_title("Boys (1996)"), [rec("Les Boys", 1997)]) == []
    assert ids(parse_title("Fear, The (1995)"), [rec("The Fear", 1995)]) == ["1"]
    assert ids(parse_title("Chungking Express (1994)"), [rec("Chung King Express", 1995)]) == []
    assert ids(parse_title("Chungking Express (1994)"), [rec("Chung King Express", 1994)]) == ["1"]


def test_series_and_seasons_are_never_matched():
    movie = parse_title("Clueless (1995)")
    assert ids(movie, [rec("Clueless", 1996, kind="tv")]) == []
    assert ids(movie, [rec("Clueless Season 1", 1995), rec("Clueless", 1995, title="独领风骚 第一季")]) == []
    assert not is_film(rec("Fargo", 1996, title="冰血暴 第二季")) and is_film(rec("Fargo", 1996))


def test_ranking_exact_before_article_then_same_year_then_votes():
    movie = parse_title("Fargo (1996)")
    cands = [rec("Fargo", 1997, douban_id="late", votes=900), rec("Fargo", 1996, douban_id="same", votes=10)]
    assert ids(movie, cands) == ["same", "late"]
    movie = parse_title("Hamlet (1996)")
    cands = [rec("The Hamlet", 1996, douban_id="article"), rec("Hamlet", 1996, douban_id="exact")]
    assert ids(movie, cands) == ["exact", "article"]


def test_alternate_titles_and_accents():
    assert ids(parse_title("Hate (Haine, La) (1995)"), [rec("La haine", 1995)]) == ["1"]
    assert ids(parse_title("Misérables, Les (1995)"), [rec("Les Miserables", 1995)]) == ["1"]


def test_sequels_never_pass_for_each_other():
    assert ids(parse_title("Back to the Future Part II (1989)"), [rec("Back to the Future Part III", 1990)]) == []
    assert ids(parse_title("Back to the Future Part II (1989)"), [rec("Back to the Future Part 2", 1989)]) == ["1"]
    movie = parse_title("Toy Story (1995)")
    assert ids(movie, [rec("Toy Story 2", 1999), rec("Toy Soldiers", 1995), rec("Toy Story", None)]) == []
    assert ids(parse_title("Toy Story 2 (1999)"), [rec("Toy Story 3", 1999)]) == []


def test_films_of_about_the_year_with_other_titles_are_left_for_confirmation():
    movie = parse_title("Farewell My Concubine (1993)")
    cands = [rec("霸王别姬", 1994, douban_id="b"), rec("霸王别姬", 1993, douban_id="a"), rec("霸王别姬", 1995),
             rec("霸王别姬", 1993, kind="tv"), rec("Farewell My Concubine", 1993), rec("霸王别姬", None)]
    assert [c.douban_id for c in other_titles(movie, cands)] == ["a", "b"]


def test_on_the_recorded_search_page():
    records = parse_search(read("www_search_cat1002_nigeruha.html"))
    assert ids(MovieTitle("逃げるは恥だが役に立つ", (), 2016), records) == ["26816519"]
    assert ids(MovieTitle("逃げるは恥だが役に立つ", (), 2019), records) == []
