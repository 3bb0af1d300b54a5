/**
 * A minimal client of the indexer's GraphQL endpoint: one query call and the
 * signed submission of an engagement message, plus Hardhat's development
 * accounts. Used by the seeding script and the cross-part tests; a reference
 * for the wire format described in README.md.
 */
import type { Account } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import type { Deployment } from "./deployment.ts";
import { AmpError } from "./errors.ts";
import {
  encodeMessage,
  engagementDomain,
  engagementTypes,
  type MessageByKind,
  type MessageKind,
} from "./messages.ts";

/** Hardhat's well-known development mnemonic: test funds only, never real ones. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const devAccount = (index: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });

/** A small GraphQL client for the indexer's HTTP endpoint. */
export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new AmpError(
      e?.extensions?.code ?? "GRAPHQL_ERROR",
      `GraphQL ${e?.extensions?.code ?? "ERROR"}: ${e?.message}`,
    );
  }
  return body.data as T;
}

const SUBMIT = `mutation Submit($kind: MessageKind!, $message: String!, $signature: String!) {
  submitMessage(kind: $kind, message: $message, signature: $signature) { seq }
}`;

export async function submitSigned<K extends MessageKind>(
  graphqlUrl: string,
  deployment: Deployment,
  signer: Account,
  kind: K,
  message: MessageByKind[K],
): Promise<void> {
  if (!signer.signTypedData) throw new AmpError("SIGNER_INVALID", "signer cannot sign typed data");
  const signature = await signer.signTypedData({
    domain: engagementDomain(deployment.chainId, deployment.contracts.AMPSocial),
    types: engagementTypes,
    primaryType: kind as MessageKind,
    // The typed-data generic cannot follow K through the union of kinds.
    message: message as never,
  } as Parameters<NonNullable<Account["signTypedData"]>>[0]);
  // The indexer's intake quota answers RATE_LIMITED when messages come faster than a person
  // sends them; a well-behaved client waits (at least a second) and resends.
  for (let attempt = 0; ; attempt++) {
    try {
      await graphql(graphqlUrl, SUBMIT, { kind, message: encodeMessage(message), signature });
      return;
    } catch (error) {
      if (!(error instanceof AmpError && error.code === "RATE_LIMITED") || attempt >= 120) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
