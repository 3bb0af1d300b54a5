/** Errors of settlement: the Merkle builder, the settler's key, the job and the verifier. */
import { AmpError, type AmpErrorOptions } from "#protocol";

export const SETTLEMENT_ERROR_CODES = [
  /** A leaf, hash or amount the Merkle tree cannot hold. */
  "SETTLEMENT_BAD_INPUT",
  /** AMP_SETTLER_KEY is malformed or not allowed on this chain. */
  "SETTLEMENT_KEY_INVALID",
  /** The previous epoch is not recorded locally, so its cumulative tree cannot continue. */
  "SETTLEMENT_HISTORY_MISSING",
  /** The local root of the previous epoch differs from the chain's. */
  "SETTLEMENT_ROOT_MISMATCH",
  /** The settle transaction was mined but reverted. */
  "SETTLEMENT_REVERTED",
  /** An epoch manifest does not match its own hash. */
  "SETTLEMENT_MANIFEST_MISMATCH",
  /** An epoch manifest is not the canonical JSON of the expected fields. */
  "SETTLEMENT_MANIFEST_INVALID",
  /** The settlement worker thread failed or exited while computing an epoch. */
  "SETTLEMENT_WORKER_FAILED",
] as const;
export type SettlementErrorCode = (typeof SETTLEMENT_ERROR_CODES)[number];

export class SettlementError extends AmpError {
  override name = "SettlementError";
  declare readonly code: SettlementErrorCode;
  constructor(code: SettlementErrorCode, shortMessage: string, options: AmpErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}
