"""Pages every visitor who is not signed in sees alike, served from a per-process `PageCache`.

The key is the URL and the language; an entry is valid while `info_version` of the movies it shows
is unchanged, so Douban info stored by the worker shows on the next load.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from webapp.cards import info_version
from webapp.page_cache import PageCache

EXTENSION = "visitor_pages"


def init_app(app: Flask) -> None:
    """Give the app its page cache, sized by `VISITOR_PAGE_CACHE_SIZE` and `VISITOR_PAGE_CACHE_SECONDS`."""
    app.extensions[EXTENSION] = PageCache(max_entries=app.config["VISITOR_PAGE_CACHE_SIZE"],
                                          ttl=app.config["VISITOR_PAGE_CACHE_SECONDS"])


def page_key() -> tuple[str, str] | None:
    """This request's cache key, or None when the page is personal (signed in, or a message to show)."""
    if current_user.is_authenticated or "_flashes" in session:
        return None
    return request.full_path, str(get_locale())


def cached_page(key: tuple[str, str] | None) -> Response | None:
    """The cached page for `key` if it is still valid."""
    if key is None:
        return None
    body = current_app.extensions[EXTENSION].get(key, info_version)
    return None if body is None else Response(body, mimetype="text/html")


def store_page(key: tuple[str, str] | None, movie_ids: Sequence[int], version: tuple, body: str) -> None:
    """Keep a page rendered for visitors; `version` is `info_version(movie_ids)` taken before rendering."""
    if key is not None:
        current_app.extensions[EXTENSION].put(key, tuple(movie_ids), version, body.encode())
