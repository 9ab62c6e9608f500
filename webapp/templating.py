"""Names every template can use: language switch data, category labels, poster URLs."""
from flask import Flask, current_app, request, url_for
from flask_babel import get_locale

from webapp.i18n import HTML_LANG
from webapp.labels import AGE_LABELS, GENDER_LABELS, OCCUPATION_LABELS, genre_label
from webapp.models import Movie


def poster_url(movie: Movie) -> str | None:
    """The URL of the movie's cached poster, or None while there is none (the page shows a placeholder)."""
    info = movie.info
    if info is None or not info.poster_path:
        return None
    version = int(info.fetched_at.timestamp()) if info.fetched_at else None
    return url_for("catalog.poster", movie_id=movie.id, v=version)


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
    app.jinja_env.globals.update(genre_label=genre_label, poster_url=poster_url, age_labels=AGE_LABELS,
                                 gender_labels=GENDER_LABELS, occupation_labels=OCCUPATION_LABELS)
