import type { Address, Hex, TypedDataDomain } from "viem";
import { engagementDomain, engagementTypes, type MessageByKind, type MessageKind } from "#protocol";

export { encodeMessage } from "#protocol";
export type { MessageByKind, MessageKind };

/** Where engagement signatures are valid: one chain, one AMPSocial deployment. */
export interface MessageContext {
  chainId: number;
  social: Address;
}

export function messageDomain(ctx: MessageContext): TypedDataDomain {
  return engagementDomain(ctx.chainId, ctx.social);
}

export type MessageFields<K extends MessageKind> = Omit<MessageByKind[K], "timestamp" | "nonce">;

/** A nonce that is unique per account in practice: milliseconds since epoch and 20 random bits. */
export function newNonce(now: number = Date.now(), random: () => number = Math.random): bigint {
  return BigInt(now) * 1_048_576n + BigInt(Math.floor(random() * 1_048_576));
}

export function buildMessage<K extends MessageKind>(
  _kind: K,
  fields: MessageFields<K>,
  now: number = Date.now(),
): MessageByKind[K] {
  return { ...fields, timestamp: BigInt(Math.floor(now / 1000)), nonce: newNonce(now) } as MessageByKind[K];
}

/** EIP-712 payload of one engagement message. */
export interface EngagementTypedData {
  domain: TypedDataDomain;
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: MessageKind;
  message: Record<string, unknown>;
}

/** The typed-data payload for a message, ready for any `signTypedData`. */
export function typedData<K extends MessageKind>(
  ctx: MessageContext,
  kind: K,
  message: MessageByKind[K],
): EngagementTypedData {
  return {
    domain: messageDomain(ctx),
    types: { [kind]: engagementTypes[kind] },
    primaryType: kind,
    message: message as unknown as Record<string, unknown>,
  };
}

/** Anything that signs EIP-712 data: a wagmi action, a viem local account. */
export type TypedDataSigner = (payload: EngagementTypedData) => Promise<Hex>;
