// One version of one open document, loaded once: what the loader found, the AST to reason over, and the lazily
// built knowledge every feature shares (environments, run order, expression sites, symbols).
import { RunbookEnvs } from "../check/environment.js";
import { RunOrder } from "../check/run-order.js";
import type { ActionCatalog } from "../contract/action.js";
import type { SourceFile } from "../diagnostics/source-file.js";
import type { Runbook } from "../parser/ast.js";
import { type LoadResult, loadRunbook } from "../parser/load.js";
import { collectSites, type Site } from "./sites.js";
import { buildSymbols, type Symbols } from "./symbols.js";

/** A loaded document version and what the features derive from it, each at most once. */
export class Analysis {
  readonly loaded: LoadResult;
  /** The AST features reason over: the checked one, else the partial one of a refused document. */
  readonly runbook: Runbook | undefined;
  private envsCache: RunbookEnvs | undefined;
  private orderCache: RunOrder | undefined;
  private sitesCache: Site[] | undefined;
  private symbolsCache: Symbols | undefined;

  constructor(
    readonly file: string,
    readonly version: number,
    text: string,
    readonly catalog: ActionCatalog,
  ) {
    this.loaded = loadRunbook(file, text, { catalog, editor: true });
    this.runbook = this.loaded.runbook ?? this.loaded.partial;
  }

  get source(): SourceFile {
    return this.loaded.source;
  }

  /** The type environments of the document's expressions (one walk, shared). */
  get envs(): RunbookEnvs | undefined {
    if (!this.runbook) return undefined;
    this.envsCache ??= new RunbookEnvs(this.runbook, this.catalog);
    return this.envsCache;
  }

  /** Which steps can have run before each step. */
  get order(): RunOrder | undefined {
    if (!this.runbook) return undefined;
    this.orderCache ??= new RunOrder(this.runbook);
    return this.orderCache;
  }

  /** Every expression and template of the document with the names it may read. */
  get sites(): readonly Site[] {
    if (!this.sitesCache) {
      const envs = this.envs;
      const order = this.order;
      this.sitesCache =
        this.runbook && envs && order ? collectSites(this.runbook, envs, order, this.catalog) : [];
    }
    return this.sitesCache;
  }

  /** Declarations and references of params, steps, env names and check suites. */
  get symbols(): Symbols {
    this.symbolsCache ??= buildSymbols(this.runbook, this.sites, this.source);
    return this.symbolsCache;
  }
}
