#!/usr/bin/env bash
# Runs the whole test suite (unit tests and tests against real peers: git, openssl, age,
# gpg, sops, moto, jsonnet, kubectl and the Kubernetes API emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build --build-tests
swift test --skip-build
