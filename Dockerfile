# Baomi production image: one image for web (gunicorn), worker and beat (Celery).
#
# Mirrors for mainland China (issue 18 §6), all optional; the defaults build from the public ones:
#   docker compose build --build-arg BAOMI_REGISTRY=docker.m.daocloud.io \
#     --build-arg DEBIAN_MIRROR=https://mirrors.tuna.tsinghua.edu.cn \
#     --build-arg PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple
# (or set the same names in .env: docker-compose.yml passes them on).
ARG BAOMI_REGISTRY=docker.io
FROM ${BAOMI_REGISTRY}/library/python:3.11-slim-bookworm

ARG DEBIAN_MIRROR=
ARG PIP_INDEX_URL=

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    BAOMI_MODE=production \
    BAOMI_VAR_DIR=/app/var \
    BAOMI_STATIC_ROOT=/app/staticfiles

# postgresql-client: pg_dump/pg_restore of the backups, the major version of compose's server
# (Debian bookworm: 15; records/ops/backups.py refuses a server newer than its pg_dump, by name).
# Fonts: WenQuanYi Micro Hei, and HanaMin for CJK extensions A and B (䶮, 𠮷) in PDFs.
# tzdata: log times in TZ (Asia/Shanghai), as the pages and the schedule.
RUN if [ -n "$DEBIAN_MIRROR" ]; then \
        sed -i "s|http://deb.debian.org|$DEBIAN_MIRROR|g" /etc/apt/sources.list.d/debian.sources; \
    fi \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client fonts-wqy-microhei \
        fonts-hanazono tzdata \
    && rm -rf /var/lib/apt/lists/*
ENV TZ=Asia/Shanghai

WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements/constraints.txt requirements/constraints.txt
RUN pip install ${PIP_INDEX_URL:+--index-url "$PIP_INDEX_URL"} -c requirements/constraints.txt .

COPY . .
# collectstatic needs the production settings to load; these placeholders never reach runtime.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/none.sqlite3 \
    ALLOWED_HOSTS=localhost CELERY_BROKER_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app baomi \
    && mkdir -p /app/var && chown baomi:baomi /app/var && chmod 0700 /app/var

USER baomi
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gunicorn", "config.wsgi:application", "--bind=0.0.0.0:8000", "--access-logfile=-", "--logger-class=config.gunicorn_logs.RedactingLogger", "--config=python:config.gunicorn_conf"]
