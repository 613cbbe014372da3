// `npm run openapi`: writes the OpenAPI document the server publishes to ./openapi.json (committed; a test
// fails when the two differ).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openApiDocument } from "./openapi-document.js";

const file = join(import.meta.dirname, "../openapi.json");
writeFileSync(file, JSON.stringify(await openApiDocument(), null, 2) + "\n");
process.stdout.write(`wrote ${file}\n`);
