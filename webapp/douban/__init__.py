"""The site's side of the Douban work: the names shared with the worker, the Douban settings, the Celery app,
enqueueing fetches, the shared rate-limit gate, and the admin page's figures. The worker (``worker/``)
does the fetching and imports these; nothing here imports ``worker``."""
