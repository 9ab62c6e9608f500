"""Browse and search parameters that mean nothing are read as their default, never an error: a negative page is
the first page, an unknown parameter (`sort=`) is ignored, an overlong search is cut to 100 characters, and bytes
that are not UTF-8 search for nothing."""
from __future__ import annotations

import re


def result_ids(html: str) -> list[int]:
    start = html.index('id="results"')
    end = html.find("</section>", start)
    return [int(i) for i in re.findall(r'class="movie-card" data-movie-id="(\d+)"', html[start:end])]


def browse(client, query: str) -> str:
    response = client.get(f"/movies?{query}")
    assert response.status_code == 200, query
    return response.get_data(as_text=True)


def test_a_negative_or_zero_page_is_the_first_page(client):
    first = result_ids(browse(client, "genre=Drama"))
    assert first  # the tiny catalogue has dramas
    for page in ("-1", "0", "-99999999999999999999"):
        assert result_ids(browse(client, f"genre=Drama&page={page}")) == first, page


def test_a_page_past_the_end_is_the_last_page_not_an_error(client):
    last = result_ids(browse(client, "page=10000"))
    assert last and last == result_ids(browse(client, "page=5000"))
    assert last != result_ids(browse(client, ""))
    assert result_ids(browse(client, f"page={'9' * 30}")) == result_ids(browse(client, ""))  # no id: page 1


def test_an_unknown_sort_or_parameter_is_ignored(client):
    plain = result_ids(browse(client, "genre=Comedy"))
    for extra in ("sort=zzz", "sort=title;DROP TABLE movies", "order=desc&limit=-1", "genre2=x"):
        assert result_ids(browse(client, f"genre=Comedy&{extra}")) == plain, extra


def test_an_unknown_genre_is_dropped_with_a_message(client):
    everything = result_ids(browse(client, ""))
    for genre in ("Nonsense", "%25"):  # a LIKE wildcard is no genre either
        html = browse(client, f"genre={genre}")
        assert result_ids(html) == everything and "showing all genres" in html, genre


def test_an_overlong_search_is_cut_to_100_characters(client):
    html = browse(client, "q=" + "x" * 5000)
    assert re.search(r'name="q" value="([^"]*)"', html).group(1) == "x" * 100
    assert result_ids(html) == []
    # the first 100 characters are what is searched: a title followed by padding still finds nothing longer
    assert result_ids(browse(client, "q=shawshank")) == [2]
    assert result_ids(browse(client, "q=" + "shawshank" + " " * 5000)) == [2]


def test_bytes_that_are_not_utf8_search_for_nothing(client):
    html = browse(client, "q=%FF%FE")
    assert result_ids(html) == []
    assert browse(client, "genre=%C3%28") and browse(client, "year=%FF")
