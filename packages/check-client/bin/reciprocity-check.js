#!/usr/bin/env node
// `reciprocity-check <file>`: the check client on its own, without the server's dependencies.
import { runCli } from "../check-client.js";

process.exitCode = await runCli(["check", ...process.argv.slice(2)], process.env, { stdout: process.stdout, stderr: process.stderr });
