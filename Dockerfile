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
# The port comes from the container's environment, so `-e MM_EMULATOR_PORT=...` moves the check too;
# so does HTTPS (MM_EMULATOR_TLS or MM_EMULATOR_TLS_CERT), checked on loopback without verifying the
# certificate: the check asks whether the emulator answers, not who it is.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import os, ssl, urllib.request; tls = os.environ.get('MM_EMULATOR_TLS', '').lower() in ('1', 'true', 't', 'yes', 'y', 'on') or bool(os.environ.get('MM_EMULATOR_TLS_CERT')); urllib.request.urlopen(('https' if tls else 'http') + '://127.0.0.1:' + os.environ['MM_EMULATOR_PORT'] + '/_emulator/health', timeout=2, context=ssl._create_unverified_context() if tls else None)"]
CMD ["mm-emulator", "serve", "--host", "0.0.0.0"]
