#!/usr/bin/env bash
# The built-in demo: creates a local Git repository from examples/demo/repository, writes a
# StageSet that reads it, and runs the agent on it. No cluster is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build --product stageset-agent
agent="$(swift build --show-bin-path)/stageset-agent"

work="${DEMO_DIR:-$(mktemp -d /tmp/stageset-agent-demo.XXXXXX)}"
mkdir -p "$work"
echo "demo directory: $work"

# A Git repository with the demo manifests, as an operator would have on a Git server.
rm -rf "$work/repository"
cp -r examples/demo/repository "$work/repository"
git -C "$work/repository" init --quiet -b main
git -C "$work/repository" add -A
git -C "$work/repository" -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "demo manifests"

mkdir -p "$work/config" "$work/state" "$work/secrets"
sed "s|@REPOSITORY_URL@|file://$work/repository|" examples/demo/stageset.yaml.in > "$work/config/demo.yaml"

export STAGESET_AGENT_CONFIG="$work/config" STAGESET_AGENT_STATE_DIR="$work/state" STAGESET_AGENT_SECRETS_DIR="$work/secrets"

echo
echo "\$ stageset-agent validate"
"$agent" validate
echo
echo "\$ stageset-agent build"
"$agent" build
