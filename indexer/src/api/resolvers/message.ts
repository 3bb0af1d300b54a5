/** `Message`: one engagement log entry. */
import type { MessageRow } from "../../store/queries.ts";

export const Message = {
  message: (m: MessageRow) => m.json,
};
