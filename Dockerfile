# dealwatch in one container: SQLite in /data by default, config mounted at /config/config.yaml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DEALWATCH_CONFIG=/config/config.yaml
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install . && useradd --system --uid 10001 --home /data dealwatch \
    && mkdir -p /data /config && chown dealwatch /data
COPY config.example.yaml /config/config.yaml
USER dealwatch
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["dealwatch"]
CMD ["run"]
