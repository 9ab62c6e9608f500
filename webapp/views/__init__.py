"""The site's pages: one blueprint per area with its forms (catalog, accounts, account, picks, lists, api, admin), the error
pages, and the `<id:...>` URL converter, which accepts ids written the one way `webapp.site.ids` allows
(anything else is a 404)."""
from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from webapp.site.ids import ID_PATTERN, parse_id


class IdConverter(BaseConverter):
    """An id as `parse_id` reads it: "/movies/01" and "/movies/٣" match no page."""

    regex = ID_PATTERN
    part_isolating = True

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: int) -> str:
        return str(int(value))


def register_views(app: Flask) -> None:
    """The `<id:...>` converter (before the routes that use it), every blueprint, and the error pages."""
    from webapp.views import account, accounts, admin, api, catalog, errors, lists, picks

    app.url_map.converters["id"] = IdConverter
    for view in (catalog, accounts, account, picks, lists, api, admin):
        app.register_blueprint(view.bp)
    errors.register_error_handlers(app)
