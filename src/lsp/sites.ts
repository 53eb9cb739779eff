// Every expression and template of a runbook with the environment the checker gives it: the linter's one walk
// finds them, and each gets the names, `output` and "has run" view `checkRunbook` checks it against.
import { paramDefaultEnv, type RunbookEnvs, stepOutputType } from "../check/environment.js";
import type { RanBefore, RunOrder } from "../check/run-order.js";
import type { TypeEnv } from "../check/type-env.js";
import type { ActionCatalog } from "../contract/action.js";
import type { ExpressionRole, ExpressionSite, StepSite } from "../lint/visitor.js";
import { walkRunbook } from "../lint/walk.js";
import type { Runbook, SourceText } from "../parser/ast.js";
import { splitTemplate } from "../parser/expr/template-pieces.js";

/** One expression or template of the document and what it may read. */
export interface Site {
  text: SourceText;
  role: ExpressionRole;
  template: boolean;
  step?: StepSite;
  env: TypeEnv;
  /** The steps that can have run when it is evaluated. */
  ran: RanBefore;
  /** The id of the step being judged, which `expect` and `retry.until` may read as `steps.<self>`. */
  self?: string;
}

/** One expression inside a site: [start, end) of the site's decoded text; `open` when its `}}` is not typed yet. */
export interface Piece {
  start: number;
  end: number;
  open: boolean;
}

/** Whether a site reads the judged step's `output`: `expect`, `retry.until`, and the messages of `expect`. */
function judgesOutput(s: ExpressionSite): boolean {
  if (s.role === "expect" || s.role === "until") return true;
  const owner = s.value?.owner;
  const assertion = owner?.kind === "assertion" ? owner.assertion : s.assertion;
  return s.role === "message" && !!assertion && !!s.step?.step.expect.includes(assertion);
}

/** The sites of a runbook, in document order, each with the context `checkRunbook` checks it in. */
export function collectSites(
  runbook: Runbook,
  envs: RunbookEnvs,
  order: RunOrder,
  catalog: ActionCatalog,
): Site[] {
  const out: Site[] = [];
  const defaults = paramDefaultEnv(runbook);
  const nothing = order.ranBefore(undefined);
  walkRunbook(runbook, [
    {
      expression(s) {
        const site: Site = { text: s.text, role: s.role, template: s.template, env: envs.base, ran: nothing };
        if (s.value?.owner.kind === "param") site.env = defaults;
        if (s.step) {
          site.step = s.step;
          site.ran = order.ranBefore(s.step.step);
          if (judgesOutput(s)) {
            site.env = envs.withOutput(stepOutputType(s.step.step, catalog));
            if (s.step.step.id) site.self = s.step.step.id.value;
          }
        }
        out.push(site);
      },
    },
  ]);
  return out;
}

/** The expressions of a site: the whole text of a bare one, each `${{ }}` of a template (an unclosed last one too). */
export function piecesOf(site: Site): Piece[] {
  const text = site.text.text;
  if (!site.template) return [{ start: 0, end: text.length, open: false }];
  const { pieces, unclosedAt } = splitTemplate(text);
  const out: Piece[] = [];
  for (const p of pieces) if (p.kind === "expr") out.push({ start: p.start, end: p.end, open: false });
  if (unclosedAt !== undefined) out.push({ start: unclosedAt + 3, end: text.length, open: true });
  return out;
}

/** The site whose scalar holds a file offset (the innermost: sites never nest, so the first found). */
export function siteAt(sites: readonly Site[], offset: number): Site | undefined {
  for (const s of sites) {
    const span = s.text.span;
    if (offset >= span.start.offset && offset <= span.end.offset) return s;
  }
  return undefined;
}
