# sumd — the two quick-start commands are `make demo` and `make test`.
# Both install what a fresh Debian 12 machine lacks (apt packages, only the missing ones), then build.

SWIFT        ?= swift
CONFIG       ?= release
BUILD_FLAGS  := -c $(CONFIG)
BIN          := .build/$(CONFIG)/sumd
APT_PACKAGES := pkg-config binutils libinotifytools0-dev libssl-dev zlib1g-dev python3-numpy systemd qemu-user chromium bindfs
PREFIX       ?= /usr/local

.PHONY: all deps build test demo bench clean format lint

all: build

## deps: apt-get install whichever of APT_PACKAGES are missing (python3-numpy only if no numpy at all).
deps:
	@./scripts/install-deps $(APT_PACKAGES)

## build: release build of the sumd executable.
build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product sumd

## test: the whole test suite (unit, golden PyTorch parity on every kernel set this CPU runs, formats,
## inotify, daemon integration, the binary under qemu's emulated CPUs). A test process that dies can
## leave children holding swift test's pipes, so the run is bounded: it fails after TEST_TIMEOUT.
TEST_TIMEOUT ?= 40m
test: deps lint systemd-check deploy-check
	$(SWIFT) build $(BUILD_FLAGS) --product sumd
	SUMD_BIN=$(CURDIR)/$(BIN) timeout --kill-after=30s $(TEST_TIMEOUT) $(SWIFT) test $(BUILD_FLAGS) \
		|| { status=$$?; [ $$status -ne 124 ] || echo "make test: no end after $(TEST_TIMEOUT); stopped" >&2; exit $$status; }

## format: rewrites the Swift sources in the committed style (.swift-format; the toolchain's swift-format).
format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests

## lint: fails on any difference from that style (part of make test, so CI checks it).
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests

## demo: the main job end to end on built-in defaults.
demo: build
	./scripts/demo $(BIN)

## bench: engine throughput (inference at batch 1/64/1024/10,000, training, GFLOP/s, RSS) and, when
## python3 has torch/onnxruntime, PyTorch and ONNX Runtime on the same weights with the ratios.
bench: build
	./scripts/bench $(BIN)

clean:
	rm -rf .build

## python-test: the Python package's tests (python/tests) with real torch and onnxruntime against the
## release sumd; installs what is missing (in .build/python-venv; see scripts/python-test).
.PHONY: python-test
python-test: build
	./scripts/python-test $(BIN)

.PHONY: install uninstall systemd-check systemd-test

## install: release build with the Swift runtime linked in (runs outside /opt/swift), installed as the
## systemd service sumd (see scripts/systemd-install; PREFIX=/usr/local, DESTDIR= for a staging root),
## with bash/zsh/fish completions and the man page (scripts/cli-install). The static build has its own
## directory (.build-static): static and shared builds do not share objects. The man page comes from
## swift-argument-parser's generate-manual plugin, which builds the package first: a debug build, so
## it leaves the release objects `make test` uses alone (a plugin build there left them untestable).
STATIC_SCRATCH ?= .build-static
MANUAL         := .build/plugins/GenerateManual/outputs/sumd/sumd.1
install: deps
	$(SWIFT) build -c release --product sumd --static-swift-stdlib --scratch-path $(STATIC_SCRATCH)
	$(SWIFT) package plugin generate-manual --configuration debug
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) ./scripts/systemd-install install $(STATIC_SCRATCH)/release/sumd
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) ./scripts/cli-install install $(STATIC_SCRATCH)/release/sumd $(MANUAL)

## uninstall: remove what install put (keeps an edited /etc/sumd/sumd.toml, /var/lib/sumd and the user sumd).
uninstall:
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) ./scripts/systemd-install uninstall
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) ./scripts/cli-install uninstall

## systemd-check: systemd-analyze verify (no output allowed) and security (exposure ≤ 1.0) on the unit.
systemd-check: deps
	./scripts/systemd-check

## systemd-test: boots a Debian 12 container with systemd and runs sumd in it as the service
## (needs root; first run ~3 min to build the container's file system; not part of `make test`).
systemd-test: deps
	$(SWIFT) build -c release --product sumd --static-swift-stdlib --scratch-path $(STATIC_SCRATCH)
	./scripts/systemd-test $(STATIC_SCRATCH)/release/sumd

.PHONY: deploy-check

## deploy-check: the Kubernetes manifests in deploy/ offline: kustomize renders them, a client-side dry-run
## apply and kubernetes-validate (from PyPI into .build/deploy-venv) accept them, the Containerfile's paths
## match the ConfigMap's, and the static build's libraries (if built) are in the image (scripts/deploy-check).
deploy-check:
	./scripts/deploy-check $(STATIC_SCRATCH)/release/sumd
