// Create, update and delete with API-server semantics (names, namespaces, uids, generation, defaults, GC).
import { randomUUID } from "node:crypto";
import { applyDefaults, validateName } from "./defaults.js";
import { alreadyExists, badRequest, conflict, notFound } from "./errors.js";
import { apiVersionOf, type ResourceRegistry, type ResourceType } from "./resources.js";
import type { Store } from "./store.js";
import { clone, isMap, type JsonMap, jsonEqual, type KObject, nowTime } from "./types.js";

/** Options shared by writes. */
export interface WriteOptions {
  dryRun?: boolean;
  /** Write only the status subresource (keeps spec and metadata). */
  status?: boolean;
}

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Five random characters, as generateName and pod names use. */
export function randomSuffix(n = 5): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}

const JOB_UID = "batch.kubernetes.io/controller-uid";

/** The API semantics on top of the store; used by the HTTP layer and the controllers alike. */
export class Objects {
  /** Stops a pod's container; a promise means "delete the pod once it settles" (set by the pod controller). */
  terminator?: (pod: KObject, graceSeconds: number) => Promise<void> | undefined;

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
  ) {}

  /** The Namespace type (namespace existence checks and cascading deletes). */
  get namespaceType(): ResourceType {
    return this.registry.byKind("", "Namespace") as ResourceType;
  }

  private checkBody(t: ResourceType, body: unknown, namespace: string | undefined): KObject {
    if (!isMap(body)) throw badRequest("the request body must be a JSON object");
    if (body.kind !== undefined && body.kind !== t.kind) {
      throw badRequest(`the body kind "${String(body.kind)}" does not match the resource kind "${t.kind}"`);
    }
    const obj = clone(body) as KObject;
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = isMap(obj.metadata) ? obj.metadata : { name: "" };
    if (t.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? "default";
    } else delete obj.metadata.namespace;
    return obj;
  }

  /** POST: create a new object (404 when its namespace is missing, 409 when it exists). */
  create(t: ResourceType, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): KObject {
    const obj = this.checkBody(t, body, namespace);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    validateName(t, meta.name ?? "");
    if (t.namespaced && !this.store.get(this.namespaceType, undefined, meta.namespace ?? "")) {
      throw notFound(this.namespaceType, meta.namespace ?? "");
    }
    if (this.store.get(t, meta.namespace, meta.name)) throw alreadyExists(t, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTime();
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (t.subresources.includes("status") && t.kind !== "Namespace") delete obj.status;
    if (t.kind === "Job") this.jobSelector(obj);
    applyDefaults(t, obj);
    if (opts.dryRun) return obj;
    return this.store.put(t, obj);
  }

  // Jobs select their pods by the job's uid unless the user manages the selector.
  private jobSelector(obj: KObject): void {
    const spec = isMap(obj.spec) ? obj.spec : {};
    obj.spec = spec;
    if (spec.manualSelector === true) return;
    const uid = obj.metadata.uid ?? "";
    const name = obj.metadata.name;
    spec.selector = { matchLabels: { [JOB_UID]: uid } };
    const tpl = isMap(spec.template) ? spec.template : {};
    spec.template = tpl;
    const tmeta: JsonMap = isMap(tpl.metadata) ? tpl.metadata : {};
    tpl.metadata = tmeta;
    tmeta.labels = {
      ...(isMap(tmeta.labels) ? tmeta.labels : {}),
      [JOB_UID]: uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": uid,
      "job-name": name,
    };
  }

  /** PUT: replace an object (409 on a stale resourceVersion); a no-op write keeps the resourceVersion. */
  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): KObject {
    const cur = this.store.get(t, namespace, name);
    if (!cur) throw notFound(t, name);
    const obj = this.checkBody(t, body, namespace ?? cur.metadata.namespace);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict(t, name);
    let next: KObject;
    if (opts.status) {
      next = clone(cur);
      next.status = obj.status;
    } else {
      next = obj;
      next.metadata = {
        ...obj.metadata,
        name,
        uid: cur.metadata.uid,
        creationTimestamp: cur.metadata.creationTimestamp,
        generation: cur.metadata.generation,
      };
      if (t.subresources.includes("status") && t.kind !== "Namespace") next.status = cur.status;
      if (t.kind === "Job" && isMap(next.spec) && isMap(cur.spec)) next.spec.selector = cur.spec.selector;
      applyDefaults(t, next);
      if (t.generation && !jsonEqual(cur.spec, next.spec))
        next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (jsonEqual(cur, next) || opts.dryRun) return jsonEqual(cur, next) ? cur : next;
    return this.store.put(t, next);
  }

  /** DELETE: remove an object now and its dependents (unless orphaned); a namespace takes its contents along. */
  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: { dryRun?: boolean; propagation?: string; gracePeriodSeconds?: number } = {},
  ): KObject {
    const cur = this.store.get(t, namespace, name);
    if (!cur) throw notFound(t, name);
    if (opts.dryRun) return cur;
    if (t.kind === "Pod") {
      // Graceful deletion: the pod stays (Terminating) until its container has stopped, at most its grace period
      // (the DeleteOptions', else the pod's terminationGracePeriodSeconds, else 30 s); 0 (--force) removes it now.
      if (cur.metadata.deletionTimestamp) return cur;
      const fromSpec = isMap(cur.spec) ? cur.spec.terminationGracePeriodSeconds : undefined;
      const grace = opts.gracePeriodSeconds ?? (typeof fromSpec === "number" ? fromSpec : 30);
      const stopping = this.terminator?.(cur, grace);
      if (stopping && grace > 0) {
        cur.metadata.deletionTimestamp = nowTime();
        cur.metadata.deletionGracePeriodSeconds = grace;
        const stored = this.store.put(t, cur);
        const limit = new Promise<void>((resolve) => setTimeout(resolve, grace * 1000 + 1000).unref());
        void Promise.race([stopping, limit])
          .catch(() => undefined)
          .then(() => {
            const gone = this.store.remove(t, namespace, name);
            if (gone) this.collect(gone, false);
          });
        return stored;
      }
    }
    if (t.kind === "Namespace") {
      for (const rt of this.registry.types) {
        if (!rt.namespaced) continue;
        for (const o of this.store.list(rt, name)) this.store.remove(rt, name, o.metadata.name);
      }
    }
    const last = this.store.remove(t, namespace, name) ?? cur;
    this.collect(last, opts.propagation === "Orphan");
    last.metadata.deletionTimestamp = nowTime();
    return last;
  }

  // Garbage collection: dependents whose ownerReferences name the deleted uid.
  private collect(owner: KObject, orphan: boolean): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const rt of this.registry.types) {
      if (!rt.namespaced) continue;
      for (const o of this.store.list(rt, owner.metadata.namespace)) {
        const refs = o.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        if (orphan) {
          o.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
          this.store.put(rt, o);
        } else {
          const gone = this.store.remove(rt, o.metadata.namespace, o.metadata.name);
          if (gone) this.collect(gone, false);
        }
      }
    }
  }
}
