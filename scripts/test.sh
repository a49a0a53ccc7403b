#!/usr/bin/env bash
# Runs the whole test suite (unit tests and tests against real peers: git, openssl, age,
# gpg, sops, moto, jsonnet, kubectl and the Kubernetes API emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build --build-tests
# Serial: many tests drive real peers (git, sops, kubectl, Python servers) with blocking calls;
# in parallel they would starve the 2-core cooperative thread pool that the agent code under test uses.
swift test --skip-build --no-parallel
