// ControllerRevisions of StatefulSets and DaemonSets: one per distinct pod template, numbered like the real history.
import type { Objects } from "../objects.js";
import { clone, isMap, type JsonMap, jsonEqual, type KObject } from "../types.js";
import { controllerRef, type Kinds, ownedBy, specOf, templateHash } from "./common.js";

/** Label the real controllers put on a ControllerRevision (and pods carry as controller-revision-hash). */
export const REVISION_HASH = "controller.kubernetes.io/hash";

/** Pod label naming the revision a pod was made from (`<set>-<hash>` for StatefulSets, `<hash>` for DaemonSets). */
export const POD_REVISION = "controller-revision-hash";

/** One recorded template. */
export interface Revision {
  /** `<owner>-<hash>`, the ControllerRevision's name. */
  name: string;
  hash: string;
  revision: number;
  /** The pod template this revision stands for. */
  template: JsonMap;
}

/** The owner's revisions: the one of its current template (`update`) and all of them, oldest first. */
export interface Revisions {
  update: Revision;
  all: Revision[];
}

function templateOf(cr: KObject): JsonMap {
  const t = isMap(cr.data) && isMap(cr.data.spec) ? cr.data.spec.template : undefined;
  const out = isMap(t) ? clone(t) : {};
  delete out.$patch;
  return out;
}

function toRevision(cr: KObject): Revision {
  return {
    name: cr.metadata.name,
    hash: cr.metadata.labels?.[REVISION_HASH] ?? "",
    revision: typeof cr.revision === "number" ? cr.revision : 0,
    template: templateOf(cr),
  };
}

/** Find or record the revision of `owner`'s current template (a template seen before gets the newest number). */
export function syncRevisions(objects: Objects, kinds: Kinds, owner: KObject): Revisions {
  const ns = owner.metadata.namespace;
  const owned = objects.store.list(kinds.revision, ns).filter((r) => ownedBy(r, owner.metadata.uid));
  const template = isMap(specOf(owner).template) ? (specOf(owner).template as JsonMap) : {};
  const max = Math.max(0, ...owned.map((r) => toRevision(r).revision));
  let cr = owned.find((r) => jsonEqual(templateOf(r), template));
  if (!cr) {
    const hash = templateHash(template);
    const labels =
      isMap(template.metadata) && isMap(template.metadata.labels) ? template.metadata.labels : {};
    cr = objects.create(kinds.revision, ns, {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...labels, [REVISION_HASH]: hash },
        ownerReferences: [controllerRef(owner)],
      },
      data: { spec: { template: { ...clone(template), $patch: "replace" } } },
      revision: max + 1,
    });
    owned.push(cr);
  } else if (toRevision(cr).revision < max) {
    // Back to an older template (a rollback): the old revision becomes the newest, as the real history does.
    const bumped = objects.update(kinds.revision, ns, cr.metadata.name, { ...cr, revision: max + 1 });
    owned.splice(owned.indexOf(cr), 1, bumped);
    cr = bumped;
  }
  const all = owned.map(toRevision).sort((a, b) => a.revision - b.revision);
  return { update: toRevision(cr), all };
}

/** Delete the oldest revisions beyond spec.revisionHistoryLimit that no live pod or status still names. */
export function pruneRevisions(
  objects: Objects,
  kinds: Kinds,
  owner: KObject,
  revisions: Revisions,
  inUse: ReadonlySet<string>,
): void {
  const limit =
    typeof specOf(owner).revisionHistoryLimit === "number" ? specOf(owner).revisionHistoryLimit : 10;
  const spare = revisions.all.filter((r) => r.name !== revisions.update.name && !inUse.has(r.name));
  const extra = spare.length - Number(limit);
  for (const r of spare.slice(0, Math.max(0, extra))) {
    objects.delete(kinds.revision, owner.metadata.namespace, r.name);
  }
}
