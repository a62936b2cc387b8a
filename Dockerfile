# ACE Portal, production image: gunicorn serves the app, whitenoise the static files.
# Commands (see scripts/docker-entrypoint): web (default), worker, beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ACE_PRIVATE_MEDIA_ROOT=/data/private

# gettext compiles the translations; the psycopg, Pillow and cryptography wheels need nothing else.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 --user-group ace

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
COPY scripts/requirements scripts/requirements
RUN python scripts/requirements > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files and translations are built into the image. Production settings insist on a
# secret key, hosts, a database and a broker; none is contacted here, so throwaway values do.
RUN export DJANGO_ENV=production \
        DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
        DJANGO_ALLOWED_HOSTS=build.invalid \
        DATABASE_URL=postgres://build@build.invalid/build \
        REDIS_URL=redis://build.invalid:6379/0 \
    && if find . -path '*/locale/*' -name '*.po' | grep -q .; then \
        python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput \
    && mkdir -p /data/private \
    && chown -R ace:ace /app/staticfiles /data/private

USER ace
VOLUME ["/data/private"]
EXPOSE 8000
ENTRYPOINT ["/bin/sh", "scripts/docker-entrypoint"]
CMD ["web"]
