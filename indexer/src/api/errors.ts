/**
 * Errors of the API and how every error reaches a client. An `AmpError`
 * thrown anywhere below a resolver goes out with its `code` as
 * `extensions.code` and its `shortMessage` (never its details or cause);
 * any other error is masked ("Unexpected error.", INTERNAL_SERVER_ERROR) and
 * logged. Errors graphql itself raises (syntax, validation) pass unchanged.
 */
import type { GraphQLError } from "graphql";
import { createGraphQLError, maskError, type YogaMaskedErrorOpts } from "graphql-yoga";
import { AmpError } from "#protocol";
import type { Logger } from "#protocol/logger.ts";

/** A refusal of the API itself (bad arguments, unknown ids); `code` goes to `extensions.code`. */
export class ApiError extends AmpError {
  override name = "ApiError";
  /**
   * graphql copies an original error's `extensions` into the GraphQLError it
   * wraps it in, so the code survives even where no mask runs (a bad literal
   * is reported during validation).
   */
  readonly extensions: { code: string };
  constructor(code: string, message: string) {
    super(code, message);
    this.extensions = { code };
  }
}

export function apiError(code: string, message: string): ApiError {
  return new ApiError(code, message);
}

export const badInput = (message: string) => apiError("BAD_USER_INPUT", message);

// By name rather than `instanceof`: graphql may be loaded twice (its ESM and CJS builds).
const isGraphQLError = (error: unknown): error is GraphQLError =>
  error instanceof Error && error.name === "GraphQLError";

/** The first AmpError in a chain of GraphQL `originalError`s and `cause`s. */
function ampErrorIn(error: unknown): AmpError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof AmpError) return current;
    if (isGraphQLError(current)) current = current.originalError;
    else if (current instanceof Error) current = current.cause;
    else return undefined;
  }
  return undefined;
}

export function maskedErrors(logger: Logger): Partial<YogaMaskedErrorOpts> {
  return {
    maskError(error, message, isDev) {
      const amp = ampErrorIn(error);
      if (amp) {
        if (!isGraphQLError(error)) {
          return createGraphQLError(amp.shortMessage, { extensions: { code: amp.code } });
        }
        // graphql may prefix the message (e.g. `Variable "$id" got invalid value ...; `): keep the prefix.
        return createGraphQLError(error.message.replace(amp.message, amp.shortMessage), {
          nodes: error.nodes,
          ...(error.source ? { source: error.source } : {}),
          ...(error.positions ? { positions: error.positions } : {}),
          ...(error.path ? { path: error.path } : {}),
          extensions: { ...error.extensions, code: amp.code },
        });
      }
      const masked = maskError(error, message, isDev);
      if (masked !== error) {
        const original = isGraphQLError(error) ? (error.originalError ?? error) : error;
        logger.error(
          { err: original, path: isGraphQLError(error) ? error.path?.join(".") : undefined },
          "unexpected error in a GraphQL operation",
        );
      }
      return masked;
    },
  };
}
