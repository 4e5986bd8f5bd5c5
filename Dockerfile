# alignbot: one image for every replica. Build: docker build -t alignbot .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN python -m venv /opt/alignbot \
 && /opt/alignbot/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/alignbot/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH="/opt/alignbot/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    ALIGNBOT_HOST=0.0.0.0 \
    ALIGNBOT_PORT=3978 \
    ALIGNBOT_DATABASE_URL=sqlite+aiosqlite:////data/alignbot.db
RUN useradd --system --uid 10001 --home-dir /app alignbot \
 && mkdir -p /data /app \
 && chown alignbot /data /app
COPY --from=build /opt/alignbot /opt/alignbot
USER alignbot
WORKDIR /app
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/healthz' % os.environ.get('ALIGNBOT_PORT', '3978'); sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"
# SIGTERM starts a graceful stop: new requests get 503, work in flight may finish for
# ALIGNBOT_SHUTDOWN_GRACE_SECONDS (default 20), the rest waits in the inbox for the next start.
# Docker's stop timeout must exceed the grace: `docker stop -t 30` / `docker run --stop-timeout 30`
# (Kubernetes: terminationGracePeriodSeconds: 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["alignbot"]
CMD ["serve"]
