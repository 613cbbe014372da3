// A fake GitHub REST API on a local port, driving the real octokit through its base URL.
// It serves the endpoints reciprocity uses and can fail on demand: unknown repository, bad
// token, read-only permission, 5xx, rate limit, slowness.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read";

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  defaultBranch: string;
  collaborators: Record<string, Permission>;
  branches: Record<string, { sha: string; files: Record<string, string> }>;
  forks: { owner: string; name: string }[];
  pulls: { number: number; head: string; base: string; title: string; body: string; state: "open" | "closed" }[];
  /** Some GitHub Enterprise versions and fine-grained tokens leave `permissions` out. */
  omitPermissions?: boolean;
}

export type FailureMode = "server_error" | "rate_limit" | "slow";

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

const sha = (s: string) => createHash("sha1").update(s).digest("hex");

export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly tokens = new Map<string, string>();
  readonly requests: FakeRequest[] = [];
  private failure: { mode: FailureMode; times: number } | null = null;
  private server: Server | null = null;
  private nextId = 1000;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** OAuth web flow: the app's client, and the GitHub user who approves the next authorization. */
  oauthClient = { id: "fake-client-id", secret: "fake-client-secret" };
  oauthApprover: string | null = null;
  private readonly oauthCodes = new Map<string, { login: string; redirectUri: string }>();

  addUser(login: string, token: string): void {
    this.tokens.set(token, login);
  }

  addRepo(
    owner: string,
    name: string,
    options: Partial<Omit<FakeRepo, "owner" | "name" | "branches">> & { files?: Record<string, string> } = {},
  ): FakeRepo {
    const files = options.files ?? {};
    const repo: FakeRepo = {
      id: options.id ?? this.nextId++,
      owner,
      name,
      description: options.description ?? null,
      defaultBranch: options.defaultBranch ?? "main",
      collaborators: options.collaborators ?? {},
      branches: { [options.defaultBranch ?? "main"]: { sha: sha(JSON.stringify(files)), files: { ...files } } },
      forks: options.forks ?? [],
      pulls: options.pulls ?? [],
      omitPermissions: options.omitPermissions ?? false,
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /** The next `times` requests fail in the given way. */
  failNext(mode: FailureMode, times = 1): void {
    this.failure = { mode, times };
  }

  renameRepo(repo: FakeRepo, owner: string, name: string): void {
    this.repos.delete(`${repo.owner}/${repo.name}`.toLowerCase());
    repo.owner = owner;
    repo.name = name;
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  private repoJson(repo: FakeRepo, login: string | undefined) {
    const perm = login ? repo.collaborators[login] : undefined;
    return {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { login: repo.owner },
      html_url: `https://github.com/${repo.owner}/${repo.name}`,
      description: repo.description,
      default_branch: repo.defaultBranch,
      private: false,
      ...(login && !repo.omitPermissions
        ? {
            permissions: {
              admin: perm === "admin",
              maintain: perm === "admin" || perm === "maintain",
              push: ["admin", "maintain", "write"].includes(perm ?? ""),
              triage: perm !== undefined,
              pull: true,
            },
          }
        : {}),
    };
  }

  private fileJson(path: string, text: string) {
    const content = Buffer.from(text, "utf8");
    return {
      type: "file",
      path,
      name: path.split("/").pop(),
      sha: sha(text),
      size: content.length,
      encoding: "base64",
      content: content.toString("base64"),
    };
  }

  /** GitHub's OAuth web flow: authorize redirects back with a one-time code; access_token trades it for a token. */
  private oauth(method: string, url: URL, body: Record<string, unknown>, res: ServerResponse): void {
    if (method === "GET" && url.pathname === "/login/oauth/authorize") {
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      if (url.searchParams.get("client_id") !== this.oauthClient.id || !this.oauthApprover || !redirectUri)
        return this.send(res, 400, { message: "bad authorization request" });
      const code = `code-${this.nextId++}`;
      this.oauthCodes.set(code, { login: this.oauthApprover, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { Location: back.toString() });
      res.end();
      return;
    }
    const grant = this.oauthCodes.get(String(body.code));
    if (body.client_id !== this.oauthClient.id || body.client_secret !== this.oauthClient.secret || !grant)
      return this.send(res, 200, { error: "bad_verification_code" });
    this.oauthCodes.delete(String(body.code));
    const token = `gho_${grant.login}_${this.nextId++}`;
    this.tokens.set(token, grant.login);
    return this.send(res, 200, { access_token: token, token_type: "bearer", scope: "read:user" });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname;
    const method = req.method ?? "GET";
    const authorization = req.headers.authorization;
    this.requests.push({ method, path, authorization });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};

    if (this.failure && this.failure.times > 0) {
      this.failure.times -= 1;
      const mode = this.failure.mode;
      if (mode === "server_error") return this.send(res, 502, { message: "Server Error" });
      if (mode === "rate_limit") {
        return this.send(
          res,
          403,
          { message: "API rate limit exceeded" },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 120) },
        );
      }
      if (mode === "slow") {
        await new Promise((r) => setTimeout(r, 3_000));
        if (!res.destroyed) this.send(res, 200, {});
        return;
      }
    }

    if (path === "/login/oauth/authorize" || path === "/login/oauth/access_token") return this.oauth(method, url, body, res);

    let login: string | undefined;
    if (authorization) {
      const token = authorization.replace(/^(token|bearer)\s+/i, "");
      login = this.tokens.get(token);
      if (!login) return this.send(res, 401, { message: "Bad credentials" });
    }

    if (method === "GET" && path === "/user") {
      if (!login) return this.send(res, 401, { message: "Requires authentication" });
      return this.send(res, 200, { login });
    }

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return this.send(res, 404, { message: "Not Found" });
    const repo = this.repos.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`.toLowerCase());
    if (!repo) return this.send(res, 404, { message: "Not Found" });
    const rest = decodeURIComponent(m[3] ?? "");
    const perm = login ? repo.collaborators[login] : undefined;
    const canWrite = perm === "admin" || perm === "maintain" || perm === "write";
    const branchOf = (ref: string | null) => repo.branches[ref ?? repo.defaultBranch];

    if (method === "GET" && rest === "") return this.send(res, 200, this.repoJson(repo, login));

    let cm: RegExpExecArray | null;
    if (method === "GET" && (cm = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const p = repo.collaborators[decodeURIComponent(cm[1]!)];
      const legacy = p === "maintain" ? "write" : p === "triage" ? "read" : (p ?? "none");
      return this.send(res, 200, { permission: legacy, role_name: p ?? "none", user: { login: cm[1] } });
    }
    if (method === "GET" && rest === "/license") {
      const files = branchOf(null)!.files;
      const name = Object.keys(files).find((f) => /^(licen[sc]e|copying)(\.\w+)?$/i.test(f));
      if (!name) return this.send(res, 404, { message: "Not Found" });
      return this.send(res, 200, {
        ...this.fileJson(name, files[name]!),
        license: { key: "other", spdx_id: "NOASSERTION", name: "Other" },
      });
    }
    if ((cm = /^\/contents\/(.+)$/.exec(rest))) {
      const filePath = decodeURIComponent(cm[1]!);
      if (method === "GET") {
        const branch = branchOf(url.searchParams.get("ref"));
        const text = branch?.files[filePath];
        if (text === undefined) return this.send(res, 404, { message: "Not Found" });
        return this.send(res, 200, this.fileJson(filePath, text));
      }
      if (method === "PUT") {
        if (!canWrite) return this.send(res, 403, { message: "Resource not accessible" });
        const branch = branchOf(typeof body.branch === "string" ? body.branch : null);
        if (!branch) return this.send(res, 404, { message: "Branch not found" });
        const existing = branch.files[filePath];
        if (existing !== undefined && body.sha !== sha(existing)) return this.send(res, 409, { message: "sha does not match" });
        branch.files[filePath] = Buffer.from(String(body.content), "base64").toString("utf8");
        branch.sha = sha(JSON.stringify(branch.files));
        return this.send(res, existing === undefined ? 201 : 200, {
          content: this.fileJson(filePath, branch.files[filePath]),
          commit: { sha: branch.sha },
        });
      }
    }
    if (method === "GET" && (cm = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      const branch = repo.branches[decodeURIComponent(cm[1]!)];
      if (!branch) return this.send(res, 404, { message: "Not Found" });
      return this.send(res, 200, { ref: `refs/heads/${cm[1]}`, object: { sha: branch.sha, type: "commit" } });
    }
    if (method === "POST" && rest === "/git/refs") {
      if (!canWrite) return this.send(res, 403, { message: "Resource not accessible" });
      const name = String(body.ref).replace(/^refs\/heads\//, "");
      if (repo.branches[name]) return this.send(res, 422, { message: "Reference already exists" });
      const from = Object.values(repo.branches).find((b) => b.sha === body.sha);
      if (!from) return this.send(res, 422, { message: "Object does not exist" });
      repo.branches[name] = { sha: from.sha, files: { ...from.files } };
      return this.send(res, 201, { ref: body.ref, object: { sha: from.sha } });
    }
    if (rest === "/pulls") {
      if (method === "GET") {
        const head = url.searchParams.get("head");
        const state = url.searchParams.get("state") ?? "open";
        const list = repo.pulls.filter((p) => (state === "all" || p.state === state) && (!head || `${repo.owner}:${p.head}` === head));
        return this.send(
          res,
          200,
          list.map((p) => this.pullJson(repo, p)),
        );
      }
      if (method === "POST") {
        if (!canWrite) return this.send(res, 403, { message: "Resource not accessible" });
        const pr = {
          number: repo.pulls.length + 1,
          head: String(body.head),
          base: String(body.base),
          title: String(body.title),
          body: String(body.body),
          state: "open" as const,
        };
        repo.pulls.push(pr);
        return this.send(res, 201, this.pullJson(repo, pr));
      }
    }
    if (method === "GET" && rest === "/forks") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = repo.forks.slice((page - 1) * perPage, page * perPage);
      return this.send(
        res,
        200,
        slice.map((f, i) => ({
          id: i + 1,
          full_name: `${f.owner}/${f.name}`,
          name: f.name,
          owner: { login: f.owner },
          html_url: `https://github.com/${f.owner}/${f.name}`,
        })),
      );
    }
    return this.send(res, 404, { message: "Not Found" });
  }

  private pullJson(repo: FakeRepo, p: FakeRepo["pulls"][number]) {
    return {
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${p.number}`,
      head: { ref: p.head },
      base: { ref: p.base },
    };
  }
}
