declare module "spdx-expression-parse" {
  type LicenseNode = { license: string; plus?: boolean; exception?: string };
  type ConjunctionNode = { conjunction: "and" | "or"; left: LicenseNode | ConjunctionNode; right: LicenseNode | ConjunctionNode };
  function parse(expression: string): LicenseNode | ConjunctionNode;
  export default parse;
}
