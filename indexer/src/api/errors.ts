/**
 * GraphQL errors with an `extensions.code` clients can switch on. Built with
 * yoga's own factory so they are recognised whichever copy of graphql loaded.
 */
import { createGraphQLError } from "graphql-yoga";

export function apiError(code: string, message: string) {
  return createGraphQLError(message, { extensions: { code } });
}

export const badInput = (message: string) => apiError("BAD_USER_INPUT", message);
