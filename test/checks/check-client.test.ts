// The check client as a CI runs it: through `reciprocity check` and through the package's own bin, with
// `--version`; a token from the environment never printed whatever the run; and the GitHub Action's step,
// read from action.yml and run as the runner would (inputs as its env, bash), against a test server.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { load } from "js-yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, tempDir, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { listen, type Listening } from "../support/listen.js";

const root = join(import.meta.dirname, "../..");
const PACKAGE_BIN = "packages/check-client/bin/reciprocity-check.js";
const packageVersion = (JSON.parse(readFileSync(join(root, "packages/check-client/package.json"), "utf8")) as { version: string }).version;
/** A recognisable secret: it must not show up anywhere a run prints. */
const SECRET = "rcp_ENVSECRET_do_not_print_0123456789abcdef";
const UNREACHABLE = "http://127.0.0.1:9"; // the discard port: nothing listens there

let h: Harness;
let listening: Listening;
let url: string;
let firmOwner: TestUser;
let firmId: number;

const lockfile = (withPpl = true) =>
  JSON.stringify({
    name: "app",
    lockfileVersion: 3,
    packages: {
      "": { name: "app" },
      ...(withPpl ? { "node_modules/ledger-tool": { version: "2.1.0" } } : {}),
      "node_modules/unrelated": { version: "9.9.9" },
    },
  });

function file(content: string, name = "package-lock.json"): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

beforeEach(async () => {
  h = await makeHarness({ CHECK_RATE_LIMIT_PER_MINUTE: 1000 });
  const c = await Commune.create(h);
  const licensor = await c.org("Commons", "nonprofit");
  await c.work("ledger-tool", licensor.id);
  firmOwner = await makeUser(h);
  firmId = (await c.org("Acme", "commercial", { headcount: 20, owner: firmOwner })).id;
  listening = await listen(h.app);
  url = listening.url;
});
afterEach(async () => {
  await listening.close();
  await h.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CI job: none of the test process's RECIPROCITY_* settings, node on the PATH. */
function jobEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RECIPROCITY_")) env[k] = v;
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
  return { ...env, ...extra };
}

function spawnRun(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The two doors: `reciprocity check …` and the package's own `reciprocity-check …`. */
const DOORS = {
  "reciprocity check": (args: string[]) => [join(root, "bin/reciprocity.js"), "check", ...args],
  "reciprocity-check": (args: string[]) => [join(root, PACKAGE_BIN), ...args],
} as const;

const runDoor = (door: keyof typeof DOORS, args: string[], env: Record<string, string> = {}) =>
  spawnRun(process.execPath, DOORS[door](args), jobEnv(env));

describe.each(Object.keys(DOORS) as (keyof typeof DOORS)[])("%s", (door) => {
  it("--version prints the package's version and exits 0; --help names it", async () => {
    for (const flag of ["--version", "-V"]) {
      const run = await runDoor(door, [flag]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(`${packageVersion}\n`);
      expect(run.stderr).toBe("");
    }
    const help = await runDoor(door, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--version");
  });

  it("never prints a token from the environment: --help, --version, an unreachable server, a bad argument, a refused token, --json", async () => {
    const lock = file(lockfile());
    const env = { RECIPROCITY_TOKEN: SECRET };
    const runs: [string, Run, number][] = [
      ["--help", await runDoor(door, ["--help"], env), 0],
      ["--version", await runDoor(door, ["--version"], env), 0],
      ["unreachable", await runDoor(door, [lock, "--server", UNREACHABLE], env), 2],
      ["unreachable from the environment", await runDoor(door, [lock], { ...env, RECIPROCITY_SERVER: UNREACHABLE }), 2],
      ["bad argument", await runDoor(door, [lock, "--no-such-option", "--server", url], env), 2],
      ["no file", await runDoor(door, ["--server", url], env), 2],
      ["refused token", await runDoor(door, [lock, "--server", url, "--organization", String(firmId)], env), 2],
      ["refused token, --json", await runDoor(door, [lock, "--server", url, "--json"], env), 2],
      // Not a valid header value: fetch names the header in its error, which is redacted.
      ["a token fetch refuses", await runDoor(door, [lock, "--server", url], { RECIPROCITY_TOKEN: `${SECRET}\nX` }), 2],
    ];
    for (const [what, run, code] of runs) {
      expect(run.code, `${what}: ${run.stderr}`).toBe(code);
      expect(run.stdout + run.stderr, what).not.toContain(SECRET);
      expect(run.stdout + run.stderr, what).not.toContain("ENVSECRET");
    }
    expect(runs[2]![1].stderr).toContain("cannot reach");
    expect(runs[4]![1].stderr).toContain("--no-such-option");
    expect(runs[6]![1].stderr).toMatch(/HTTP 401/);
    // A real token from the environment: the JSON report and the text report carry no trace of it.
    const real = { RECIPROCITY_TOKEN: firmOwner.token, RECIPROCITY_SERVER: url };
    const json = await runDoor(door, [lock, "--organization", String(firmId), "--json"], real);
    expect(json.code, json.stderr).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ organizationId: firmId });
    const text = await runDoor(door, [lock, "--organization", String(firmId)], real);
    expect(text.code, text.stderr).toBe(1);
    for (const run of [json, text]) expect(run.stdout + run.stderr).not.toContain(firmOwner.token);
  });
});

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: { shell?: string; env?: Record<string, string>; run?: string }[] };
}

