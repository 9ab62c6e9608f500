"""The Celery entry point, as in Flask's "Celery background tasks" pattern: ``celery --app worker.make_celery
worker|beat`` imports this module, which builds the site's Flask app (not a web server here: it needs no
``SECRET_KEY`` and does not load the model) and takes the Celery app its factory made
(``webapp.douban.celery_app.celery_init_app``); importing ``worker.tasks`` registers the tasks on it."""
import worker.tasks  # noqa: F401  (shared tasks: they register on the Celery app below)
from webapp import create_app

flask_app = create_app(serving=False)
celery_app = flask_app.extensions["celery"]
