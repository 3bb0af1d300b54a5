/** A JSON logger whose lines the test reads back. */
import { Writable } from "node:stream";
import { createLogger, type Logger } from "#protocol/logger.ts";

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, raw. */
  text(): string;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
}

export function captureLogs(options: { secrets?: string[] } = {}): CapturedLogs {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ destination, level: "debug", ...options });
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
