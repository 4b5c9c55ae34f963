# messagemedia-emulator: docker build -t mm-emulator . && docker run -p 8080:8080 -v mm-data:/data mm-emulator
# It listens on every address, so /_emulator and the web inbox need an admin token: one is
# generated and printed at each start unless -e MM_EMULATOR_ADMIN_TOKEN=... chooses it.
# -e MM_EMULATOR_DB=postgresql://user:password@host/db keeps the store in PostgreSQL instead.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MM_EMULATOR_DB=/data/mm-emulator.db \
    MM_EMULATOR_PORT=8080

WORKDIR /app
COPY pyproject.toml setup.cfg README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip install --no-cache-dir "./[postgresql]" \
    && groupadd --gid 10001 emulator \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin emulator \
    && mkdir -p /data \
    && chown 10001:10001 /data \
    && rm -rf /app

WORKDIR /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# The check asks the port the emulator serves: a `--port` given to the container's command, else
# MM_EMULATOR_PORT (so `-e MM_EMULATOR_PORT=...` moves it too); over HTTPS when it serves HTTPS.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-m", "emulator.healthcheck"]
CMD ["mm-emulator", "serve", "--host", "0.0.0.0"]
