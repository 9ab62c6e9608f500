"""Names every template can use: language switch data, category labels, poster and page URLs, the member's marks."""
import re

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale

from webapp.models import Movie
from webapp.services.member_marks import member_marks
from webapp.site import card_fragments
from webapp.site.i18n import HTML_LANG, install_template_gettext
from webapp.site.i18n import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS, genre_label

# Where people read about a movie elsewhere (links for visitors, not the endpoints the worker fetches).
DOUBAN_PAGE = "https://movie.douban.com/subject/{}/"
IMDB_PAGE = "https://www.imdb.com/title/{}/"
IMDB_ID = re.compile(r"tt\d{5,10}")
FIXED_URLS = "fixed_urls"


# Card lists build two URLs per movie; formatting them directly is ~20x cheaper than url_for and
# keeps the movie page fast. tests/webapp/site/test_templating.py checks they equal url_for's.
def movie_url(movie_id: int) -> str:
    """URL of the movie's page (same as `url_for("catalog.movie", movie_id=...)`)."""
    return f"{request.script_root}/movies/{movie_id}"


def fixed_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` for a link whose values are written in the template (the layout's files and
    menu), built once per app, script root and link: the layout has fifteen, at about 6 µs each through url_for."""
    urls: dict[tuple, str] = current_app.extensions[FIXED_URLS]
    key = (request.script_root, endpoint, *values.items())
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url


def poster_url(movie: Movie) -> str | None:
    """URL of the movie's stored poster (versioned by fetch time), or None: the page shows a placeholder."""
    info = movie.info
    if info is None or not info.poster_path:
        return None
    version = f"?v={int(info.fetched_at.timestamp())}" if info.fetched_at else ""
    return f"{request.script_root}/posters/{movie.id}{version}"


def douban_page_url(douban_id: str | None) -> str | None:
    """The movie's page on Douban for people to visit, when its Douban id is known."""
    return DOUBAN_PAGE.format(douban_id) if douban_id and douban_id.isdigit() else None


def imdb_page_url(imdb_id: str | None) -> str | None:
    """The movie's IMDb page, only for an IMDb id read from its Douban page (never guessed)."""
    return IMDB_PAGE.format(imdb_id) if imdb_id and IMDB_ID.fullmatch(imdb_id) else None


def _template_context() -> dict:
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return {
        "current_language": locale,
        "html_lang": HTML_LANG.get(locale, locale),
        "languages": current_app.config["LANGUAGES"],
        "current_path": request.full_path.rstrip("?") if request else "/",
    }


def register_template_helpers(app: Flask) -> None:
    """Install the context processor and globals the templates rely on."""
    app.context_processor(_template_context)
    install_template_gettext(app)
    app.extensions[FIXED_URLS] = {}
    card_fragments.init_app(app)
    app.jinja_env.globals.update(genre_label=genre_label, movie_url=movie_url, poster_url=poster_url, age_labels=AGE_LABELS,
                                 douban_page_url=douban_page_url, imdb_page_url=imdb_page_url,
                                 gender_labels=GENDER_LABELS, occupation_labels=OCCUPATION_LABELS,
                                 member_marks=member_marks, fixed_url=fixed_url)
