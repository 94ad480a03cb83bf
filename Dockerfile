# syntax=docker/dockerfile:1
# Cloud Run image: the service under uvicorn on $PORT, as a non-root user, with the pinned runtime
# dependencies of requirements.txt (generated from requirements.lock by deploy/bundles.py) and every
# module compiled to .pyc at build time, so no container start spends time compiling.
#
#   docker build -t serverless-ml . && docker run --rm -e PORT=8080 -p 8080:8080 serverless-ml

FROM python:3.12-slim-bookworm AS dependencies
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
# Binary wheels only: nothing is compiled from source, and pip writes the .pyc of every package.
RUN /opt/venv/bin/pip install --only-binary=:all: --requirement /tmp/requirements.txt

FROM python:3.12-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/app/.matplotlib \
    PORT=8080
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
COPY core/ core/
COPY handlers/ handlers/
COPY models/ models/
# data/ as .dockerignore leaves it: the lexicon and the tweet corpus with their licences, no training CSV.
COPY data/ data/
COPY main.py ./
# matplotlib's font list is built here, into a directory the service's user may write (matplotlib
# requires that), so that no container's first chart scans the fonts again (0.4 s on the 2-core machine).
RUN python -m compileall -q core handlers main.py \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app \
    && python -c "import matplotlib.font_manager" \
    && chown -R 10001 /app/.matplotlib
USER 10001
EXPOSE 8080
# checkov:skip=CKV_DOCKER_2: Cloud Run ignores HEALTHCHECK and probes the container itself (its startup probe on $PORT)
# handlers.cloud_run reads $PORT (Cloud Run sets it) and listens on every interface.
CMD ["python", "-m", "handlers.cloud_run"]
