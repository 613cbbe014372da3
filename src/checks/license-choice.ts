// Does a declared license expression let the user choose something other than the PPL?
// `MIT OR PPL` does (no obligation); `PPL` and `PPL AND MIT` do not.
import parse from "spdx-expression-parse";

type Node = { license: string; plus?: boolean; exception?: string } | { conjunction: "and" | "or"; left: Node; right: Node };

function satisfiableWithoutPpl(node: Node): boolean {
  if ("license" in node) return node.license !== "PPL";
  const l = satisfiableWithoutPpl(node.left);
  const r = satisfiableWithoutPpl(node.right);
  return node.conjunction === "or" ? l || r : l && r;
}

export type LicenseChoice = "ppl" | "non_ppl_alternative" | "undeclared";

export function licenseChoice(expression: string | null): LicenseChoice {
  if (!expression) return "undeclared";
  let tree: Node;
  try {
    tree = parse(expression);
  } catch {
    // Free text (e.g. "SEE LICENSE IN …"): it declares nothing we can rely on.
    return "undeclared";
  }
  return satisfiableWithoutPpl(tree) ? "non_ppl_alternative" : "ppl";
}
