// Repository URLs as people paste them: https://github.com/o/r(.git), git@github.com:o/r.git,
// github.com/o/r. Any other host is accepted as a plain URL and leaves the work unverified.

export interface RepositoryRef {
  host: string;
  owner: string;
  name: string;
  url: string;
  /** `host/owner/name` lower-cased: one work per repository. */
  key: string;
}

const SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;

export function parseRepositoryUrl(input: string): RepositoryRef | string {
  const raw = input.trim();
  let host: string;
  let path: string;
  const scp = /^git@([^:/\s]+):(.+)$/.exec(raw);
  if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    } catch {
      return "is not a repository URL";
    }
    if (!["https:", "http:", "git:", "ssh:", "git+https:", "git+ssh:"].includes(url.protocol)) return "must be an https or git URL";
    if (url.search || url.hash) return "must not have a query or fragment";
    host = url.hostname;
    path = url.pathname;
  }
  host = host.toLowerCase();
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(host) && host !== "localhost") return "has no valid host";
  const parts = path
    .replace(/^\/+|\/+$/g, "")
    .replace(/\.git$/, "")
    .split("/");
  if (parts.length !== 2) return "must name an owner and a repository, as in https://github.com/owner/repo";
  const [owner, name] = parts as [string, string];
  if (!SEGMENT.test(owner) || !SEGMENT.test(name) || isDotSegment(owner) || isDotSegment(name))
    return "has an invalid owner or repository name";
  return { host, owner, name, url: `https://${host}/${owner}/${name}`, key: `${host}/${owner}/${name}`.toLowerCase() };
}

/** "." and ".." would walk out of the path they are put in (`/repos/../x`). */
const isDotSegment = (segment: string) => /^\.+$/.test(segment);

/** The web host of the configured GitHub API: api.github.com → github.com; GHE → its own host. */
export function githubWebHost(apiUrl: string): string {
  const host = new URL(apiUrl).hostname.toLowerCase();
  return host === "api.github.com" ? "github.com" : host;
}

export function isGitHubHost(host: string, apiUrl: string): boolean {
  return host === "github.com" || host === githubWebHost(apiUrl);
}
