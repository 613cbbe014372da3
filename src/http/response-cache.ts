// An exact cache of public reads: the whole answer (status 200, its body and the headers that describe it) kept
// per URL while the database's data version is unchanged, served before any cookie, session or routing work.
// Exact, not timed: every commit (of this process or another) changes the version and drops every entry, so
// no answer older than the last commit is ever served. Only anonymous requests use it; only answers a shared
// cache could keep (no `Cache-Control: private` or `no-store`) are stored, never their cookies.
import type { Request, RequestHandler, Response } from "express";

export interface ResponseCacheOptions {
  /** The database's data version (`dataVersion`): read once per request that could be served from the cache. */
  version: () => Promise<string>;
  /**
   * What a request served from the cache still gets of the middleware it skips: the headers of the request's
   * own (its id), its log line. The answer's other headers, the security headers among them, are kept with it.
   */
  perRequest: (req: Request, res: Response) => [string, string][];
  /** Cookies that make a request personal (a session, a one-time notice): such requests bypass the cache. */
  personalCookies: readonly string[];
  /** Bounds on what is kept: entries and bytes of bodies. */
  maxEntries?: number;
  maxBytes?: number;
}

interface Entry {
  body: Buffer;
  /** The answer's headers as `writeHead` takes them: name, value, name, value … */
  headers: string[];
}

/** Headers of an answer that belong to its request (ids), its visitor (cookies) or its framing, never kept. */
const NOT_KEPT = new Set(["x-request-id", "set-cookie", "content-length", "transfer-encoding", "connection", "date", "x-cache"]);

/** `/api/v1/works/:slug` → a matcher of one path segment per parameter. */
function pathMatcher(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

export class ResponseCache {
  private readonly matchers: RegExp[] = [];
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private currentVersion: string | undefined;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = options.maxBytes ?? 8 * 1_048_576;
  }

  /** Paths (express style, `:param` for a segment) whose anonymous GET answers depend only on URL and data. */
  allow(patterns: readonly string[]): void {
    for (const pattern of patterns) this.matchers.push(pathMatcher(pattern));
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      if (req.method !== "GET" || !this.applies(req)) return next();
      const version = await this.options.version();
      if (version !== this.currentVersion) this.reset(version);
      const entry = this.entries.get(req.originalUrl);
      if (entry) {
        this.serve(req, res, entry);
        return;
      }
      this.capture(req.originalUrl, version, res);
      next();
    };
  }

  private applies(req: Request): boolean {
    if (req.headers.authorization !== undefined) return false;
    const cookie = req.headers.cookie;
    if (cookie !== undefined && this.options.personalCookies.some((name) => cookie.includes(`${name}=`))) return false;
    const path = req.path;
    return this.matchers.some((m) => m.test(path));
  }

  private reset(version: string): void {
    this.entries.clear();
    this.bytes = 0;
    this.currentVersion = version;
  }

  private serve(req: Request, res: Response, entry: Entry): void {
    // `X-Cache` says where the answer came from, for operators and tests; the answer is byte for byte the stored one.
    const headers = [...entry.headers, "X-Cache", "hit"];
    for (const [name, value] of this.options.perRequest(req, res)) headers.push(name, value);
    if (req.headers["if-none-match"] !== undefined || req.headers["if-modified-since"] !== undefined) {
      // A conditional request: express's freshness test reads the answer's ETag from the response.
      for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
    }
    // The whole head in one call: no header is set one by one on the common path.
    res.writeHead(200, [...headers, "Content-Length", String(entry.body.length)]);
    res.end(entry.body);
  }

  /** Keeps the answer `res.send` gives, if it is a 200 a shared cache could store and the data did not change. */
  private capture(url: string, version: string, res: Response): void {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const result = send(body);
      if (res.statusCode === 200 && (typeof body === "string" || Buffer.isBuffer(body)) && version === this.currentVersion) {
        const cacheControl = String(res.getHeader("cache-control") ?? "");
        if (!/private|no-store/.test(cacheControl)) this.store(url, body, res);
      }
      return result;
    };
  }

  private store(url: string, body: string | Buffer, res: Response): void {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    if (bytes.length > this.maxBytes / 8) return;
    const headers: string[] = [];
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value === undefined || NOT_KEPT.has(name)) continue;
      for (const one of Array.isArray(value) ? value : [String(value)]) headers.push(name, one);
    }
    while (this.entries.size >= this.maxEntries || this.bytes + bytes.length > this.maxBytes) {
      const [oldest, dropped] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= dropped.body.length;
    }
    this.entries.set(url, { body: bytes, headers });
    this.bytes += bytes.length;
  }
}
