// A real browser for the web tests: playwright-core driving Debian's chromium (installed by
// scripts/install-system-deps.sh, which `npm test` runs first). Any console error fails a test.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Express } from "express";
import { requiredInCi } from "../support/ci.js";
import { listen } from "../support/listen.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where CI is set, a missing browser fails the run (requiredInCi) instead of skipping the browser tests. */
export const chromiumPresent = requiredInCi(
  `chromium at ${CHROMIUM}`,
  existsSync(CHROMIUM),
  "scripts/install-system-deps.sh installs Debian's chromium, or set CHROMIUM_PATH",
);
export const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts/screenshots");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The harness's app on a free port. Absolute URLs (links in mail, OAuth callbacks, badges) come from
 * PUBLIC_URL, never the Host header, so PUBLIC_URL becomes the address the server got.
 */
export async function serve(h: { app: Express; config: { PUBLIC_URL?: string | undefined } }): Promise<{ server: Server; url: string }> {
  const { server, url } = await listen(h.app);
  h.config.PUBLIC_URL = url;
  return { server, url };
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  shot(name: string): Promise<void>;
}

export async function openTab(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {},
): Promise<Tab> {
  // The page's CSP allows no inline script; axe-core is injected as one, so the tests bypass it.
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    bypassCSP: true,
    colorScheme: options.colorScheme ?? "light",
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // A page answered with a deliberate 4xx (a form re-shown with its errors, a 404 page) is
    // reported by Chromium as a failed load of the page itself; that one is the point, not an error.
    const ownStatus =
      m.location().url === page.url() && /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text());
    if (!ownStatus) consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    page,
    context,
    consoleErrors,
    // The whole page, unless it is very tall (a work's license text on a phone is 15,000 px): Chromium
    // stalls on full-page shots of those, so they get the window's view.
    shot: async (name) => {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: height <= 8000 });
    },
  };
}

export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is (WCAG 2.1 A and AA, and best practices), as short lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }
    ).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(" ")}`);
  });
  return violations;
}

/** How many CSS pixels the page is wider than the window (0 when it fits). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}
