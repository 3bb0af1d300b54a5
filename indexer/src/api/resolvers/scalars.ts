/** `BigInt`: unsigned integers as decimal strings on the wire, bigint inside. */
import { Kind, type ValueNode } from "graphql";
import { AmpError } from "#protocol";
import { badInput } from "../errors.ts";

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parse(value: unknown): bigint {
  if (typeof value === "string" && DECIMAL.test(value) && value.length <= 78) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw badInput(`BigInt must be a non-negative decimal string, got ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** Scalar config as a plain object (graphql-tools applies it to the schema's `BigInt`). */
export const BigIntScalar = {
  serialize(value: unknown) {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "string" && /^-?(0|[1-9][0-9]*)$/.test(value)) return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    throw new AmpError("BIGINT_SERIALIZE_FAILED", `BigInt cannot represent ${String(value)}`);
  },
  parseValue: parse,
  parseLiteral(ast: ValueNode) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parse(ast.value);
    throw badInput("BigInt must be a decimal string");
  },
};
