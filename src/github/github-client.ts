// Everything the commune asks of GitHub, through @octokit/rest (with the retry plugin) with a configurable base URL, a
// timeout on every request, bounded retries and bounded pagination. Failures become AppErrors
// with stable codes; a maintainer's token is used for the call and never kept or logged.
import { RequestError } from "@octokit/request-error";
import { retry } from "@octokit/plugin-retry";
import { Octokit as RestOctokit } from "@octokit/rest";
import { AppError } from "../shared/errors.js";

export interface GitHubOptions {
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  /** Base of the retry back-off (ms); tests make it tiny. */
  retryBaseMs?: number;
}

export interface RepositoryInfo {
  id: number;
  fullName: string;
  name: string;
  ownerLogin: string;
  htmlUrl: string;
  description: string | null;
  defaultBranch: string;
  permissions: { admin: boolean; maintain: boolean; push: boolean } | null;
}

export interface FileContent {
  path: string;
  text: string;
  sha: string;
}

export interface ForkInfo {
  fullName: string;
  ownerLogin: string;
  htmlUrl: string;
}

export interface PullRequestInfo {
  number: number;
  htmlUrl: string;
  state: string;
  headRef: string;
}

export const MAX_FILE_BYTES = 512 * 1024;
export const MAX_FORK_PAGES = 10;
export const LICENSE_BRANCH = "reciprocity/ppl-license";
const LICENSE_FILE_CANDIDATES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING", "LICENCE"];

// The REST client and retries, not the whole `octokit` (apps, OAuth, webhooks, GraphQL, throttling): about
// 10 MB less resident in every server process.
const Octokit = RestOctokit.plugin(retry);
type Kit = InstanceType<typeof Octokit>;

export class GitHub {
  constructor(private readonly options: GitHubOptions) {}

