#!/usr/bin/env node
// The `reciprocity` command: runs the TypeScript sources through tsx, no build step.
/* global process */
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
