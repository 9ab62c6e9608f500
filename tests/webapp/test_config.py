"""Configuration from the environment: defaults, required secret, broker choice."""
from __future__ import annotations

import pytest

from webapp.config import DEV_SECRET_KEY, ConfigError, from_environment, require_secret


def test_defaults_work_for_development(tmp_path):
    config = from_environment(tmp_path, {"FLASK_DEBUG": "1"})
    assert config["MOVREC_ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'movrec.sqlite'}"
    assert config["POSTER_DIR"] == str(tmp_path / "posters")
    assert config["MOVREC_ARTIFACTS"] == "artifacts"
    assert config["CELERY"]["broker_url"] == f"sqla+sqlite:///{tmp_path / 'celery-broker.sqlite'}"
    require_secret(config, serving=True)
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_are_used(tmp_path):
    env = {"DATABASE_URL": "postgresql+psycopg://u@h/db", "REDIS_URL": "redis://127.0.0.1:6379/2",
           "SECRET_KEY": "s3cret", "MOVREC_ARTIFACTS": "/a", "MOVREC_DATA_DIR": "/d", "POSTER_DIR": "/p"}
    config = from_environment(tmp_path, env)
    assert config["MOVREC_ENV"] == "production"
    assert config["SQLALCHEMY_DATABASE_URI"] == env["DATABASE_URL"]
    assert config["CELERY"]["broker_url"] == config["RATELIMIT_STORAGE_URI"] == env["REDIS_URL"]
    assert (config["SECRET_KEY"], config["MOVREC_ARTIFACTS"], config["MOVREC_DATA_DIR"], config["POSTER_DIR"]) == \
        ("s3cret", "/a", "/d", "/p")


def test_only_a_database_servers_connections_are_pinged_when_taken_from_the_pool(tmp_path):
    """A server's pooled connection can die while idle; a SQLite file's cannot, so it is not pinged."""
    assert from_environment(tmp_path, {})["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}
    server = from_environment(tmp_path, {"DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert server["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def test_production_needs_a_secret_key_to_serve(tmp_path):
    config = from_environment(tmp_path, {})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        require_secret(config, serving=True)
    require_secret(config, serving=False)  # `flask db upgrade` and `flask movrec import` sign nothing


def test_create_app_refuses_to_serve_in_production_without_a_secret(monkeypatch, tmp_path):
    from webapp import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MOVREC_ENV", "production")
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()  # outside any command line: a server, as under gunicorn
    assert create_app(serving=False).config["SECRET_KEY"] == DEV_SECRET_KEY  # the worker's app signs nothing


def test_unknown_environment_name_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="MOVREC_ENV"):
        from_environment(tmp_path, {"MOVREC_ENV": "staging"})


def test_instance_dir_holds_the_embedded_defaults(monkeypatch, tmp_path):
    from webapp import create_app

    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "POSTER_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "state"))
    app = create_app({"MOVREC_ENV": "testing", "SECRET_KEY": "x"})
    assert app.instance_path == str(tmp_path / "state")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'state' / 'movrec.sqlite'}"
    assert app.config["POSTER_DIR"] == str(tmp_path / "state" / "posters")


def test_douban_settings_are_built_once_from_the_environment(tmp_path):
    from webapp.douban.settings import DoubanSettings

    assert from_environment(tmp_path, {})["DOUBAN"] == DoubanSettings()
    env = {"DOUBAN_MIN_INTERVAL": "0.5", "DOUBAN_BACKFILL_PER_RUN": "7", "DOUBAN_FETCH_SUBJECT": "0",
           "DOUBAN_COOKIE": "abc:1", "DOUBAN_SEARCH_URL": "http://127.0.0.1:9/search", "DOUBAN_TIMEOUT": ""}
    settings = from_environment(tmp_path, env)["DOUBAN"]
    assert (settings.min_interval, settings.backfill_per_run, settings.fetch_subject, settings.cookie,
            settings.search_url, settings.timeout) == (0.5, 7, False, "abc:1", "http://127.0.0.1:9/search", 10.0)
    assert (settings.interval("pages"), settings.interval("images")) == (0.5, 1.0)
