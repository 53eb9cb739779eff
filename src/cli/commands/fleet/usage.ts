// The text of `rbx fleet --help`: every verb and option in one place, printed by the verbs on a usage error.
/** Shown by `rbx fleet --help`. */
export const usage = `Usage: rbx fleet run RUNBOOK --fleet FLEET.yaml --max-concurrency N|N% --max-errors N|N% [options]
       rbx fleet plan RUNBOOK --fleet FLEET.yaml [--max-concurrency N|N%] [--max-errors N|N%] [--canary N]
       rbx fleet resume FLEET_ID [--retry-failed] [--force] [--max-concurrency N|N%] [--max-errors N|N%]
       rbx fleet status FLEET_ID [--json]
       rbx fleet list
       rbx fleet report FLEET_ID [--format md|html] [--out DIR]
       rbx fleet approve FLEET_ID STEP

Run one runbook on every target of a kind: Fleet document, each target an ordinary run (its own journal,
locks, resume, skip, rollback), at a controlled rate — AWS SSM Automation's rate control:
  --max-concurrency N|N%  never more than this many targets at once (a percentage of the targets, rounded
                          up, at least 1)
  --max-errors N|N%       once MORE than this many targets have failed, no new target starts; running ones
                          finish, then the fleet halts (0: the first failure stops it; 10% of 50 is 5: the
                          sixth failure stops it). A halted target counts as failed; a target waiting for
                          approval does not.
  --canary N              the first N targets run first, as a wave that must finish before the rest start
  --halts-are-errors=false  a target whose run halted does not count against --max-errors
  --executor local|kubernetes  where runs execute: child processes here (default) or one Job per target
                          (kubernetes: --job-namespace NS where the Jobs go, --image (default rbx:VERSION),
                          --kubeconfig F, --context C — as rbx submit)
  --selector k=v[,k=v]    only the targets whose labels match
  --fleet-id ID           the fleet's id (default: its name, the date and a random suffix)
  --approve ID, --approve-all  approvals given to every target's run, as with rbx run
  --store URL             the PostgreSQL store (also RBX_STORE or \`store:\` in .rbx.yaml): fleets live there
  --state-dir DIR         where each target's params file and output log go (DIR/fleets/FLEET_ID/)

resume picks a fleet up where it stopped — after a halt, an interrupt, or a controller that died: runs its
previous controller left running are waited for (never started twice), halted and interrupted runs are
resumed (rbx resume), pending targets start; --retry-failed runs failed targets again as new runs.
approve records an approval of STEP in every run waiting for it (then resume the fleet).

Exit status: 0 every target succeeded; 1 finished with failures within --max-errors; 2 usage or a document
that does not check; 3 halted (max-errors exceeded, or targets wait for approval); 130 interrupted.
`;
