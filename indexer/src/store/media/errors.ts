import { AmpError } from "#protocol";

/** Why an image was refused or not found; `status` is the HTTP status the media endpoint answers. */
export const MEDIA_ERRORS = {
  MEDIA_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MEDIA_CORRUPT: 422,
  MEDIA_DIMENSIONS: 422,
  HASH_MISMATCH: 422,
  MEDIA_NOT_FOUND: 404,
  MEDIA_STORE_FULL: 507,
  RATE_LIMITED: 429,
  BAD_REQUEST: 400,
  METHOD_NOT_ALLOWED: 405,
} as const;
export type MediaErrorCode = keyof typeof MEDIA_ERRORS;

export class MediaError extends AmpError {
  override name = "MediaError";
  declare readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options: { retryable?: boolean } = {}) {
    super(code, message, options);
  }
  get status(): number {
    return MEDIA_ERRORS[this.code];
  }
}
