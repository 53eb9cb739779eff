// The standard library: every built-in overload's implementation, by overload id.
import { arith } from "./arith.js";
import { convert } from "./convert.js";
import type { ImplTable } from "./impl.js";
import { lists } from "./lists.js";
import { strings } from "./strings.js";
import { text } from "./text.js";
import { timeFns } from "./time-fns.js";

/** All implementations; a test checks that every declared overload has one. */
export const stdlib: ImplTable = { ...arith, ...strings, ...text, ...convert, ...timeFns, ...lists };
