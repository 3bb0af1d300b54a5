/** Opaque page cursors: base64url of a JSON array of the row's sort key. */
import { AmpError } from "#protocol";

/** A page cursor that this indexer did not hand out; the API reports it as `BAD_USER_INPUT`. */
export class CursorError extends AmpError {
  override name = "CursorError";
  constructor(cursor: string) {
    super("BAD_USER_INPUT", `invalid cursor "${cursor.slice(0, 40)}"`);
  }
}

export function encodeCursor(key: Array<number | string>): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(
  cursor: string,
  arity: number,
  type: "number" | "string" = "number",
): Array<number> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError(cursor);
  }
  const ok =
    Array.isArray(key) &&
    key.length === arity &&
    key.every((k) => (type === "number" ? Number.isSafeInteger(k) : typeof k === "string"));
  if (!ok) throw new CursorError(cursor);
  return key as number[];
}

export function decodeStringCursor(cursor: string): string {
  return (decodeCursor(cursor, 1, "string") as unknown as string[])[0] as string;
}
