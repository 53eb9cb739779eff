#!/usr/bin/env bash
# The GitHub Action's lint steps (action.yml), run with `rbx` on PATH:
#   lint.sh sarif   writes the SARIF report (findings do not fail this step; a usage or config error does) and sets
#                   the outputs sarif-file, errors and warnings;
#   lint.sh github  prints the findings as workflow commands (annotations on the diff) and fails on errors, or on
#                   more warnings than RBX_MAX_WARNINGS.
set -euo pipefail
set -f # RBX_PATHS holds rbx's own globs: the shell must not expand them

mode="${1:?usage: lint.sh sarif|github}"
read -r -d '' -a paths <<<"${RBX_PATHS:-runbooks}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  echo "rbx lint: the paths input is empty" >&2
  exit 2
fi
args=()
if [ -n "${RBX_CONFIG:-}" ]; then args+=(--config "$RBX_CONFIG"); fi

case "$mode" in
sarif)
  sarif="${RBX_SARIF_FILE:?RBX_SARIF_FILE is not set}"
  if [ -n "${RBX_DOCS_URL:-}" ]; then args+=(--docs-url "$RBX_DOCS_URL"); fi
  status=0
  rbx lint --format sarif --output "$sarif" "${args[@]}" "${paths[@]}" || status=$?
  # 1 means findings: the annotations step reports them and fails; 2 is a usage or config error.
  if [ "$status" -gt 1 ]; then exit "$status"; fi
  node -e '
    const log = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const results = log.runs.flatMap((r) => r.results);
    const count = (level) => results.filter((r) => r.level === level).length;
    process.stdout.write(`errors=${count("error")}\nwarnings=${count("warning")}\n`);
  ' "$sarif" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
  ;;
github)
  if [ -n "${RBX_MAX_WARNINGS:-}" ]; then args+=(--max-warnings "$RBX_MAX_WARNINGS"); fi
  exec rbx lint --format github "${args[@]}" "${paths[@]}"
  ;;
*)
  echo "usage: lint.sh sarif|github" >&2
  exit 2
  ;;
esac
