#!/usr/bin/env bash
# The README's main job: bring up the local lab, lint, plan and run the Kryton upgrade runbook against it,
# then print where the run stands and write its report. RBX_DEMO_KEEP_LAB=1 leaves the lab running.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
npm run --silent build

rbx() { node bin/rbx.js "$@"; }
runbook=runbooks/kryton.rb.yaml
params=runbooks/lab/kryton.params.yaml

if rbx lab status >/dev/null 2>&1; then
  echo "== A lab is running in .rbx/lab: stopping it for a fresh start"
  rbx lab down
fi
stop_lab() { if [ "${RBX_DEMO_KEEP_LAB:-}" != "1" ]; then rbx lab down || true; fi; }
trap stop_lab EXIT

echo "== rbx lab up (PostgreSQL, the Kubernetes API stand-in, Kryton 4.6.4 installed with the real helm)"
eval "$(rbx lab up --products kryton)"

echo "== rbx lint $runbook"
rbx lint "$runbook"

echo "== rbx plan $runbook"
rbx plan "$runbook" --params-file "$params"

echo "== rbx run $runbook (approvals given with --approve-all for the demo)"
status=0
rbx run "$runbook" --params-file "$params" --approve-all || status=$?

echo "== rbx status"
rbx status
mkdir -p .rbx/reports
rbx report last --format md -o .rbx/reports/kryton-demo.md
rbx report last --format html -o .rbx/reports/kryton-demo.html
echo "== Kryton now reports: $(curl -s "$KRYTON_URL/api/version")"
echo "== Reports: .rbx/reports/kryton-demo.md and .rbx/reports/kryton-demo.html"
if [ "${RBX_DEMO_KEEP_LAB:-}" = "1" ]; then
  echo "== The lab is still running: eval \"\$(node bin/rbx.js lab env)\" in a shell to use it; node bin/rbx.js lab down to stop it."
fi
exit "$status"
