"""The Celery worker of movrec: it fills ``movie_info`` (Chinese title, Douban rating, poster file) from Douban.

Entry point: ``worker.make_celery`` (``celery --app worker.make_celery worker|beat``; commands in README.md).
Tasks (``tasks``) look a movie up (``lookup``: the HTTP ``client`` with its ``challenge`` solver, the ``douban``
page parsers, ``matching`` of candidates on ``titles`` compared, ``confirmation`` on the subject page) and record
the outcome (``cache``) and the poster (``posters``).
Names, settings and the rate-limit gate it shares with the site are in ``webapp.douban``.
"""
