// The http family.
import { httpCheck } from "./check.js";

/** http.check. */
export const httpActions = [httpCheck] as const;
