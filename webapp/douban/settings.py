"""The worker's Douban settings, read once from the Flask config (keys documented in ``webapp/config.py``)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DoubanSettings:
    """Endpoints, politeness and cache policy of the Douban worker."""

    search_url: str = "https://www.douban.com/search"
    suggest_url: str = "https://movie.douban.com/j/subject_suggest"
    subject_url: str = "https://movie.douban.com/subject/"
    cookie: str | None = None
    min_interval: float = 6.0
    image_min_interval: float = 1.0
    jitter: float = 0.3
    max_wait: float = 60.0
    circuit_seconds: float = 900.0
    timeout: float = 10.0
    fetch_subject: bool = True
    refresh_days: float = 30.0
    poster_dir: str = "posters"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "DoubanSettings":
        """Settings from a Flask config; missing keys keep the defaults above."""
        keys = {
            "search_url": "DOUBAN_SEARCH_URL", "suggest_url": "DOUBAN_SUGGEST_URL",
            "subject_url": "DOUBAN_SUBJECT_URL", "cookie": "DOUBAN_COOKIE", "min_interval": "DOUBAN_MIN_INTERVAL",
            "image_min_interval": "DOUBAN_IMAGE_MIN_INTERVAL", "jitter": "DOUBAN_JITTER",
            "max_wait": "DOUBAN_MAX_WAIT", "circuit_seconds": "DOUBAN_CIRCUIT_SECONDS", "timeout": "DOUBAN_TIMEOUT",
            "fetch_subject": "DOUBAN_FETCH_SUBJECT", "refresh_days": "DOUBAN_REFRESH_DAYS", "poster_dir": "POSTER_DIR",
        }
        return cls(**{field: config[key] for field, key in keys.items() if config.get(key) is not None})
