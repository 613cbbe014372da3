// The npm registry, asked one thing: which repository a package's metadata names. A package claim is
// proven when it names the repository whose control the maintainer proved (PRODUCT.md §13). The
// registry is read outside any transaction, with a timeout; when it cannot be reached the claim simply
// stays unproven (a treasurer may still verify it by hand).
import { parseRepositoryUrl } from "./parse-repository.js";

export interface NpmRegistryOptions {
  baseUrl: string;
  timeoutMs: number;
}

/** What the registry said of a package: the repository key it names (`host/owner/name`), or why none. */
export type PackageRepository = { key: string } | { key: null; why: "not_found" | "no_repository" | "unreachable" };

/** The largest metadata document read (a packument of a long-lived package is a few MB). */
const MAX_METADATA_BYTES = 32 * 1024 * 1024;

export class NpmRegistry {
  constructor(private readonly options: NpmRegistryOptions) {}

  /** The repository that `name`'s registry metadata names. */
  async repositoryOf(name: string): Promise<PackageRepository> {
    // Scoped names keep their @ and encode the slash, as the registry expects: @scope%2fname.
    const path = name.startsWith("@") ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl.replace(/\/+$/, "")}/${path}`, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch {
      return { key: null, why: "unreachable" };
    }
    if (response.status === 404) return { key: null, why: "not_found" };
    if (!response.ok || Number(response.headers.get("content-length") ?? 0) > MAX_METADATA_BYTES) {
      await response.body?.cancel();
      return { key: null, why: "unreachable" };
    }
    let doc: unknown;
    try {
      doc = await response.json();
    } catch {
      return { key: null, why: "unreachable" };
    }
    const key = repositoryKeyOf((doc as { repository?: unknown } | null)?.repository);
    return key ? { key } : { key: null, why: "no_repository" };
  }
}

/**
 * The repository key of a package.json `repository` field: a URL, an object with `url`, or the
 * shorthands `owner/repo` and `github:owner/repo` (both GitHub).
 */
export function repositoryKeyOf(repository: unknown): string | null {
  const raw = typeof repository === "string" ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof raw !== "string" || raw.length > 1000) return null;
  const shorthand = /^(?:github:)?([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(raw.trim());
  const ref = parseRepositoryUrl(shorthand ? `https://github.com/${shorthand[1]}/${shorthand[2]}` : raw);
  return typeof ref === "string" ? null : ref.key;
}
