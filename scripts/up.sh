#!/usr/bin/env bash
# `npm run up`: `pulumi up` of the root project (examples/local) on the local Docker engine, with its
# state in a local file backend (.pulumi-state/) rather than a Pulumi Cloud account.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pulumi >/dev/null 2>&1; then
  echo "npm run up needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/)." >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "npm run up needs a running Docker engine (docker info failed)." >&2
  exit 1
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
# The program imports berth/... as a user's would; from this repository that resolves to the build.
npm run build --silent

mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}"
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  echo "PULUMI_CONFIG_PASSPHRASE is not set: the local stack's secrets use an empty passphrase." >&2
  echo "Set PULUMI_CONFIG_PASSPHRASE for any stack that is more than a laptop experiment." >&2
  export PULUMI_CONFIG_PASSPHRASE=""
fi

stack="${BERTH_STACK:-local}"
pulumi stack select --create "$stack" --non-interactive
# The example's API token is a stack secret; a new stack gets a random one, kept across runs.
if ! pulumi config get apiToken --stack "$stack" >/dev/null 2>&1; then
  node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' |
    pulumi config set --secret apiToken --stack "$stack"
fi
pulumi up --yes --stack "$stack" "$@"
