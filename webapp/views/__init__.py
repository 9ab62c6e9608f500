"""The site's pages: one blueprint per area with its forms (catalog, accounts, picks, api, admin), the error
pages, and the `<id:...>` URL converter, which accepts the ids a database integer column can hold (anything
else is a 404)."""
from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite would overflow only past 2**63 - 1


class IdConverter(IntegerConverter):
    """A positive integer id no larger than `MAX_ID`."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=0, max=MAX_ID, **kwargs)


def register_views(app: Flask) -> None:
    """The `<id:...>` converter (before the routes that use it), every blueprint, and the error pages."""
    from webapp.views import accounts, admin, api, catalog, errors, picks

    app.url_map.converters["id"] = IdConverter
    for view in (catalog, accounts, picks, api, admin):
        app.register_blueprint(view.bp)
    errors.register_error_handlers(app)
