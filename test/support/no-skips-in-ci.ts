// Where CI is set, a test that did not run fails the run: a skipped or todo test (a missing browser,
// database, tool or fixture folder, a forgotten `.skip`) is never a silent green. Elsewhere skips stay
// allowed, with the notice `requiredInCi` prints.
import type { Reporter, TestModule } from "vitest/node";

export default class NoSkipsInCi implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!process.env.CI) return;
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "skipped" || state === "pending") skipped.push(`${test.project.name} ${module.moduleId}: ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    console.error(`\n${skipped.length} test(s) did not run, and CI is set:\n  ${skipped.slice(0, 50).join("\n  ")}`);
    process.exitCode = 1;
  }
}
