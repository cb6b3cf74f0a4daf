# syntax=docker/dockerfile:1
# Build stage: make the wheel.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY web ./web
COPY scheduler ./scheduler
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

# Runtime stage: the wheel, Chinese fonts for printed notices, a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    JOBBRIDGE_ENV=production JOBBRIDGE_VAR_DIR=/var/lib/jobbridge
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 jobbridge \
 && mkdir -p /var/lib/jobbridge && chown jobbridge /var/lib/jobbridge
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER jobbridge
WORKDIR /var/lib/jobbridge
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# Web worker by default; the scheduler service runs the same image with `jobbridge scheduler`.
CMD ["jobbridge", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-scheduler"]
