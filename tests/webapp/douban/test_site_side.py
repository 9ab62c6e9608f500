"""The site's side: pages never wait for Douban or the broker, and the admin page shows the worker's state."""
from __future__ import annotations

import dataclasses
import statistics
import time

import pytest
from sqlalchemy import select, update

from tests.worker_setup import app_from_env, worker_env
from tests.worker.processes import WorkerProcess, wait_until
from webapp.douban import enqueue
from webapp.extensions import db
from webapp.models import MovieInfo, User
from webapp.douban.gate import gate_for
from webapp.services.roles import grant_admin
from worker import cache

PAGES = ["/movies", "/movies?page=2", "/movies?genre=Drama", "/movies?q=Test"]


def render_times(app, repeats: int = 2) -> list[float]:
    """Seconds per page view; claims and the broker cooldown are reset first, so every view sends or tries to."""
    client = app.test_client()
    client.get("/movies")  # templates compiled, connections made
    times = []
    for _ in range(repeats):
        for url in PAGES:
            with app.app_context():
                db.session.execute(update(MovieInfo).values(queued_at=None))
                db.session.commit()
            app.extensions.pop(enqueue._BROKER_DOWN_UNTIL, None)
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - started)
    return times


@pytest.mark.slow
def test_pages_render_as_fast_with_douban_stalled_and_with_redis_unreachable(fake, tmp_path, redis_url, pg_url):
    env = worker_env(pg_url, fake, tmp_path, redis_url)
    app = app_from_env(env, tmp_path)
    normal = render_times(app)
    with app.app_context():
        assert any(db.session.scalars(select(MovieInfo.queued_at)))  # the views did send requests

    fake.set_mode(delay=30)  # Douban hangs; a worker is stuck on it
    worker = WorkerProcess(env, tmp_path / "worker.log", "stuck")
    try:
        worker.start()
        wait_until(lambda: fake.requests(), 20, message="the worker to call the stalled Douban")
        stalled = render_times(app)
    finally:
        worker.kill()

    closed = {**env, "REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there: Redis is "down"
    down_app = app_from_env(closed, tmp_path)
    down = render_times(down_app)
    with down_app.app_context():
        assert not any(db.session.scalars(select(MovieInfo.queued_at)))  # claims released for a later view

    baseline = statistics.median(normal)
    for label, times in (("stalled Douban", stalled), ("Redis down", down)):
        assert statistics.median(times) <= baseline * 1.5 + 0.05, (label, normal, times)
        assert max(times) < 1.0, (label, times)


@pytest.fixture
def admin_app(fake, tmp_path, redis_url, pg_url):
    app = app_from_env(worker_env(pg_url, fake, tmp_path, redis_url, DOUBAN_MIN_INTERVAL="6"), tmp_path)
    with app.app_context():
        db.session.add_all([User(username=name, password_hash="x", gender="F", age=25, occupation=1)
                            for name in ("boss", "alice")])
        db.session.commit()
        grant_admin("boss", "test")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def client_as(app, username: str | None):
    client = app.test_client()
    if username:
        with app.app_context():
            session_id = db.session.scalar(select(User).where(User.username == username)).get_id()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
    return client


def test_admin_page_is_only_for_granted_admins(admin_app):
    assert client_as(admin_app, None).get("/admin/scraping").status_code == 404
    assert client_as(admin_app, "alice").get("/admin/scraping").status_code == 404
    assert client_as(admin_app, "boss").get("/admin/scraping").status_code == 200


def test_admin_page_shows_counts_rate_circuit_and_errors(admin_app):
    with admin_app.app_context():
        gate = gate_for(admin_app)
        for _ in range(2):
            wait_until(lambda: gate.try_acquire("pages", 0.01) == 0.0, 1)
        gate.open_circuit("douban", 60, "HTTP 403 from /search")
        cache.record_failure(5, "error", "ParseError: not a search page", refresh_days=30)
        cache.record_failure(6, "not_found", "no matching Douban subject", refresh_days=30)
    html = client_as(admin_app, "boss").get("/admin/scraping").get_data(as_text=True)
    assert '<div data-status="error"><dt>error</dt><dd>1</dd></div>' in html
    assert '<div data-status="not_found"><dt>not_found</dt><dd>1</dd></div>' in html
    assert '<div data-status="missing"><dt>Never requested</dt><dd>44</dd></div>' in html
    douban = html[html.index('data-circuit="douban"'):]
    assert "open" in douban[:200] and "HTTP 403 from /search" in douban[:300]
    assert 'data-circuit="images"><td>images</td>\n      <td>closed' in html
    pages = html[html.index('data-bucket="pages"'):]
    assert "12.0/min (2 in the last 0 s)" in pages[:200]  # 2 requests, rated over at least 10 s
    assert "<td>10.0/min</td>" in pages[:300]  # the limit: one per 6 s
    assert "ParseError: not a search page" in html and "no matching Douban subject" in html


def test_admin_page_survives_an_unreachable_gate(fake, tmp_path, pg_url, redis_url):
    app = app_from_env(worker_env(pg_url, fake, tmp_path, "redis://127.0.0.1:1/0", DOUBAN_MIN_INTERVAL="6"),
                       tmp_path)
    with app.app_context():
        db.session.add(User(username="boss", password_hash="x", gender="M", age=25, occupation=1))
        db.session.commit()
        grant_admin("boss", "test")
    response = client_as(app, "boss").get("/admin/scraping")
    assert response.status_code == 200 and 'id="scraping-gate-unavailable"' in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_admin_page_shows_why_the_worker_paused_when_offline(admin_app, fake):
    from worker.client import DoubanClient, Postpone, Transient

    fake.stop()  # Douban unreachable: the worker's connection failures open the circuit
    with admin_app.app_context():
        settings = dataclasses.replace(admin_app.config["DOUBAN"], min_interval=0.05, jitter=0, circuit_seconds=60)
        client = DoubanClient(settings, gate_for(admin_app))
        for _ in range(settings.offline_after):
            with pytest.raises((Transient, Postpone)):
                client.search("Toy Story 1995")
    html = client_as(admin_app, "boss").get("/admin/scraping").get_data(as_text=True)
    douban = html[html.index('data-circuit="douban"'):]
    assert "<td>open, " in douban[:200]
    assert "offline: 3 connection failures in a row, the last ConnectionError" in douban[:400]
