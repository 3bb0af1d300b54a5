/** Mutations: signed engagement messages. */
import { EngagementError } from "../../engagement/errors.ts";
import type { ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";

export const Mutation = {
  submitMessage: async (
    _: unknown,
    a: { kind: string; message: string; signature: string },
    ctx: ApiContext,
  ) => {
    try {
      return await ctx.engagement.submit(a.kind, a.message, a.signature);
    } catch (error) {
      if (error instanceof EngagementError) throw apiError(error.code, error.message);
      throw error;
    }
  },
};
