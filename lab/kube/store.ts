// The object store: one global resourceVersion counter, an event log to replay watches from, listeners.
import { type ResourceType, typeKey } from "./resources.js";
import { clone, type KObject } from "./types.js";

/** A change to one object, as watches and controllers see it. */
export interface StoreEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  rv: number;
  resource: ResourceType;
  object: KObject;
}

/** Called synchronously after every change. */
export type StoreListener = (ev: StoreEvent) => void;

/** In-memory objects by type and namespace/name; every write gets the next resourceVersion. */
export class Store {
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly log: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private rv = 1;

  /** `logLimit`: how many events watches can replay (older resourceVersions get 410 Gone). */
  constructor(private readonly logLimit = 20_000) {}
  /** Server-side apply: last applied configuration per object uid and field manager. */
  readonly applied = new Map<string, Map<string, Record<string, unknown>>>();

  /** The latest resourceVersion handed out. */
  currentRv(): number {
    return this.rv;
  }

  private bucket(t: ResourceType): Map<string, KObject> {
    const k = typeKey(t);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  /** A copy of one object, or undefined. */
  get(t: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(t).get(`${namespace ?? ""}/${name}`);
    return o ? clone(o) : undefined;
  }

  /** Copies of all objects of a type, in one namespace or all, ordered by namespace then name. */
  list(t: ResourceType, namespace?: string): KObject[] {
    const out: KObject[] = [];
    for (const o of this.bucket(t).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(clone(o));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ""}/${b.metadata.name}`,
      ),
    );
  }

  /** Store (create or replace) an object, stamping the next resourceVersion; returns the stored copy. */
  put(t: ResourceType, obj: KObject): KObject {
    const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    const b = this.bucket(t);
    const type = b.has(key) ? "MODIFIED" : "ADDED";
    this.rv++;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    b.set(key, stored);
    this.emit({ type, rv: this.rv, resource: t, object: clone(stored) });
    return clone(stored);
  }

  /** Remove an object; returns its last state, or undefined when it did not exist. */
  remove(t: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const key = `${namespace ?? ""}/${name}`;
    const b = this.bucket(t);
    const old = b.get(key);
    if (!old) return undefined;
    b.delete(key);
    this.rv++;
    const last = clone(old);
    last.metadata.resourceVersion = String(this.rv);
    if (old.metadata.uid) this.applied.delete(old.metadata.uid);
    this.emit({ type: "DELETED", rv: this.rv, resource: t, object: clone(last) });
    return last;
  }

  private emit(ev: StoreEvent): void {
    this.log.push(ev);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    for (const l of this.listeners) l(ev);
  }

  /** Events after `rv`, or undefined when the log no longer reaches back that far (410 Gone). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    const first = this.log[0];
    if (first && first.rv > rv + 1 && rv < this.rv) return undefined;
    return this.log.filter((e) => e.rv > rv);
  }

  /** Listen to every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
