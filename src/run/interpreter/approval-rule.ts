// Whose approvals count for a step: distinct people, never the run's starter when the step says `notStarter`.
import type { Actor, ApproverRule } from "../../contract/approval.js";
import { formatActor, personOf } from "../model/events.js";
import type { ApprovalRecord, RunState } from "../model/state.js";

/** One approver unless the step asks for more. */
export const ONE_APPROVER: ApproverRule = { min: 1, notStarter: false };

/** The person who started the run, as recorded in `run.started`. */
export function starterOf(state: Readonly<RunState>): Actor | undefined {
  const s = state.started;
  return s ? { user: s.user, host: s.host, ...(s.role ? { role: s.role } : {}) } : undefined;
}

/** The actor of a recorded approval (older journals recorded only the name). */
function actorOfRecord(r: ApprovalRecord): Actor {
  return r.actor ?? { user: r.by, host: "?" };
}

/** Where a step's approvals stand under a rule: the approvals that count, and how many more are needed. */
export interface ApprovalStanding {
  counted: ApprovalRecord[];
  missing: number;
}

/** Count the distinct qualifying approvers of `step`. */
export function approvalStanding(
  state: Readonly<RunState>,
  step: string,
  rule: ApproverRule = ONE_APPROVER,
): ApprovalStanding {
  const starter = starterOf(state);
  const seen = new Set<string>();
  const counted: ApprovalRecord[] = [];
  for (const r of state.approvals.get(step) ?? []) {
    const who = personOf(actorOfRecord(r));
    if (seen.has(who)) continue;
    if (rule.notStarter && starter && who === personOf(starter)) continue;
    seen.add(who);
    counted.push(r);
  }
  return { counted, missing: Math.max(0, rule.min - counted.length) };
}

/**
 * Why `actor`'s approval of `step` would not count, or undefined when it would: the starter under `notStarter`,
 * or someone whose approval is already counted.
 */
export function approvalRefusal(
  state: Readonly<RunState>,
  step: string,
  rule: ApproverRule,
  actor: Actor,
): string | undefined {
  const who = personOf(actor);
  const starter = starterOf(state);
  if (rule.notStarter && starter && who === personOf(starter)) {
    return `${formatActor(actor)} started this run, and ${step} must be approved by someone else`;
  }
  const standing = approvalStanding(state, step, rule);
  if (standing.counted.some((r) => personOf(actorOfRecord(r)) === who)) {
    return `${formatActor(actor)} has already approved ${step}; it needs ${standing.missing} more approver(s)`;
  }
  return undefined;
}

/** The approvers' names for the step's output, in the order they approved. */
export function approverNames(standing: ApprovalStanding): string[] {
  return standing.counted.map((r) => (r.actor ? formatActor(r.actor) : r.by));
}

/** What a halted run tells the operator when a step still needs approvers. */
export function stillNeeded(rule: ApproverRule, standing: ApprovalStanding, starter?: Actor): string {
  const more = standing.missing === 1 ? "one more approver" : `${standing.missing} more approvers`;
  const other = rule.notStarter && starter ? ` other than ${formatActor(starter)}, who started the run` : "";
  return `needs ${more}${other}`;
}
