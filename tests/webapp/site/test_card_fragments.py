"""Cards rendered once per movie, language, note and version of the movie's data; pages sent compressed when the
browser accepts it."""
from __future__ import annotations

import gzip
import re
import zlib

from tests.webapp.helpers import CSRF_INPUT, csrf_token, rate, register
from tests.webapp.views.test_catalog import cache_info
from webapp.site.card_fragments import EXTENSION


def card_html(html: str, movie_id: int) -> str:
    start = html.index(f'<article class="movie-card" data-movie-id="{movie_id}"')
    return html[start:html.index("</article>", start)]


def without_tokens(card: str) -> str:
    """The card with its CSRF tokens blanked (a member's token is signed with the time of the request)."""
    return CSRF_INPUT.sub('name="csrf_token" type="hidden" value=""', card)


def test_a_kept_card_changes_when_the_movies_info_is_cached(app, client, recommender):
    register(client)  # signed in: the page itself is rendered every time, only the cards are kept
    similar_id = recommender.similar(2, k=1)[0][0]
    first = without_tokens(card_html(client.get("/movies/2").get_data(as_text=True), similar_id))
    assert without_tokens(card_html(client.get("/movies/2").get_data(as_text=True), similar_id)) == first
    assert len(app.extensions[EXTENSION]._entries) > 0
    cache_info(app, similar_id, title_zh="新片名", douban_rating=7.5)
    again = card_html(client.get("/movies/2").get_data(as_text=True), similar_id)
    assert "新片名" in again and "Douban 7.5" in again and "新片名" not in first


def test_kept_cards_are_per_language_and_per_note(app, client, recommender):
    register(client)
    similar_id = recommender.similar(2, k=1)[0][0]
    cache_info(app, similar_id, title_zh="新片名", douban_rating=7.5)
    english = card_html(client.get("/movies/2").get_data(as_text=True), similar_id)
    picks = client.get("/picks").get_data(as_text=True)
    notes = re.findall(r'class="meta">[^<]*· ([\d.]+)★ for you', picks)
    assert notes  # the picks' cards carry the member's predicted stars, not a card kept without them
    client.set_cookie("lang", "zh")
    chinese = card_html(client.get("/movies/2").get_data(as_text=True), similar_id)
    assert "Douban 7.5" in english and "豆瓣 7.5" in chinese


def test_a_members_controls_on_a_kept_card_are_never_shown_to_another(app, recommender):
    similar_id = recommender.similar(2, k=1)[0][0]
    alice, bob = app.test_client(), app.test_client()
    register(alice, "alice")
    alice.post(f"/movies/{similar_id}/watchlist", data={"csrf_token": csrf_token(alice, "/movies/2"), "on": "1"})
    alices_card = card_html(alice.get("/movies/2").get_data(as_text=True), similar_id)
    register(bob, "bob")
    bobs_page = bob.get("/movies/2").get_data(as_text=True)
    bobs_card = card_html(bobs_page, similar_id)
    assert 'aria-pressed="true"' in alices_card and 'aria-pressed="true"' not in bobs_card
    bobs_token = CSRF_INPUT.search(bobs_page).group(1)
    assert set(CSRF_INPUT.findall(bobs_card)) == {bobs_token} != set(CSRF_INPUT.findall(alices_card))


def test_pages_are_compressed_when_the_browser_accepts_it(client):
    plain = client.get("/movies/2")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/movies/2", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 3
    level_3 = zlib.compressobj(3, zlib.DEFLATED, -zlib.MAX_WBITS)  # the raw deflate stream inside gzip's frame
    assert packed.data[10:-8] == level_3.compress(plain.data) + level_3.flush()  # COMPRESS_LEVEL, not 6


def test_kept_controls_name_the_cards_own_movie_and_the_members_state(app, client, recommender):
    from markupsafe import escape
    from webapp.extensions import db
    from webapp.models import Movie

    register(client)
    shown = [movie_id for movie_id, _ in recommender.similar(2, k=3)]
    assert len(shown) == 3
    rate(client, shown[0], 4)
    for _ in range(2):  # rendered into the kept controls, then out of them
        html = client.get("/movies/2").get_data(as_text=True)
        for movie_id in shown:
            card = card_html(html, movie_id)
            with app.app_context():
                title = db.session.get(Movie, movie_id).title
            urls = re.findall(r'(?:action|formaction)="([^"]+)"', card)
            assert len(urls) == 4 and all(url.startswith(f"/movies/{movie_id}/") for url in urls)
            assert f": {escape(title)}</legend>" in card and card.count('name="next" value="/movies/2"') == 3
        assert re.findall(r'value="(\d)" checked', card_html(html, shown[0])) == ["4"]
        assert " checked" not in card_html(html, shown[1])


def page_controls_html(html: str) -> str:
    """The movie page's own rating form and member controls (after the facts, before the card rows)."""
    start = html.index('<form class="rating-form" id="rating-form"')
    return html[start:html.index("</article>", start)]


def test_a_members_movie_page_controls_are_never_shown_to_another(app):
    alice, bob = app.test_client(), app.test_client()
    register(alice, "alice")
    rate(alice, 2, 4)
    alice.post("/movies/2/watchlist", data={"csrf_token": csrf_token(alice, "/movies/2"), "on": "1"})
    alices_page = alice.get("/movies/2").get_data(as_text=True)
    register(bob, "bob")
    bobs_page = bob.get("/movies/2").get_data(as_text=True)
    alices, bobs = page_controls_html(alices_page), page_controls_html(bobs_page)
    assert 'aria-pressed="true"' in alices and re.findall(r'value="(\d)" checked', alices) == ["4"]
    assert 'aria-pressed="true"' not in bobs and " checked" not in bobs
    bobs_token = CSRF_INPUT.search(bobs_page).group(1)
    assert set(CSRF_INPUT.findall(bobs)) == {bobs_token} != set(CSRF_INPUT.findall(alices))


def test_kept_movie_page_controls_name_the_pages_own_movie(app, client):
    from markupsafe import escape
    from webapp.extensions import db
    from webapp.models import Movie

    register(client)
    rate(client, 3, 5)
    for movie_id in (2, 3, 2, 3):  # the same state's controls kept for one movie, then put in for the other
        html = client.get(f"/movies/{movie_id}?from=a&b=<c>").get_data(as_text=True)
        controls = page_controls_html(html)
        with app.app_context():
            title = db.session.get(Movie, movie_id).title
        urls = re.findall(r'(?:action|formaction)="([^"]+)"', controls)
        assert len(urls) == 4 and all(url.startswith(f"/movies/{movie_id}/") for url in urls)
        assert f'id="stars-{movie_id}-5"' in controls and controls.count(f": {escape(title)}</span>") == 2
        assert controls.count('name="next" value="/movies/{}?from=a&amp;b=&lt;c&gt;"'.format(movie_id)) == 2
        assert re.findall(r'value="(\d)" checked', controls) == (["5"] if movie_id == 3 else [])
