# Two images from one file (docker-compose.yml builds both):
#   web      the site, the Celery worker and beat: the base dependencies only, no TensorFlow
#   trainer  web plus the `train` extra: the one-shot `init` service (dataset, training, migrations, catalog)
FROM python:3.11-slim AS web
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 PORT=8000 INSTANCE_DIR=/app/instance \
    MOVREC_ARTIFACTS=/app/artifacts POSTER_DIR=/app/posters
WORKDIR /app
RUN useradd --create-home --uid 10001 movrec

# Dependencies come from pyproject.toml and the pinned versions in constraints.txt alone, so a code change does
# not reinstall them and every build installs the same versions.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt

COPY . .
# Editable, so templates/, static/ and migrations/ are found beside the packages. The folders below are
# the mount points of the named volumes; made here, they give the volumes this owner.
RUN pip install --no-deps -e . \
    && mkdir -p instance data artifacts posters \
    && chown -R movrec:movrec instance data artifacts posters
USER movrec
EXPOSE 8000
CMD ["python", "scripts/supervise.py", "--exec", "web"]

FROM web AS trainer
USER root
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['train']))" \
        > /tmp/train-requirements.txt \
    && pip install -c constraints.txt -r /tmp/train-requirements.txt
USER movrec
CMD ["scripts/prepare.sh"]
