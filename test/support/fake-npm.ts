// A fake npm registry on a local port: `GET /{name}` (scoped names as @scope%2fname) answers the
// package's metadata document as the registry does, or 404.
import { createServer, type Server } from "node:http";

export class FakeNpm {
  /** Package name → its metadata document (only `repository` matters here). */
  readonly packages = new Map<string, object>();
  readonly requests: string[] = [];
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? "/").slice(1));
      this.requests.push(name);
      const doc = this.packages.get(name);
      res.writeHead(doc ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(doc ?? { error: "Not found" }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this;
  }

  /** Publishes `name` naming `repository` (a URL, a shorthand, or `{type, url}`). */
  publish(name: string, repository: unknown): void {
    this.packages.set(name, { name, "dist-tags": { latest: "1.0.0" }, repository });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
