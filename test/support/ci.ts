// Where CI is set, something the suite needs and cannot find fails the run; elsewhere its tests skip with a notice.
export function requiredInCi(what: string, present: boolean, fix: string): boolean {
  if (!present && process.env.CI) throw new Error(`${what} is missing in CI: ${fix}`);
  if (!present) console.warn(`NOTICE: ${what} is missing (${fix}); its tests are skipped.`);
  return present;
}
