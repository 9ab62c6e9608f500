"""URL converters: `<id:...>` accepts the ids a database integer column can hold, anything else is a 404."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite would overflow only past 2**63 - 1


class IdConverter(IntegerConverter):
    """A positive integer id no larger than `MAX_ID`."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=0, max=MAX_ID, **kwargs)
