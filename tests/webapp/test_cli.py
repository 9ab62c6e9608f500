"""``flask movrec scrape``: which movies each mode queues, on which queue, and a clear error without a broker."""
from __future__ import annotations

import redis

from tests.worker_setup import app_from_env, worker_env
from webapp.extensions import db


def test_scrape_command_modes(fake, tmp_path, redis_url, pg_url):
    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url), tmp_path)
    broker = redis.Redis.from_url(redis_url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["movrec", "scrape", "--missing", "--limit", "2"])
    assert result.exit_code == 0 and "queued 2 of 2 movies on douban_backfill" in result.output
    assert runner.invoke(args=["movrec", "scrape", "--limit", "2"]).output.startswith("queued 2 of 2")  # the next two
    assert "queued 3 of 3" in runner.invoke(args=["movrec", "scrape", "--all", "--limit", "3"]).output  # forced
    assert broker.llen("douban_backfill") == 7
    assert "queued 1 of 1 movies on douban_interactive" in runner.invoke(args=["movrec", "scrape", "--movie", "4"]).output
    down = app_from_env(worker_env(pg_url, fake, tmp_path, "redis://127.0.0.1:1/0"), tmp_path)
    result = down.test_cli_runner().invoke(args=["movrec", "scrape", "--movie", "5"])
    assert result.exit_code != 0 and "broker unavailable" in result.output
    for each in (app, down):
        with each.app_context():
            db.engine.dispose()
