/**
 * The base of every error the project throws, after viem's `BaseError`: a
 * stable `code` callers switch on, a one-line `shortMessage`, optional
 * `details`, the `cause`, and whether retrying the same call can help.
 */
export interface AmpErrorOptions {
  details?: string | undefined;
  cause?: unknown;
  retryable?: boolean | undefined;
}

export class AmpError extends Error {
  override name = "AmpError";
  /** Machine-readable, SCREAMING_SNAKE_CASE; the GraphQL layer sends it as `extensions.code`. */
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly retryable: boolean;

  constructor(code: string, shortMessage: string, options: AmpErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

export function isAmpError(error: unknown): error is AmpError {
  return error instanceof AmpError;
}
