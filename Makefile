# sumd — the two quick-start commands are `make demo` and `make test`.
# Both install what a fresh Debian 12 machine lacks (apt packages, only the missing ones), then build.

SWIFT        ?= swift
CONFIG       ?= release
BUILD_FLAGS  := -c $(CONFIG)
BIN          := .build/$(CONFIG)/sumd
APT_PACKAGES := pkg-config libinotifytools0-dev libopenblas-dev libssl-dev zlib1g-dev python3-numpy systemd
PREFIX       ?= /usr/local

.PHONY: all deps build test demo bench clean

all: build

## deps: apt-get install whichever of APT_PACKAGES are missing (python3-numpy only if no numpy at all).
deps:
	@./scripts/install-deps $(APT_PACKAGES)

## build: release build of the sumd executable.
build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product sumd

## test: the whole test suite (unit, golden PyTorch parity, formats, inotify, daemon integration).
test: deps
	$(SWIFT) build $(BUILD_FLAGS) --product sumd
	SUMD_BIN=$(CURDIR)/$(BIN) $(SWIFT) test $(BUILD_FLAGS) --parallel --num-workers 2

## demo: the main job end to end on built-in defaults.
demo: build
	./scripts/demo $(BIN)

## bench: engine throughput (images/s for inference and training at batch 1, 64, 1024).
bench: build
	$(BIN) bench

clean:
	rm -rf .build
