# syntax=docker/dockerfile:1
#
# One file, two images:
#   docker build --target operator -t spool/operator:0.1.0 .
#   docker build --target agent    -t spool/agent:0.1.0 .
#
# The build stage runs the same `dotnet publish` commands as `make publish`, which CI runs, so the build
# inside this file is proven without a Docker engine. The apps are published self-contained for linux-x64:
# they carry their own .NET and ASP.NET Core (Kestrel serves the health and metrics endpoints), so the
# runtime images need only runtime-deps (libc, OpenSSL, CA certificates) and no shared framework.
# InvariantGlobalization is on, so no ICU is needed either.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY operator/src/ operator/src/
COPY agent/src/ agent/src/
RUN dotnet publish operator/src/Spool.Operator -c Release -r linux-x64 --self-contained -o /out/operator \
 && dotnet publish agent/src/Spool.Agent -c Release -r linux-x64 --self-contained -o /out/agent

# The operator only talks to the API server, so it runs as an unprivileged user with a read-only root
# file system (the chart mounts /tmp).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS operator
WORKDIR /app
COPY --from=build /out/operator/ ./
USER 65532:65532
# 8080: /metrics, 8081: /healthz and /readyz.
EXPOSE 8080 8081
ENTRYPOINT ["/app/spool-operator"]
CMD ["run"]

# The agent reads other pods' volumes and restores files with their original owners, which takes root.
# The Helm chart takes every capability away except DAC_READ_SEARCH, CHOWN, FOWNER and DAC_OVERRIDE, and
# runs it privileged only when tape devices are configured.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS agent
WORKDIR /app
COPY --from=build /out/agent/ ./
USER 0:0
ENTRYPOINT ["/app/spool-agent"]
CMD ["run"]
