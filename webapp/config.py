"""Configuration from environment variables, with defaults that work for development.

| variable | default |
|---|---|
| `INSTANCE_DIR` | `instance/` next to the package: local state (SQLite files, posters) |
| `MOVREC_ENV` | `development` when `FLASK_DEBUG` is set, else `production` |
| `SECRET_KEY` | required to serve in production; a fixed development key otherwise |
| `DATABASE_URL` | `sqlite:///<instance>/movrec.sqlite` |
| `MOVREC_ARTIFACTS` | `artifacts/` |
| `MOVREC_DATA_DIR` | unset: `movrec.dataset` finds or downloads MovieLens |
| `POSTER_DIR` | `<instance>/posters` |
| `REDIS_URL` | unset: the Celery broker is Kombu's SQLAlchemy transport on `<instance>/celery-broker.sqlite` |
| `SESSION_COOKIE_SECURE` | `0` (set `1` behind HTTPS) |
| `VISITOR_PAGE_CACHE_SIZE`, `VISITOR_PAGE_CACHE_SECONDS` | `4096`, `60`: pages kept per process for visitors not signed in, and for how long at most (`0` entries: no cache) |
| `LOGIN_LIMIT_PER_IP`, `LOGIN_LIMIT_PER_ACCOUNT` | `20 per 10 minutes`, `5 per 10 minutes`: failed sign-ins |
| `REGISTER_LIMIT_PER_IP` | `10 per hour`: registration form submissions per address |
| `RATELIMIT_STORAGE_URI` | `REDIS_URL`, else `movrec-sqlite:///<instance>/ratelimits.sqlite`: where those limits count |
| `TRUSTED_PROXY_COUNT` | `0`: reverse proxies in front of the site whose `X-Forwarded-For`/`-Proto` are believed |
| `CELERY_BROKER_URL` | unset: `REDIS_URL`, else the SQLite broker above |
| `CELERY_VISIBILITY_TIMEOUT` | `3600`: seconds before Redis redelivers a task whose worker died |

The `DOUBAN_*` variables fill `app.config["DOUBAN"]`, a `webapp.douban.settings.DoubanSettings`, where the
defaults and their meanings are: `DOUBAN_<FIELD>` sets each field (`DOUBAN_MIN_INTERVAL=8`, `DOUBAN_FETCH_SUBJECT=0`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import TypeVar

from webapp.douban.settings import DoubanSettings

Settings = TypeVar("Settings")

DEV_SECRET_KEY = "movrec-development-key-not-secret"
ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def environment_name(environ: Mapping[str, str]) -> str:
    """`MOVREC_ENV` if set, else `development` under `FLASK_DEBUG`, else `production`."""
    name = environ.get("MOVREC_ENV") or ("development" if _truthy(environ.get("FLASK_DEBUG")) else "production")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"MOVREC_ENV={name!r}: expected one of {', '.join(ENVIRONMENTS)}")
    return name


def from_environment(instance_path: str | os.PathLike, environ: Mapping[str, str] | None = None) -> dict:
    """Build the Flask config dict from `environ` (default `os.environ`); paths default under `instance_path`."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    name = environment_name(env)
    redis_url = env.get("REDIS_URL") or None
    broker_url = env.get("CELERY_BROKER_URL") or redis_url or f"sqla+sqlite:///{instance / 'celery-broker.sqlite'}"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'movrec.sqlite'}"
    return {
        "MOVREC_ENV": name,
        "TESTING": name == "testing",
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server's connections can die while idle in the pool (a restart, a failover): each is pinged when taken
        # out. A SQLite file's cannot, so its requests skip that extra statement.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "MOVREC_ARTIFACTS": env.get("MOVREC_ARTIFACTS") or "artifacts",
        "MOVREC_DATA_DIR": env.get("MOVREC_DATA_DIR") or None,
        "POSTER_DIR": env.get("POSTER_DIR") or str(instance / "posters"),
        "REDIS_URL": redis_url,
        "CELERY": {
            "broker_url": broker_url,
            "task_ignore_result": True,
            "broker_connection_retry_on_startup": True,
        },
        # Shared by every web process and kept across restarts: Redis, else a SQLite file (webapp.site.limit_store).
        "RATELIMIT_STORAGE_URI": (env.get("RATELIMIT_STORAGE_URI") or redis_url
                                  or f"movrec-sqlite:///{instance / 'ratelimits.sqlite'}"),
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": False,
        # The policy while the store is unreachable: each process counts in its own memory (the limits hold per
        # process), logged once per process and reported by /healthz; never unlimited, never locked out.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STRATEGY": "moving-window",  # no burst allowance at window boundaries
        "LOGIN_LIMIT_PER_IP": env.get("LOGIN_LIMIT_PER_IP") or "20 per 10 minutes",
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per 10 minutes",
        "REGISTER_LIMIT_PER_IP": env.get("REGISTER_LIMIT_PER_IP") or "10 per hour",
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT") or 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _truthy(env.get("SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _truthy(env.get("SESSION_COOKIE_SECURE")),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": {"en": "English", "zh": "简体中文"},
        "MOVIES_PER_PAGE": 24,
        # Visitors' home and movie pages kept per process (~10 KB each; 4096 holds every ML-1M movie).
        "VISITOR_PAGE_CACHE_SIZE": int(env.get("VISITOR_PAGE_CACHE_SIZE") or 4096),
        "VISITOR_PAGE_CACHE_SECONDS": float(env.get("VISITOR_PAGE_CACHE_SECONDS") or 60),
        # gzip level 3 (Flask-Compress's default is 6): a signed-in movie page (70 KB of HTML) compresses in a third
        # of the time, 0.07 ms against 0.20, for 21 % more bytes (4.7 KB against 3.9). Browsers that accept zstd
        # get zstd (level 3), which is faster still and smaller than gzip's level 6.
        "COMPRESS_LEVEL": 3,
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # forms are small; refuse large bodies early (413)
        "CELERY_VISIBILITY_TIMEOUT": float(env.get("CELERY_VISIBILITY_TIMEOUT") or 3600),
        "DOUBAN": settings_from_environment(DoubanSettings, "DOUBAN_", env),
    }


def settings_from_environment(cls: type[Settings], prefix: str, env: Mapping[str, str]) -> Settings:
    """An instance of the dataclass ``cls`` with each field read from ``<prefix><FIELD>`` when that is set and
    not empty (a flag, a whole number, a number or text, like the field's default), else the default."""
    values = {}
    for field in fields(cls):
        raw = env.get(prefix + field.name.upper())
        if raw:
            default = field.default
            values[field.name] = (_truthy(raw) if isinstance(default, bool) else
                                  type(default)(raw) if isinstance(default, (int, float)) else raw)
    return cls(**values)


def require_secret(config: dict, serving: bool) -> None:
    """Fill a development key, or fail when a production process that serves requests has none."""
    if config.get("SECRET_KEY"):
        return
    if config["MOVREC_ENV"] in ("development", "testing") or not serving:
        config["SECRET_KEY"] = DEV_SECRET_KEY
        return
    raise ConfigError("SECRET_KEY must be set to serve in production "
                      "(or set MOVREC_ENV=development for a local development server).")
