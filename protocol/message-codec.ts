/**
 * Decoding of the JSON wire form (`encodeMessage`) back into typed messages,
 * with field validation: addresses, unsigned integer ranges, string and list
 * limits. `canonicalMessage` gives the deterministic form that is stored and
 * exported: fields in EIP-712 order, bigints as decimal strings, addresses
 * lowercase.
 */
import { z } from "zod";
import { AmpError } from "./errors.ts";
import {
  engagementTypes,
  MESSAGE_LIMITS,
  type MessageByKind,
  type MessageKind,
  PROFILE_LIMITS,
} from "./messages.ts";

const utf8 = new TextEncoder();
const utf8Bytes = (s: string) => utf8.encode(s).length;

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => a.toLowerCase() as `0x${string}`);

const uint = (bits: number) => {
  const max = (1n << BigInt(bits)) - 1n;
  return z
    .union([
      z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal integer string"),
      z.number().int().nonnegative(),
    ])
    .transform((v, ctx) => {
      const n = BigInt(v);
      if (n > max) {
        ctx.addIssue({ code: "custom", message: `exceeds uint${bits}` });
        return z.NEVER;
      }
      return n;
    });
};

const topic = z
  .string()
  .refine((t) => utf8Bytes(t) >= 1 && utf8Bytes(t) <= MESSAGE_LIMITS.topicBytes, "topic must be 1..32 bytes");

const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits")
  .transform((h) => h.toLowerCase() as `0x${string}`);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u001f\u007f]/;

const base = { account: address, timestamp: uint(64), nonce: uint(256) };

export const messageSchemas = {
  Delegation: z.strictObject({ ...base, sessionKey: address, expiresAt: uint(64) }),
  RevokeDelegation: z.strictObject({ ...base, sessionKey: address }),
  Follow: z.strictObject({ ...base, target: address, follow: z.boolean() }),
  View: z.strictObject({
    ...base,
    postId: uint(256),
    dwellMs: uint(32).transform(Number),
    campaignId: uint(256),
  }),
  Like: z.strictObject({ ...base, postId: uint(256) }),
  Comment: z.strictObject({
    ...base,
    postId: uint(256),
    text: z
      .string()
      .refine(
        (t) => t.length > 0 && utf8Bytes(t) <= MESSAGE_LIMITS.commentBytes,
        "comment must be 1..1000 bytes",
      ),
  }),
  Share: z.strictObject({ ...base, postId: uint(256) }),
  Impression: z.strictObject({
    ...base,
    viewer: address,
    campaignId: uint(256),
    postId: uint(256),
    price: uint(256),
    policySeq: uint(64),
    expiresAt: uint(64),
  }),
  Policy: z.strictObject({
    ...base,
    mode: z.number().int().min(0).max(4),
    communities: z.array(uint(256)).max(MESSAGE_LIMITS.policyListItems),
    topics: z.array(topic).max(MESSAGE_LIMITS.policyListItems),
    blockedPromoters: z.array(address).max(MESSAGE_LIMITS.policyListItems),
  }),
  Unlike: z.strictObject({ ...base, postId: uint(256) }),
  NotificationsRead: z.strictObject({ ...base, readUntil: uint(64) }),
  Profile: z.strictObject({
    ...base,
    name: z
      .string()
      .refine((t) => utf8Bytes(t) <= PROFILE_LIMITS.nameBytes, "name must be at most 50 bytes")
      .refine((t) => !CONTROL.test(t), "name must not contain control characters"),
    avatar: bytes32,
    bio: z.string().refine((t) => utf8Bytes(t) <= PROFILE_LIMITS.bioBytes, "bio must be at most 300 bytes"),
  }),
  Membership: z.strictObject({ ...base, communityId: uint(256), member: z.boolean() }),
  DeletePost: z.strictObject({ ...base, postId: uint(256) }),
} satisfies { [K in MessageKind]: z.ZodType };

export class MessageDecodeError extends AmpError {
  override name = "MessageDecodeError";
  constructor(readonly issues: string[]) {
    super("MESSAGE_MALFORMED", `malformed message: ${issues.join("; ")}`);
  }
}

/** Parses the JSON wire form of a message of `kind`; throws `MessageDecodeError`. */
export function decodeMessage<K extends MessageKind>(kind: K, json: string | object): MessageByKind[K] {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch {
      throw new MessageDecodeError(["not valid JSON"]);
    }
  }
  const parsed = messageSchemas[kind].safeParse(value);
  if (!parsed.success) {
    throw new MessageDecodeError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`),
    );
  }
  return parsed.data as unknown as MessageByKind[K];
}

/** Deterministic JSON form: EIP-712 field order, bigints as decimal strings. */
export function canonicalMessage<K extends MessageKind>(kind: K, message: MessageByKind[K]): string {
  const record = message as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const field of engagementTypes[kind]) ordered[field.name] = record[field.name];
  return JSON.stringify(ordered, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}
