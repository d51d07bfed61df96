# syntax=docker/dockerfile:1
# portflow: a static binary on a distroless, non-root base image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/portflow ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="portflow" \
      org.opencontainers.image.description="Ports phone numbers into Bandwidth: CSR-validated port-ins, durable callbacks, a REST API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/portflow/portflow"
COPY --from=build /out/portflow /usr/local/bin/portflow
USER nonroot:nonroot
ENV PORTFLOW_HTTP_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=10s --retries=3 CMD ["/usr/local/bin/portflow", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/portflow"]
CMD ["serve"]
