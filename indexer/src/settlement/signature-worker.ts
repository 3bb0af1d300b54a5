/**
 * A signature recovery thread of `signature-pool.ts`: each request is a slice
 * of whole NDJSON lines of a log export; each line is parsed, its message
 * decoded, its EIP-712 digest computed and its signer recovered
 * (`recoverEntry`), and the answer lists, in line order, what the ordered
 * authority rules need or why the entry is invalid.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { TypedDataDomain } from "viem";
import { recoverLines, type SignatureReply, type SignatureRequest } from "./signature-pool.ts";

const port = parentPort;
if (port) {
  const domain = (workerData as { domain: TypedDataDomain }).domain;
  port.on("message", async (request: SignatureRequest) => {
    try {
      port.postMessage({
        id: request.id,
        ...(await recoverLines(domain, request.text)),
      } satisfies SignatureReply);
    } catch (error) {
      const empty = { seqs: [], signers: [], results: [] };
      port.postMessage({
        id: request.id,
        ...empty,
        error: (error as Error).message,
      } satisfies SignatureReply);
    }
  });
}
