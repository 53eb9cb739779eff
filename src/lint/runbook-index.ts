// Facts about one runbook that several rules need, computed once and only when asked.
import type { Param, Runbook, SourceText } from "../parser/ast.js";
import { ExpressionCache, type ExpressionInfo } from "./expression-names.js";
import type { StepSite } from "./visitor.js";
import { walkRunbook } from "./walk.js";

/** Lazily built lookups shared by all rules of one lint run. */
export class RunbookIndex {
  readonly expressions = new ExpressionCache();
  private sitesCache: StepSite[] | undefined;
  private byId: Map<string, StepSite> | undefined;
  private paramsByName: Map<string, Param> | undefined;
  private readIds: Set<string> | undefined;

  constructor(readonly runbook: Runbook) {}

  /** Every step of the document with its place (check suites, phases, rollbacks, verify). */
  sites(): readonly StepSite[] {
    if (!this.sitesCache) {
      const all: StepSite[] = [];
      walkRunbook(this.runbook, [{ step: (s) => all.push(s) }]);
      this.sitesCache = all;
    }
    return this.sitesCache;
  }

  /** The phase or rollback step with this id (what `steps.ID` refers to). */
  stepById(id: string): StepSite | undefined {
    if (!this.byId) {
      this.byId = new Map();
      for (const s of this.sites()) {
        if (s.step.id && (s.place === "phase" || s.place === "rollback") && !this.byId.has(s.step.id.value)) {
          this.byId.set(s.step.id.value, s);
        }
      }
    }
    return this.byId.get(id);
  }

  /** A param by name. */
  param(name: string): Param | undefined {
    if (!this.paramsByName) this.paramsByName = new Map(this.runbook.params.map((p) => [p.name.value, p]));
    return this.paramsByName.get(name);
  }

  /** The ids of steps whose output some expression or template of the document reads (`steps.ID…`). */
  stepsRead(): ReadonlySet<string> {
    if (!this.readIds) {
      const ids = new Set<string>();
      walkRunbook(this.runbook, [
        {
          expression: (site) => {
            for (const r of this.info(site.text, site.template).references)
              if (r.root === "steps" && r.path[0]) ids.add(r.path[0]);
          },
        },
      ]);
      this.readIds = ids;
    }
    return this.readIds;
  }

  /** The names an expression (template false) or template (template true) reads. */
  info(text: SourceText, template: boolean): ExpressionInfo {
    return this.expressions.get(text, template);
  }
}
