/** Reasons a signed message is refused; the API reports `code` as `extensions.code`. */
export const ENGAGEMENT_ERROR_CODES = [
  "BAD_USER_INPUT",
  "PAYLOAD_TOO_LARGE",
  "BAD_SIGNATURE",
  "REPLAY",
  "DUPLICATE",
  "FUTURE_TIMESTAMP",
  "UNKNOWN_DELEGATION",
  "DELEGATION_EXPIRED",
  "DELEGATION_REVOKED",
  "UNKNOWN_POST",
  "UNKNOWN_CAMPAIGN",
  "RATE_LIMITED",
  "STALE_TIMESTAMP",
] as const;
export type EngagementErrorCode = (typeof ENGAGEMENT_ERROR_CODES)[number];

export class EngagementError extends Error {
  override name = "EngagementError";
  constructor(
    readonly code: EngagementErrorCode,
    message: string,
    /** For RATE_LIMITED: seconds after which a retry can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
