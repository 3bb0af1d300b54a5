import { AmpError } from "#protocol";

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
  "IMPRESSION_KEY_INVALID",
  "ALREADY_LIKED",
  "NOT_LIKED",
  "ALREADY_SHARED",
  "UNKNOWN_MEDIA",
  "UNKNOWN_COMMUNITY",
  "NOT_AUTHOR",
  "ALREADY_DELETED",
  "POST_DELETED",
] as const;
export type EngagementErrorCode = (typeof ENGAGEMENT_ERROR_CODES)[number];

export class EngagementError extends AmpError {
  override name = "EngagementError";
  declare readonly code: EngagementErrorCode;
  /** For RATE_LIMITED: seconds after which a retry can succeed. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: EngagementErrorCode,
    message: string,
    retryAfterSeconds?: number,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { ...options, retryable: code === "RATE_LIMITED" });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
