#!/usr/bin/env bash
# The built-in demo: creates a local Git repository from examples/demo/repository, writes a
# StageSet that reads it, and rolls it out stage by stage. With KUBECONFIG set it applies to
# that cluster; otherwise it starts the Kubernetes API emulator (a test tool) on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build --product stageset-agent
swift build --product kube-emulator
bin="$(swift build --show-bin-path)"
agent="$bin/stageset-agent"

work="${DEMO_DIR:-$(mktemp -d /tmp/stageset-agent-demo.XXXXXX)}"
mkdir -p "$work"
echo "demo directory: $work"

# A Git repository with the demo manifests, as an operator would have on a Git server.
rm -rf "$work/repository" "$work/state"
cp -r examples/demo/repository "$work/repository"
git -C "$work/repository" init --quiet -b main
git -C "$work/repository" add -A
git -C "$work/repository" -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "demo manifests"

mkdir -p "$work/config" "$work/state" "$work/secrets"
sed "s|@REPOSITORY_URL@|file://$work/repository|" examples/demo/stageset.yaml.in > "$work/config/demo.yaml"
export STAGESET_AGENT_CONFIG="$work/config" STAGESET_AGENT_STATE_DIR="$work/state" STAGESET_AGENT_SECRETS_DIR="$work/secrets"

if [ -z "${KUBECONFIG:-}" ]; then
  rm -rf "$work/emulator"
  "$bin/kube-emulator" --state-dir "$work/emulator" --kubeconfig-out "$work/kubeconfig" > "$work/emulator.log" 2>&1 &
  emulator=$!
  trap 'kill $emulator 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.1; done
  export KUBECONFIG="$work/kubeconfig"
  echo "Kubernetes API emulator: $(head -n 1 "$work/emulator.log")"
fi

run() {
  echo
  echo "\$ stageset-agent $*"
  "$agent" "$@"
}

run validate
run reconcile --once
run status

# A change in Git: scale the app and drop a setting; diff shows it, the next pass applies it.
sed -i 's/replicas: 2/replicas: 3/' "$work/repository/clusters/demo/app/web.yaml"
git -C "$work/repository" rm --quiet clusters/demo/infra/settings.yaml
cat > "$work/repository/clusters/demo/infra/settings.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: demo
data:
  greeting: "Hello again from stageset-agent"
  log-level: info
YAML
git -C "$work/repository" add -A
git -C "$work/repository" -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "scale web, drop the credentials Secret"

run diff || true
run reconcile --once
run status
