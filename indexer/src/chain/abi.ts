/** The events the indexer follows, taken from the generated contract ABIs. */
import type { AbiEvent } from "viem";
import { ampEscrowAbi, ampSocialAbi, ampTokenAbi } from "#protocol";
import { CHAIN_EVENT_KINDS, type ChainEventKind } from "../store/events.ts";

const wanted = new Set<string>(CHAIN_EVENT_KINDS);
const pick = (abi: readonly unknown[]) =>
  (abi as readonly AbiEvent[]).filter((item) => item.type === "event" && wanted.has(item.name));

export const tokenEvents = pick(ampTokenAbi);
export const socialEvents = pick(ampSocialAbi);
export const escrowEvents = pick(ampEscrowAbi);
export const followedEvents: AbiEvent[] = [...tokenEvents, ...socialEvents, ...escrowEvents];

export function isFollowedEvent(name: string | undefined): name is ChainEventKind {
  return name !== undefined && wanted.has(name);
}
