"""The movrec website: `create_app()` is the WSGI entry (`gunicorn 'webapp:create_app()'`)."""
from webapp import single_thread_blas  # noqa: F401  (must run before numpy is imported)

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None, *, serving: bool | None = None) -> Flask:
    """Build the site: the environment's configuration (`webapp.config`) overlaid with `config`, the trusted
    proxies' headers (`TRUSTED_PROXY_COUNT`), then, in order, the extensions (database and migrations, CSRF, Babel, the sign-in limiter, Flask-Login, response compression), the Celery app
    (`app.extensions["celery"]`), the visitor page cache, the views (blueprints, error pages, `<id:...>` URLs),
    the request and response hooks and template helpers, the `flask movrec` commands, one BLAS thread, and, in
    a process that serves requests, the model.

    `serving` says whether this process serves web requests: only then is `SECRET_KEY` required in production
    and the model loaded at start instead of on first use. The Celery worker passes False. Left out, it is
    decided by `started_to_serve()`, the one place that looks at how the process was started.
    """
    from webapp.cli import movrec_cli
    from webapp.config import from_environment, require_secret
    from webapp.douban.celery_app import celery_init_app
    from webapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
    from webapp.reconnect import ReconnectingFlask, end_session
    from webapp.services import member_model, page_cache
    from webapp.services.recommender import load_at_start
    from webapp.site.i18n import select_locale, vary_on_language
    from webapp.site.security import add_security_headers, refuse_nul_characters, trust_proxies
    from webapp.site.templating import register_template_helpers
    from webapp.views import register_views

    instance = os.environ.get("INSTANCE_DIR")
    app = ReconnectingFlask(__name__, instance_relative_config=True,
                            instance_path=os.path.abspath(instance) if instance else None,
                            template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    serving = started_to_serve() if serving is None else serving
    require_secret(app.config, serving=serving)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    trust_proxies(app)

    db.init_app(app)
    app.teardown_appcontext(end_session)  # runs before Flask-SQLAlchemy's own teardown
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    compress.init_app(app)
    celery_init_app(app)
    page_cache.init_app(app)
    member_model.init_app(app)

    register_views(app)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.after_request(vary_on_language)
    register_template_helpers(app)
    app.cli.add_command(movrec_cli)

    single_thread_blas.limit_blas_threads()
    if serving:
        load_at_start(app)
    return app


def started_to_serve() -> bool:
    """Whether this process was started to serve web requests: yes under gunicorn (no command line of ours)
    and `flask run`; no under any other `flask` command (`db upgrade`, `movrec import`, `movrec scrape`)."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name == "run"
