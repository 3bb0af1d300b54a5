/**
 * Decoding of logs into stored chain events (pure): the event is matched by
 * topic and emitting contract, its arguments turned into JSON-safe values.
 */
import { type Abi, type AbiEvent, type Address, decodeEventLog, type Log } from "viem";
import type { ChainEvent, ChainEventKind } from "../store/events.ts";
import { escrowEvents, socialEvents, tokenEvents } from "./abi.ts";
import { ChainError } from "./errors.ts";

export interface ContractAddresses {
  token: Address;
  social: Address;
  escrow: Address;
}

/** JSON-safe value of an argument; only hex types are lowercased (strings keep their case). */
function jsonSafe(value: unknown, type: string): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string")
    return type.startsWith("address") || type.startsWith("bytes") ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, type.replace(/\[\d*\]$/, "")));
  return value;
}

export function createLogDecoder(contracts: ContractAddresses) {
  const abiOf = new Map<string, AbiEvent[]>([
    [contracts.token.toLowerCase(), tokenEvents],
    [contracts.social.toLowerCase(), socialEvents],
    [contracts.escrow.toLowerCase(), escrowEvents],
  ]);

  /** Returns null for logs of events the indexer does not follow. */
  return function decodeLog(log: Log, timestamp: number): ChainEvent | null {
    const abi = abiOf.get(log.address.toLowerCase());
    if (!abi) return null;
    let decoded: { eventName: string; args: unknown };
    try {
      decoded = decodeEventLog({
        abi: abi as Abi,
        data: log.data,
        topics: log.topics,
        strict: true,
      }) as typeof decoded;
    } catch {
      return null;
    }
    if (log.blockNumber === null || log.logIndex === null || log.transactionIndex === null) {
      throw new ChainError("pending log in a block range", { details: JSON.stringify(log, jsonReplacer) });
    }
    const inputs = (abi.find((e) => e.name === decoded.eventName) as AbiEvent).inputs;
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decoded.args as Record<string, unknown>)) {
      payload[k] = jsonSafe(v, inputs.find((i) => i.name === k)?.type ?? "");
    }
    return {
      kind: decoded.eventName as ChainEventKind,
      payload,
      blockNumber: Number(log.blockNumber),
      blockHash: (log.blockHash as string).toLowerCase(),
      txIndex: log.transactionIndex,
      logIndex: log.logIndex,
      txHash: (log.transactionHash as string).toLowerCase(),
      address: log.address.toLowerCase(),
      timestamp,
    } as ChainEvent;
  };
}

const jsonReplacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
