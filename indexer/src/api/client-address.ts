/**
 * The address a request's quotas are charged to: the socket's peer, or, when
 * that peer is one of the writer's API replicas (a trusted forwarder), the
 * client address the replica saw and passed on in `x-amp-forwarded-client`.
 * Anyone else's header is ignored, so nobody escapes a quota by naming
 * another address.
 */
import type { IncomingMessage } from "node:http";

export const FORWARDED_CLIENT_HEADER = "x-amp-forwarded-client";

const plain = (address: string) => (address.startsWith("::ffff:") ? address.slice(7) : address);

export type ClientAddressOf = (req: IncomingMessage) => string | undefined;

export function clientAddressResolver(trustedForwarders: readonly string[] = []): ClientAddressOf {
  const trusted = new Set(trustedForwarders.map(plain));
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (peer === undefined) return undefined;
    const forwarded = req.headers[FORWARDED_CLIENT_HEADER];
    if (
      trusted.has(plain(peer)) &&
      typeof forwarded === "string" &&
      forwarded.length > 0 &&
      forwarded.length < 64
    )
      return forwarded;
    return peer;
  };
}
