"""Pages every visitor who is not signed in sees alike (home and movie pages), kept per process.

`PageCache` is a least-recently-used map of rendered pages. An entry remembers the movies its page shows
and a `version` of their data; it is served only while `version_of(movies)` still returns the same value.
The visitor pages use `info_version`, the `movie_info.updated_at` of those movies, so a poster or Chinese
title stored by the worker shows on the next load. Entries also expire after `ttl` seconds, which bounds
staleness of anything the version does not cover (a catalogue re-import) and lets a page that is rendered
again ask the worker again for info still missing. The key is the URL and the language.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from webapp.services.cards import info_version
from webapp.services.lru import LruMap

EXTENSION = "visitor_pages"


@dataclass(frozen=True)
class CachedPage:
    """A rendered page, the movies it shows and the version of their data when it was rendered."""

    movie_ids: tuple[int, ...]
    version: Hashable
    body: bytes
    expires: float


class PageCache:
    """Rendered pages by key, the least recently used going first when full, each valid for `ttl` seconds at most
    and while its movies' version is unchanged."""

    def __init__(self, max_entries: int = 2000, ttl: float = 60.0):
        self.ttl = ttl
        self._pages: LruMap[CachedPage] = LruMap(max_entries)

    def get(self, key: Hashable, version_of: Callable[[tuple[int, ...]], Hashable]) -> bytes | None:
        """The cached body for `key` if unexpired and `version_of` its movies is what it was at rendering."""
        page = self._pages.get(key)
        if page is None:
            return None
        if time.monotonic() > page.expires or version_of(page.movie_ids) != page.version:
            self._pages.pop(key)
            return None
        return page.body

    def put(self, key: Hashable, movie_ids: tuple[int, ...], version: Hashable, body: bytes) -> None:
        """Store a rendered page, evicting the least recently used entry when full."""
        self._pages.put(key, CachedPage(movie_ids, version, body, time.monotonic() + self.ttl))


def init_app(app: Flask) -> None:
    """Give the app its visitor page cache, sized by `VISITOR_PAGE_CACHE_SIZE` and `VISITOR_PAGE_CACHE_SECONDS`."""
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
