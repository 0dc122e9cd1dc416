# syntax=docker/dockerfile:1
#
# relnotes: one image for every process (operator, model-service, view, migrate).
# Build:  docker build -t relnotes:0.1.0 .
# Run:    docker run --rm relnotes:0.1.0 model-service --host 0.0.0.0 --port 8000
#
# The builder stage turns pyproject.toml + operator/ into wheels (the project's and all of its
# dependencies'); the final stage installs only those wheels, offline, into a venv through a
# BuildKit bind mount, so no wheel, pip cache or build tool ends up in a layer of the final image.

FROM python:3.11.14-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY operator/ operator/
RUN python -m pip wheel --wheel-dir /wheels .

FROM python:3.11.14-slim-bookworm

ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="relnotes" \
      org.opencontainers.image.description="Kubernetes operator that turns ReleaseNote resources into LLM-drafted release notes" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11.14-slim-bookworm"

ENV PATH="/opt/relnotes/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# uid/gid 10001: above the host's range, and what the manifests' runAsUser expects.
RUN groupadd --system --gid 10001 relnotes \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin relnotes

# The venv has no pip of its own (--without-pip): the base image's pip installs into it
# (--python), offline (--no-index), from the builder's wheels, which are never copied.
# The smoke check opens every door the manifests use: each subcommand's --help must run
# (tests/acceptance/test_doors.py keeps the list equal to the CLI's).
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    /usr/local/bin/python -m venv --without-pip /opt/relnotes \
    && /usr/local/bin/python -m pip --python /opt/relnotes/bin/python install --no-index \
       --find-links=/wheels /wheels/relnotes-*.whl \
    && for command in render operator model-service view migrate; do \
         relnotes "$command" --help > /dev/null || exit 1; \
       done

USER 10001:10001
WORKDIR /tmp

# Kubernetes probes (/healthz, /readyz) check health; a Docker HEALTHCHECK would only duplicate them.
HEALTHCHECK NONE

ENTRYPOINT ["relnotes"]
CMD ["operator"]
