# Spool: every target installs what it needs on a fresh machine (the .NET SDK, node/npm and apt are assumed).
SHELL := /bin/bash
CONFIG ?= Release
DOTNET ?= dotnet
RESULTS ?= artifacts/test-results
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

.PHONY: all build test test-unit demo dev bench chaos crds chart-lint publish tools clean

all: build

tools:
	bash tools/install-clients.sh

build:
	$(DOTNET) build Operator.sln -c $(CONFIG)

# The whole suite: unit, property, component (embedded API server, kubectl, helm, python) and end-to-end.
test: tools build
	rm -rf $(RESULTS)
	$(DOTNET) test Operator.sln -c $(CONFIG) --no-build --results-directory $(RESULTS) --logger "trx" --logger "console;verbosity=normal"

# Pure unit and property tests only; no external tools needed.
test-unit: build
	$(DOTNET) test Operator.sln -c $(CONFIG) --no-build --filter "TestCategory!=Component&TestCategory!=EndToEnd"

# The scripted story on the embedded cluster: back up, kill the owner node mid-stream, resume, restore, verify.
demo: tools build
	$(DOTNET) operator/src/Spool.DevCluster/bin/$(CONFIG)/net10.0/spool-dev.dll demo $(DEMO_ARGS)

# The embedded cluster in the foreground; kubectl --kubeconfig .spool/kubeconfig works against it.
dev: tools build
	$(DOTNET) operator/src/Spool.DevCluster/bin/$(CONFIG)/net10.0/spool-dev.dll up $(DEV_ARGS)

# Speed targets, measured against the peers in the same run.
bench: tools build
	$(DOTNET) tests/Spool.Bench/bin/$(CONFIG)/net10.0/Spool.Bench.dll all

# Long soak: random faults during a 1 GiB backup.
chaos: tools build
	$(DOTNET) operator/src/Spool.DevCluster/bin/$(CONFIG)/net10.0/spool-dev.dll chaos $(CHAOS_ARGS)

crds:
	$(DOTNET) run --project operator/src/Spool.Operator -c $(CONFIG) -- generate-crds --output crds --chart charts/spool/crds --reference docs/crd-reference.md

chart-lint: tools
	.tools/bin/helm lint charts/spool
	.tools/bin/helm template spool charts/spool > /dev/null

# The same publish commands the Dockerfile runs: self-contained for linux-x64, so that the images need only
# the runtime-deps base.
publish:
	$(DOTNET) publish operator/src/Spool.Operator -c Release -r linux-x64 --self-contained -o artifacts/publish/operator
	$(DOTNET) publish agent/src/Spool.Agent -c Release -r linux-x64 --self-contained -o artifacts/publish/agent

clean:
	rm -rf artifacts
	$(DOTNET) clean Operator.sln -c $(CONFIG)
