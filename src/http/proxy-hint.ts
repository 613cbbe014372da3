// A reverse proxy in front of the server forwards each client's address in X-Forwarded-For; without
// TRUST_PROXY the server believes none of it (any client could forge it), so every client behind the proxy is
// one address to the rate limits and the request log. The server cannot tell a proxy from a forger, but a
// proxy lives on the same host or network: the first request that carries the header from a loopback or
// private address gets one warning in the log. A client on the internet cannot trigger it.
import { BlockList, isIPv4 } from "node:net";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const LOCAL = new BlockList();
LOCAL.addSubnet("127.0.0.0", 8, "ipv4");
LOCAL.addSubnet("10.0.0.0", 8, "ipv4");
LOCAL.addSubnet("172.16.0.0", 12, "ipv4");
LOCAL.addSubnet("192.168.0.0", 16, "ipv4");
LOCAL.addAddress("::1", "ipv6");
LOCAL.addSubnet("fc00::", 7, "ipv6");

/** A loopback or private address (IPv4, IPv6, or IPv4 mapped into IPv6). */
export function isLocalAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
  return LOCAL.check(plain, isIPv4(plain) ? "ipv4" : "ipv6");
}

export const PROXY_HINT =
  "a request from a local address carries X-Forwarded-For, but TRUST_PROXY is unset: the header is ignored, so rate limits and the log see the proxy's address for every client; if a proxy you run forwards it, set TRUST_PROXY (e.g. loopback)";

/** Warns once per process; installed only when TRUST_PROXY is unset. */
export function proxyHint(logger: Logger): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    if (!warned && req.headers["x-forwarded-for"] !== undefined && isLocalAddress(req.socket.remoteAddress)) {
      warned = true;
      logger.warn({ from: req.socket.remoteAddress }, PROXY_HINT);
    }
    next();
  };
}
