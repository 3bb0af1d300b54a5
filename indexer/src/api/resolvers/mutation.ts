/** Mutations: signed engagement messages. */

import { createGraphQLError } from "graphql-yoga";
import { EngagementError } from "../../engagement/errors.ts";
import type { ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";
import { WRITER_RETRY_AFTER_SECONDS, WriterUnavailableError } from "../forward.ts";

export const Mutation = {
  submitMessage: async (
    _: unknown,
    a: { kind: string; message: string; signature: string },
    ctx: ApiContext,
  ) => {
    try {
      return await ctx.engagement.submit(a.kind, a.message, a.signature, { client: ctx.clientAddress });
    } catch (error) {
      if (error instanceof EngagementError) {
        if (error.retryAfterSeconds !== undefined) {
          throw createGraphQLError(error.message, {
            extensions: { code: error.code, retryAfter: error.retryAfterSeconds },
          });
        }
        throw apiError(error.code, error.message);
      }
      // An API replica could not reach the writer: nothing was acknowledged; the client sends again.
      if (error instanceof WriterUnavailableError) {
        throw createGraphQLError(error.shortMessage, {
          extensions: { code: error.code, retryable: true, retryAfter: WRITER_RETRY_AFTER_SECONDS },
        });
      }
      throw error;
    }
  },
};
