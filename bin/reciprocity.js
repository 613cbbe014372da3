#!/usr/bin/env node
// The `reciprocity` command: runs the TypeScript sources through tsx, no build step. `check` is the
// exception: it is the check client (packages/check-client, plain JavaScript), run without tsx or anything
// of the server, so a CI gate starts at once.
/* global process */
if (process.argv[2] === "check") {
  const { runCli } = await import("../packages/check-client/check-client.js");
  process.exitCode = await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/main.ts");
  process.exitCode = await main(process.argv);
}
