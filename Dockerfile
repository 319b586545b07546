# Lernmi Playground: `docker build -t lernmi-playground .` then
# `docker run -p 8000:8000 lernmi-playground`. Settings are LERNMI_* variables (README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    LERNMI_HOST=0.0.0.0 \
    LERNMI_PORT=8000 \
    LERNMI_WORKERS=2 \
    NUMBA_CACHE_DIR=/srv/lernmi/.numba-cache

WORKDIR /srv/lernmi

# The runtime dependencies only (no test tools). The server runs from this folder, with the
# page's static files and templates beside the code; it runs as a user without a login or home.
# The compiled epoch (engine/kernel.py) is compiled here, once, into a cache that user owns:
# numba needs a cache it can write, and the workers then start without compiling.
COPY pyproject.toml README.md ./
COPY app ./app
COPY engine ./engine
RUN pip install . \
    && useradd --system --uid 10001 --user-group --no-create-home lernmi \
    && python -c "import engine.kernel" \
    && chown -R lernmi:lernmi "$NUMBA_CACHE_DIR"
COPY static ./static
COPY templates ./templates

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"LERNMI_PORT\"]}/healthz', timeout=4)"]
CMD ["python", "-m", "app.serve"]
