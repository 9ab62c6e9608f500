"""The movrec website: `create_app()` is the WSGI entry (`gunicorn 'webapp:create_app()'`)."""
from webapp import single_thread_blas  # noqa: F401  (must run before numpy is imported)

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask

from webapp.config import from_environment, require_secret
from webapp.views import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: environment config overlaid with `config`, extensions, blueprints, CLI."""
    instance = os.environ.get("INSTANCE_DIR")
    app = Flask(__name__, instance_relative_config=True, instance_path=os.path.abspath(instance) if instance else None,
                template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    serving = _serving()
    require_secret(app.config, serving=serving)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.url_map.converters["id"] = IdConverter
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    single_thread_blas.limit_blas_threads()
    if serving:
        _load_recommender(app)
    return app


def _load_recommender(app: Flask) -> None:
    """Load the model's artifacts now rather than in the first request, if they exist yet."""
    from movrec.artifacts import REQUIRED

    from webapp.services.recommender import get_recommender

    if all((Path(app.config["MOVREC_ARTIFACTS"]) / name).is_file() for name in REQUIRED):
        with app.app_context():
            get_recommender()


def _serving() -> bool:
    """False inside a `flask` maintenance command (db upgrade, movrec import), which signs nothing."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name == "run"


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from webapp.douban.celery_app import celery_init_app
    from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate
    from webapp.site.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    celery_init_app(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.views.accounts import bp as accounts_bp
    from webapp.views.admin import bp as admin_bp
    from webapp.views.api import bp as api_bp
    from webapp.views.catalog import bp as catalog_bp
    from webapp.cli import movrec_cli
    from webapp.views.picks import bp as picks_bp

    for blueprint in (catalog_bp, accounts_bp, picks_bp, api_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(movrec_cli)


def _register_hooks(app: Flask) -> None:
    from webapp.views.errors import register_error_handlers
    from webapp.site.i18n import vary_on_language
    from webapp.site.security import add_security_headers
    from webapp.site.templating import register_template_helpers

    app.after_request(add_security_headers)
    app.after_request(vary_on_language)
    register_error_handlers(app)
    register_template_helpers(app)
