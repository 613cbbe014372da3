// The HTTP bench's baseline: a bare express "hello" in a process of its own, started with the same node and
// flags as the server (`npm start`'s), printing the port it listens on.
import express from "express";
import type { AddressInfo } from "node:net";

const app = express();
app.disable("x-powered-by");
app.get("/", (_req, res) => {
  res.send("Hello, world!");
});
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
