/** Calls into the attention service, turning "not available" into a coded GraphQL error. */
import { AttentionUnavailableError } from "../../attention/interface.ts";
import { apiError } from "../errors.ts";

export async function fromAttention<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AttentionUnavailableError) throw apiError("ATTENTION_UNAVAILABLE", error.message);
    throw error;
  }
}
