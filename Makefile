# Emergent — the two commands in the README:
#   make run    set up everything, build, and start the main job (the agent platform, its web UI and the OpenAI API)
#   make test   set up everything (including llama.cpp's peer tools) and run every test
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: setup setup-peers build release run test bench clean-deps

setup:
	@scripts/setup.sh

setup-peers:
	@scripts/setup.sh --peers

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

run: release
	.build/release/emergent serve

test: setup-peers
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	scripts/compat.sh .build/debug/emergent

bench: setup-peers release
	.build/release/emergent bench engine
	.build/release/emergent bench serve

clean-deps:
	rm -rf .deps
