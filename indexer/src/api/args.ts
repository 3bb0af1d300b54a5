/** Validation of resolver arguments; every failure is a BAD_USER_INPUT GraphQL error. */
import { decodeCursor, decodeStringCursor } from "../store/cursor.ts";
import { apiError, badInput } from "./errors.ts";

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0)
    throw badInput(`first must be a non-negative integer, got ${first}`);
  // Refused rather than clamped: a client asking for more would otherwise take a short page for all there is.
  if (first > MAX_PAGE) throw apiError("PAGE_TOO_LARGE", `first must be at most ${MAX_PAGE}, got ${first}`);
  return first;
}

export function address(value: string, name = "address"): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw badInput(`${name} must be a 0x-prefixed 20-byte address`);
  return value.toLowerCase();
}

export function optionalAddress(value: string | null | undefined, name: string): string | undefined {
  return value === null || value === undefined ? undefined : address(value, name);
}

export function id(value: string, name = "id"): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badInput(`${name} must be a positive integer id, got "${String(value).slice(0, 40)}"`);
  }
  return Number(value);
}

export function optionalId(value: string | null | undefined, name: string): number | undefined {
  return value === null || value === undefined ? undefined : id(value, name);
}

export function afterNumber(after: string | null | undefined): number | null {
  return after ? (decodeCursor(after, 1)[0] as number) : null;
}

export function afterKeyset(after: string | null | undefined, arity: number): number[] | null {
  return after ? decodeCursor(after, arity) : null;
}

export function afterString(after: string | null | undefined): string | null {
  return after ? decodeStringCursor(after) : null;
}
