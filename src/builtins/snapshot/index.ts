// The snapshot family (PostgreSQL).
import { snapshotCreate } from "./create.js";
import { snapshotList } from "./list.js";
import { snapshotRestore } from "./restore.js";
import { snapshotVerify } from "./verify.js";

/** snapshot.create, snapshot.verify, snapshot.restore, snapshot.list. */
export const snapshotActions = [snapshotCreate, snapshotVerify, snapshotRestore, snapshotList] as const;
