// The worker thread of the check parse pool (parse-pool.ts). A worker thread starts without the loaders
// of the thread that made it (under vitest, none at all), so this module, plain enough for Node's own
// type stripping, registers tsx (as bin/reciprocity.js does) and then imports the reader.
import { register } from "tsx/esm/api";

register();
const { readForCheck } = await import("./readers/read-for-check.js");

export default readForCheck;
