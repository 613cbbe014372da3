// A real browser for the web tests: playwright-core driving Debian's chromium (installed by
// scripts/install-system-deps.sh, which `npm test` runs first). Any console error fails a test.
import { existsSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Express } from "express";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumPresent = existsSync(CHROMIUM);
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

export async function serve(app: Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  shot(name: string): Promise<void>;
}

export async function openTab(browser: Browser, options: { viewport?: { width: number; height: number } } = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
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
    shot: async (name) => void (await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })),
  };
}

export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}
