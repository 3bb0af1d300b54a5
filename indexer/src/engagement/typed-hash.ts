/**
 * EIP-712 digests of engagement messages without viem's general machinery:
 * the domain separator and every kind's type hash are computed once, and a
 * message's fields are encoded straight into one buffer. The structs are flat
 * (addresses, unsigned integers, bools, bytes32, strings and arrays of those), so the
 * encoding is short. Any value this encoder does not recognise as already
 * valid (a mixed-case address, a number out of its type's range, a field of
 * the wrong type) goes to viem's `hashTypedData`, which then decides exactly
 * as it always did (hashing or throwing); the digests are the same bytes.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  getTypesForEIP712Domain,
  type Hex,
  hashDomain,
  hashTypedData,
  hexToBytes,
  type TypedDataDomain,
} from "viem";
import { engagementTypes, type MessageByKind, type MessageKind } from "#protocol";

type Field = { readonly name: string; readonly type: string };

const utf8 = new TextEncoder();
const ADDRESS = /^0x[0-9a-f]{40}$/;

/** Thrown inside the encoder for a value it leaves to viem. */
class NotPlain {}
const notPlain = new NotPlain();

function encodeType(kind: MessageKind): string {
  const fields = engagementTypes[kind] as readonly Field[];
  return `${kind}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

function writeUint(out: Uint8Array, at: number, value: unknown, bits: number): void {
  let v: bigint;
  if (typeof value === "bigint") v = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) v = BigInt(value);
  else throw notPlain;
  if (v < 0n || v >> BigInt(bits) !== 0n) throw notPlain;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

const BYTES32 = /^0x[0-9a-f]{64}$/;

function writeAddress(out: Uint8Array, at: number, value: unknown): void {
  if (typeof value !== "string" || !ADDRESS.test(value)) throw notPlain;
  out.set(hexToBytes(value as Hex), at + 12);
}

/** One 32-byte word of a field's value (a hash for strings and arrays). */
function writeField(out: Uint8Array, at: number, type: string, value: unknown): void {
  if (type.endsWith("[]")) {
    if (!Array.isArray(value)) throw notPlain;
    const inner = type.slice(0, -2);
    const words = new Uint8Array(32 * value.length);
    value.forEach((item, i) => {
      writeField(words, 32 * i, inner, item);
    });
    out.set(keccak_256(words), at);
  } else if (type === "address") writeAddress(out, at, value);
  else if (type === "bool") {
    if (typeof value !== "boolean") throw notPlain;
    out[at + 31] = value ? 1 : 0;
  } else if (type === "string") {
    if (typeof value !== "string") throw notPlain;
    out.set(keccak_256(utf8.encode(value)), at);
  } else if (type === "bytes32") {
    if (typeof value !== "string" || !BYTES32.test(value)) throw notPlain;
    out.set(hexToBytes(value as Hex), at);
  } else if (type.startsWith("uint")) writeUint(out, at, value, Number(type.slice(4)));
  else throw notPlain;
}

export type EngagementHasher = <K extends MessageKind>(kind: K, message: MessageByKind[K]) => Uint8Array;

/** The EIP-712 digest function of the engagement messages signed for `domain`. */
export function createEngagementHasher(domain: TypedDataDomain): EngagementHasher {
  const separator = hexToBytes(
    hashDomain({
      domain: domain as never,
      types: { EIP712Domain: getTypesForEIP712Domain({ domain }), ...engagementTypes } as never,
    }),
  );
  const typeHashes = new Map<MessageKind, Uint8Array>();
  for (const kind of Object.keys(engagementTypes) as MessageKind[]) {
    typeHashes.set(kind, keccak_256(utf8.encode(encodeType(kind))));
  }
  const viaViem = (kind: MessageKind, message: unknown) =>
    hexToBytes(
      hashTypedData({ domain, types: engagementTypes, primaryType: kind, message: message as never }),
    );

  return (kind, message) => {
    const fields = engagementTypes[kind] as readonly Field[] | undefined;
    const typeHash = typeHashes.get(kind);
    if (!fields || !typeHash) return viaViem(kind, message);
    const struct = new Uint8Array(32 * (fields.length + 1));
    struct.set(typeHash, 0);
    const values = message as unknown as Record<string, unknown>;
    try {
      fields.forEach((f, i) => {
        writeField(struct, 32 * (i + 1), f.type, values[f.name]);
      });
    } catch (error) {
      if (error === notPlain) return viaViem(kind, message);
      throw error;
    }
    const digest = new Uint8Array(66);
    digest[0] = 0x19;
    digest[1] = 0x01;
    digest.set(separator, 2);
    digest.set(keccak_256(struct), 34);
    return keccak_256(digest);
  };
}