describe("the GitHub Action (action.yml)", () => {
  const action = load(readFileSync(join(root, "action.yml"), "utf8")) as ActionYml;

  /** Runs the action's step as the runner does: `${{ inputs.x }}` replaced in its env, its script by bash. */
  function runAction(inputs: Record<string, string>): Promise<Run> {
    const given = (name: string) => {
      const input = action.inputs[name];
      if (!input) throw new Error(`action.yml has no input ${name}`);
      return inputs[name] ?? input.default ?? "";
    };
    const [step] = action.runs.steps;
    const env: Record<string, string> = { GITHUB_ACTION_PATH: root };
    for (const [k, v] of Object.entries(step!.env ?? {}))
      env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => given(name));
    return spawnRun("bash", ["-e", "-c", step!.run!], jobEnv(env));
  }

  it("runs the package's bin, with the inputs it declares", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps).toHaveLength(1);
    const [step] = action.runs.steps;
    expect(step!.shell).toBe("bash");
    expect(step!.run).toContain(`node "$GITHUB_ACTION_PATH/${PACKAGE_BIN}"`);
    expect(existsSync(join(root, PACKAGE_BIN))).toBe(true);
    const bin = (JSON.parse(readFileSync(join(root, "packages/check-client/package.json"), "utf8")) as { bin: Record<string, string> }).bin;
    expect(Object.values(bin).map((p) => `packages/check-client/${p}`)).toContain(PACKAGE_BIN);
    // Every input the step reads is declared; the required ones are the lockfile and the server.
    const used = [...JSON.stringify(step!.env).matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!);
    expect(used.sort()).toEqual(Object.keys(action.inputs).sort());
    expect(
      Object.entries(action.inputs)
        .filter(([, i]) => i.required)
        .map(([k]) => k),
    ).toEqual(["lockfile", "server"]);
    // The token goes through the environment, never on the command line.
    expect(step!.run).not.toMatch(/--token|inputs\.token/);
  });

  it("exits 1 while obligations are unmet, 0 once the usage is declared or nothing is owed, 2 on error; the token is not logged", async () => {
    const lock = file(lockfile());
    const priced = { lockfile: lock, server: url, organization: String(firmId), token: firmOwner.token };
    const owed = await runAction(priced);
    expect(owed.code, owed.stderr).toBe(1);
    expect(owed.stdout).toContain("1 package(s) carry a commercial obligation");
    const anonymous = await runAction({ lockfile: lock, server: url });
    expect(anonymous.code, anonymous.stderr).toBe(1);
    expect((await runAction({ lockfile: file(lockfile(false)), server: url })).code).toBe(0);

    const check = await api(h)
      .post(`/api/v1/checks?organizationId=${firmId}`)
      .set(firmOwner.auth)
      .set("content-type", "application/json")
      .send(lockfile())
      .expect(200);
    await api(h)
      .post(`/api/v1/organizations/${firmId}/checks/${check.body.checkId}/usages`)
      .set(firmOwner.auth)
      .send({ purpose: "commercial", startedOn: "2026-03-01" })
      .expect(201);
    const declared = await runAction(priced);
    expect(declared.code, declared.stderr).toBe(0);
    expect(declared.stdout).toContain("ok: no unmet commercial obligations");

    const unreachable = await runAction({ ...priced, server: UNREACHABLE });
    expect(unreachable.code).toBe(2);
    const missing = await runAction({ ...priced, lockfile: join(tempDir(), "missing.json") });
    expect(missing.code).toBe(2);
    for (const run of [owed, declared, unreachable, missing]) expect(run.stdout + run.stderr).not.toContain(firmOwner.token);
  });
});