  private kit(token: string | undefined): Kit {
    const { timeoutMs } = this.options;
    return new Octokit({
      ...(token ? { auth: token } : {}),
      baseUrl: this.options.baseUrl.replace(/\/+$/, ""),
      userAgent: "reciprocity",
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      retry: {
        retries: this.options.retries,
        retryAfterBaseValue: this.options.retryBaseMs ?? 500,
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      },
      request: {
        fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
      },
    });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateGitHubError(err, what);
    }
  }

  async getRepository(owner: string, repo: string, token?: string): Promise<RepositoryInfo> {
    const { data } = await this.call(`reading ${owner}/${repo}`, () => this.kit(token).rest.repos.get({ owner, repo }));
    return {
      id: data.id,
      fullName: data.full_name,
      name: data.name,
      ownerLogin: data.owner.login,
      htmlUrl: data.html_url,
      description: data.description,
      defaultBranch: data.default_branch,
      permissions: data.permissions
        ? { admin: data.permissions.admin, maintain: data.permissions.maintain ?? false, push: data.permissions.push }
        : null,
    };
  }

  /** The permission of the token's user on the repository: admin, maintain, write, triage, read or none. */
  async permissionOf(owner: string, repo: string, token: string): Promise<string> {
    const kit = this.kit(token);
    const { data: me } = await this.call("identifying the token's user", () => kit.rest.users.getAuthenticated());
    const { data } = await this.call(`reading permissions on ${owner}/${repo}`, () =>
      kit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: me.login }),
    );
    return data.role_name ?? data.permission;
  }

  /** The repository's license file, or null when it has none. */
  async getLicenseFile(owner: string, repo: string, token?: string): Promise<FileContent | null> {
    try {
      const { data } = await this.call(`reading the license of ${owner}/${repo}`, () =>
        this.kit(token).rest.licenses.getForRepo({ owner, repo }),
      );
      return { path: data.path, text: decodeContent(data.content, data.encoding, data.size), sha: data.sha };
    } catch (err) {
      if (!(err instanceof AppError && err.code === "not_found")) throw err;
    }
    // GitHub's license endpoint may not find a file it does not recognise: look for the usual names.
    for (const path of LICENSE_FILE_CANDIDATES) {
      const file = await this.getFile(owner, repo, path, undefined, token);
      if (file) return file;
    }
    return null;
  }

  async getFile(owner: string, repo: string, path: string, ref: string | undefined, token?: string): Promise<FileContent | null> {
    try {
      const { data } = await this.call(`reading ${path} in ${owner}/${repo}`, () =>
        this.kit(token).rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}) }),
      );
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return null;
      return { path: data.path, text: decodeContent(data.content, data.encoding, data.size), sha: data.sha };
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") return null;
      throw err;
    }
  }

  async listForks(
    owner: string,
    repo: string,
    token?: string,
    maxPages = MAX_FORK_PAGES,
  ): Promise<{ forks: ForkInfo[]; truncated: boolean }> {
    const kit = this.kit(token);
    const forks: ForkInfo[] = [];
    let truncated = false;
    for (let page = 1; page <= maxPages; page++) {
      const { data } = await this.call(`listing forks of ${owner}/${repo}`, () =>
        kit.rest.repos.listForks({ owner, repo, per_page: 100, page, sort: "oldest" }),
      );
      forks.push(...data.map((f) => ({ fullName: f.full_name, ownerLogin: f.owner.login, htmlUrl: f.html_url })));
      if (data.length < 100) break;
      if (page === maxPages) truncated = true;
    }
    return { forks, truncated };
  }

  async findOpenPullRequest(owner: string, repo: string, branch: string, token: string): Promise<PullRequestInfo | null> {
    const { data } = await this.call(`listing pull requests of ${owner}/${repo}`, () =>
      this.kit(token).rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 10 }),
    );
    const pr = data.find((p) => p.head.ref === branch);
    return pr ? { number: pr.number, htmlUrl: pr.html_url, state: pr.state, headRef: pr.head.ref } : null;
  }

  /** Branch from the default branch, commit LICENSE there, open the pull request. */
  async openLicensePullRequest(
    input: { owner: string; repo: string; defaultBranch: string; licenseText: string; title: string; body: string },
    token: string,
  ): Promise<PullRequestInfo> {
    const { owner, repo, defaultBranch } = input;
    const kit = this.kit(token);
    const { data: base } = await this.call("reading the default branch", () =>
      kit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` }),
    );
    try {
      await this.call("creating the branch", () =>
        kit.rest.git.createRef({ owner, repo, ref: `refs/heads/${LICENSE_BRANCH}`, sha: base.object.sha }),
      );
    } catch (err) {
      // 422: the branch exists from an earlier attempt; reuse it.
      if (!(err instanceof AppError && err.code === "validation_failed")) throw err;
    }
    const existing = await this.getFile(owner, repo, "LICENSE", LICENSE_BRANCH, token);
    if (existing?.text !== input.licenseText) {
      await this.call("committing LICENSE", () =>
        kit.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path: "LICENSE",
          branch: LICENSE_BRANCH,
          message: "Add the Peer Production License",
          content: Buffer.from(input.licenseText, "utf8").toString("base64"),
          ...(existing ? { sha: existing.sha } : {}),
        }),
      );
    }
    const { data: pr } = await this.call("opening the pull request", () =>
      kit.rest.pulls.create({ owner, repo, title: input.title, body: input.body, head: LICENSE_BRANCH, base: defaultBranch }),
    );
    return { number: pr.number, htmlUrl: pr.html_url, state: pr.state, headRef: pr.head.ref };
  }
}

function decodeContent(content: string, encoding: string, size: number): string {
  if (size > MAX_FILE_BYTES) throw new AppError("validation_failed", `The file is larger than ${MAX_FILE_BYTES} bytes.`);
  return encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
}

export function translateGitHubError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RequestError) {
    const headers = err.response?.headers ?? {};
    const remaining = headers["x-ratelimit-remaining"];
    const retryAfter = headers["retry-after"];
    if (err.status === 429 || (err.status === 403 && (remaining === "0" || retryAfter !== undefined))) {
      const reset = Number(headers["x-ratelimit-reset"]);
      const seconds =
        retryAfter !== undefined ? Number(retryAfter) : Number.isFinite(reset) ? Math.max(1, reset - Math.floor(Date.now() / 1000)) : 60;
      return new AppError("github_rate_limited", `GitHub is rate-limiting requests (${what}); try again later.`, {
        headers: { "Retry-After": String(seconds) },
      });
    }
    if (err.status === 401) return new AppError("github_token_invalid", `GitHub refused the token (${what}): it is invalid or expired.`);
    if (err.status === 403) return new AppError("github_permission_denied", `GitHub refused access (${what}).`);
    if (err.status === 404) return new AppError("not_found", `GitHub has no such resource (${what}), or the token cannot see it.`);
    if (err.status === 422 || err.status === 409)
      return new AppError("validation_failed", `GitHub refused the change (${what}): ${err.message}`);
    if (err.status >= 500 || err.status === 0 || err.status === 500)
      return new AppError("github_unavailable", `GitHub is unavailable (${what}): HTTP ${err.status}.`);
    return new AppError("github_unavailable", `GitHub answered unexpectedly (${what}): HTTP ${err.status}.`);
  }
  const e = err as { name?: string; cause?: { name?: string } } | null;
  if (e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError" || e?.name === "AbortError") {
    return new AppError("github_unavailable", `GitHub did not answer in time (${what}).`);
  }
  return new AppError("github_unavailable", `GitHub could not be reached (${what}).`, { cause: err });
}
