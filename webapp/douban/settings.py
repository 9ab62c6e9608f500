"""The Douban settings: endpoints, politeness and cache policy, with their defaults.

``webapp.config.from_environment`` builds them once from the ``DOUBAN_*`` variables (``DOUBAN_MIN_INTERVAL``
sets ``min_interval``, and so on; see the table there) into ``app.config["DOUBAN"]``. The site reads them
for the admin page's limits and beat's schedule, the worker for everything it sends to Douban.
"""
from __future__ import annotations

from dataclasses import dataclass

from webapp.douban.names import PAGES


@dataclass(frozen=True)
class DoubanSettings:
    """How the worker reaches Douban and how long what it stores stays fresh."""

    search_url: str = "https://www.douban.com/search"
    suggest_url: str = "https://movie.douban.com/j/subject_suggest"
    subject_url: str = "https://movie.douban.com/subject/"
    cookie: str | None = None          # optional ``dbcl2`` login cookie value
    min_interval: float = 8.0          # seconds between requests to Douban's pages, across all workers
    image_min_interval: float = 1.0    # the same for the image host
    jitter: float = 0.3                # each gap is stretched by a random 0-30 %
    max_wait: float = 60.0             # a task waits at most this long for a request slot, else it is postponed
    circuit_seconds: float = 900.0     # pause after Douban blocks us, or after ``offline_after`` connection failures
    offline_after: int = 3             # connection failures in a row (in one worker) that open the circuit
    image_hosts: str = "doubanio.com"  # comma-separated hosts posters may come from (and their subdomains)
    timeout: float = 10.0              # seconds per HTTP request
    fetch_subject: bool = True         # also read the subject page (votes, larger poster)
    refresh_days: float = 30.0         # ``ok`` info is refreshed after this many days
    backfill_per_run: int = 3          # beat queues this many movies without info ...
    backfill_every: float = 120.0      # ... every this many seconds

    def image_host_allowed(self, host: str) -> bool:
        """True when ``host`` is one of ``image_hosts`` or a subdomain of one (``img9.doubanio.com``)."""
        host = host.lower().rstrip(".")
        allowed = (h.strip().lower() for h in self.image_hosts.split(","))
        return any(h and (host == h or host.endswith("." + h)) for h in allowed)

    def interval(self, bucket: str) -> float:
        """Seconds between two requests in ``bucket`` (Douban's pages or its image host)."""
        return self.min_interval if bucket == PAGES else self.image_min_interval
