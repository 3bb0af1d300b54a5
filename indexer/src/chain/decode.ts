/**
 * Decoding of logs into stored chain events (pure): the event is matched by
 * topic and emitting contract, its arguments turned into JSON-safe values.
 */
import { type Abi, type AbiEvent, type Address, decodeEventLog, type Log, toEventSelector } from "viem";
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
  // One entry per (contract, event selector): a log is matched by one map lookup and decoded
  // against its own event, not searched for among every event of the contract's ABI.
  const byKey = new Map<string, { abi: Abi; types: Map<string, string> }>();
  const add = (address: string, events: AbiEvent[]) => {
    for (const event of events) {
      byKey.set(`${address.toLowerCase()}:${toEventSelector(event)}`, {
        abi: [event],
        types: new Map(event.inputs.map((i) => [i.name ?? "", i.type])),
      });
    }
  };
  add(contracts.token, tokenEvents);
  add(contracts.social, socialEvents);
  add(contracts.escrow, escrowEvents);

  /** Returns null for logs of events the indexer does not follow. */
  return function decodeLog(log: Log, timestamp: number): ChainEvent | null {
    const entry = byKey.get(`${log.address.toLowerCase()}:${log.topics[0]}`);
    if (!entry) return null;
    let decoded: { eventName: string; args: unknown };
    try {
      decoded = decodeEventLog({
        abi: entry.abi,
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
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decoded.args as Record<string, unknown>)) {
      payload[k] = jsonSafe(v, entry.types.get(k) ?? "");
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
