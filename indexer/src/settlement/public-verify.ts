/**
 * Verification of settled epochs from public data alone: an indexer's public
 * URLs (the GraphQL endpoint, and beside it `/epochs/<n>/manifest.json` and
 * `/epochs/<n>/log.ndjson`) and an RPC URL. Nothing of the indexer's files or
 * database is read. For each epoch from 1 (the tree is cumulative, so every
 * earlier epoch is recomputed too):
 *
 * 1. the served manifest must hash to the escrow's on-chain inputs hash (so it
 *    is the manifest the settler committed to), name this epoch, continue the
 *    previous epoch's range and carry parameters matching their hash;
 * 2. the served log must hash to the manifest's export hash, and every entry
 *    must be signed by its account or a key it delegated to (impressions by a
 *    published impression key);
 * 3. the epoch is recomputed from the log, the manifest and the chain facts at
 *    the manifest's block, and its root and inputs hash compared with the
 *    escrow's.
 *
 * The log streams in: it is hashed and parsed slice by slice as it arrives,
 * the chain facts are read meanwhile, and the signatures of a large log are
 * recovered on worker threads (`signature-pool.ts`) while this thread parses
 * and recomputes; the authority rules (delegations, nonces, impression keys)
 * are applied to the recovered entries in log order.
 *
 * `verifyFromPublicData(options)` is the entry point (used by
 * `npm run verify-epoch` and the watcher); its signature is kept stable.
 */
import { createKeccak } from "hash-wasm";
import {
  type Address,
  createPublicClient,
  type Hex,
  http,
  type PublicClient,
  type TypedDataDomain,
} from "viem";
import { AmpError, ampEscrowAbi, engagementDomain } from "#protocol";
import { loadLogExport } from "../attention/load.ts";
import type { LogEntry } from "../attention/log.ts";
import { ALGORITHM_VERSION, paramsHash } from "../attention/params.ts";
import { LogAuthority, type RecoveredEntry } from "../engagement/authority.ts";
import { DEV_IMPRESSION_ISSUER } from "../engagement/impressions.ts";
import { readChainFacts } from "./chain-facts.ts";
import { computeEpoch } from "./epoch.ts";
import { epochInputFrom } from "./epoch-input.ts";
import { SettlementError } from "./errors.ts";
import { type EpochManifest, manifestHash, parseManifest } from "./manifest.ts";
import { createSignaturePool, recoverLines, type SignaturePool } from "./signature-pool.ts";

export interface PublicVerifyOptions {
  /** The indexer's GraphQL URL, e.g. http://127.0.0.1:4000/graphql; the epoch documents are beside it. */
  graphql: string;
  /** An RPC URL of the chain, or a client for it. */
  rpc: string | PublicClient;
  /** Report these epochs (each recomputed from epoch 1 up); default every epoch the escrow holds. */
  epochs?: readonly number[];
  /** Published impression keys; default what the indexer names, else the dev key on chain 31337. */
  impressionIssuers?: readonly string[];
  /** Called as each epoch is checked (in order, reported or not). */
  onEpoch?: (check: PublicEpochCheck) => void;
  /** Worker threads recovering a large log's signatures; default the machine's cores. */
  signatureThreads?: number;
}

export interface PublicEpochCheck {
  epoch: number;
  /** The served manifest is the one the chain committed to (its hash is the inputs hash) and is valid. */
  manifestOk: boolean;
  /** The served log hashes to the manifest's export hash and continues the previous range. */
  exportHashOk: boolean;
  /** Every served entry is signed by its account or a key it delegated to. */
  signaturesOk: boolean;
  badEntry: { seq: number; reason: string } | null;
  root: Hex | null;
  chainRoot: Hex;
  inputsHash: Hex | null;
  chainInputsHash: Hex;
  /** Why the epoch did not verify (the first reason), null when it did. */
  problem: string | null;
  ok: boolean;
  /** Milliseconds spent on this epoch: fetching, checking signatures and recomputing. */
  ms: number;
}

export class PublicVerifyError extends AmpError {
  override name = "PublicVerifyError";
}

interface IndexerFacts {
  chainId: number;
  social: Address;
  escrow: Address;
  startBlock: number;
  impressionIssuers: string[];
}

const base = (graphql: string) => graphql.replace(/\/graphql\/?$/, "");

async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new PublicVerifyError("VERIFY_UNREACHABLE", `cannot reach ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function indexerFacts(graphql: string): Promise<IndexerFacts> {
  const res = await request(graphql, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "{ indexerStatus { chainId startBlock impressionIssuers contracts { social escrow } } }",
    }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: {
      indexerStatus: {
        chainId: number;
        startBlock: number;
        impressionIssuers: string[];
        contracts: { social: Address; escrow: Address };
      };
    };
    errors?: { message: string }[];
  } | null;
  const s = body?.data?.indexerStatus;
  if (!s)
    throw new PublicVerifyError(
      "VERIFY_BAD_ANSWER",
      `${graphql} did not answer indexerStatus (HTTP ${res.status}${body?.errors?.[0] ? `: ${body.errors[0].message}` : ""})`,
    );
  return {
    chainId: s.chainId,
    social: s.contracts.social,
    escrow: s.contracts.escrow,
    startBlock: s.startBlock,
    impressionIssuers: s.impressionIssuers,
  };
}

/** Fetches a served document; null for a 404 (not published), an error for anything else. */
async function fetchText(url: string): Promise<string | null> {
  const res = await request(url);
  if (res.status === 404) return null;
  if (!res.ok) throw new PublicVerifyError("VERIFY_BAD_ANSWER", `${url} answered HTTP ${res.status}`);
  return res.text();
}

/** Below this many bytes of a log, signatures are recovered in this thread (no worker start-up). */
const POOL_AFTER_BYTES = 1 << 20;
/** Lines of a log are sent to the recovery workers in slices of about this many bytes. */
const SLICE_BYTES = 1 << 20;

interface FetchedLog {
  hash: Hex;
  entries: LogEntry[];
  /**
   * The first entry whose signature or authority fails (null when none does): settles once every
   * signature is checked, which may be after the log is read (the recovery runs on workers
   * meanwhile).
   */
  badEntry: Promise<PublicEpochCheck["badEntry"]>;
}

/**
 * Streams a served log export: hashes its exact bytes and parses it in slices of whole lines as
 * they arrive, while each slice's signatures are recovered (on `pool`'s workers once the log is
 * large) and the authority rules applied to them in log order.
 */
async function fetchLog(
  url: string,
  authority: LogAuthority,
  domain: TypedDataDomain,
  pool: () => SignaturePool,
): Promise<FetchedLog | null> {
  const res = await request(url);
  if (res.status === 404) return null;
  if (!res.ok || !res.body)
    throw new PublicVerifyError("VERIFY_BAD_ANSWER", `${url} answered HTTP ${res.status}`);
  const hasher = await createKeccak(256);
  hasher.init();
  const entries: LogEntry[] = [];
  let badEntry: PublicEpochCheck["badEntry"] = null;
  // The recovered slices, admitted in log order as they come back.
  let admitted: Promise<void> = Promise.resolve();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let pendingText = "";
  let received = 0;
  const recover = (text: string) => {
    const recovered = received < POOL_AFTER_BYTES ? recoverLines(domain, text) : pool().recover(text);
    admitted = admitted.then(async () => {
      const { seqs, signers, results } = await recovered;
      for (let i = 0; i < results.length; i++) {
        const r = results[i] as RecoveredEntry | string;
        const reason = typeof r === "string" ? r : authority.admit(signers[i] as string, r);
        if (reason && !badEntry) badEntry = { seq: seqs[i] as number, reason };
      }
    });
  };
  const take = (text: string, last: boolean) => {
    for (const e of loadLogExport(text)) entries.push(e);
    pendingText += text;
    if (pendingText.length >= SLICE_BYTES || (last && pendingText.length > 0)) {
      recover(pendingText);
      pendingText = "";
    }
  };
  const bad = (error: unknown) =>
    error instanceof AmpError && !(error instanceof SettlementError)
      ? error
      : new PublicVerifyError(
          "VERIFY_BAD_ANSWER",
          `${url} is not a valid log export: ${(error as Error).message}`,
          { cause: error },
        );
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hasher.update(chunk);
      received += chunk.length;
      const text = rest + decoder.decode(chunk, { stream: true });
      const cut = text.lastIndexOf("\n") + 1;
      rest = text.slice(cut);
      if (cut > 0) take(text.slice(0, cut), false);
    }
    rest += decoder.decode();
    take(rest, true);
  } catch (error) {
    // Slices already sent settle on their own; their outcome no longer matters.
    admitted.catch(() => undefined);
    throw bad(error);
  }
  const checked = admitted.then(
    () => badEntry,
    (error: unknown) => {
      throw bad(error);
    },
  );
  checked.catch(() => undefined);
  return { hash: `0x${hasher.digest("hex")}` as Hex, entries, badEntry: checked };
}

export async function verifyFromPublicData(options: PublicVerifyOptions): Promise<PublicEpochCheck[]> {
  const client =
    typeof options.rpc === "string"
      ? (createPublicClient({ transport: http(options.rpc) }) as PublicClient)
      : options.rpc;
  const facts = await indexerFacts(options.graphql);
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (error) {
    throw new PublicVerifyError(
      "VERIFY_UNREACHABLE",
      `the RPC does not answer: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (chainId !== facts.chainId)
    throw new PublicVerifyError(
      "VERIFY_WRONG_CHAIN",
      `the RPC is chain ${chainId}, the indexer follows chain ${facts.chainId}`,
    );
  const escrow = facts.escrow;
  const last = Number(
    await client
      .readContract({ address: escrow, abi: ampEscrowAbi, functionName: "lastEpoch" })
      .catch((error) => {
        throw new PublicVerifyError("VERIFY_BAD_ANSWER", `no AMPEscrow at ${escrow} on chain ${chainId}`, {
          cause: error,
        });
      }),
  );
  const wanted = new Set(options.epochs ?? Array.from({ length: last }, (_, i) => i + 1));
  for (const e of wanted)
    if (!Number.isInteger(e) || e < 1 || e > last)
      throw new PublicVerifyError(
        "VERIFY_NO_SUCH_EPOCH",
        last === 0
          ? "no epoch has been settled yet"
          : `epoch ${e} is not settled on chain (epochs 1..${last} are)`,
      );
  const upTo = Math.max(0, ...wanted);
  const issuers =
    options.impressionIssuers ??
    (facts.impressionIssuers.length > 0
      ? facts.impressionIssuers
      : chainId === 31337
        ? [DEV_IMPRESSION_ISSUER]
        : []);
  const domain = engagementDomain(chainId, facts.social);
  const authority = new LogAuthority(domain, issuers);
  const root = base(options.graphql);
  let signaturePool: SignaturePool | null = null;
  const pool = () => {
    signaturePool ??= createSignaturePool(domain, options.signatureThreads);
    return signaturePool;
  };
  try {
    return await verifyEpochs();
  } finally {
    await (signaturePool as SignaturePool | null)?.close();
  }

  async function verifyEpochs(): Promise<PublicEpochCheck[]> {
    const checks: PublicEpochCheck[] = [];
    const entries: LogEntry[] = [];
    let previousCumulative = new Map<string, bigint>();
    const previouslyPaid = new Set<string>();
    let lastToSeq = 0;
    for (let epoch = 1; epoch <= upTo; epoch++) {
      const started = performance.now();
      const [chainRoot, chainInputsHash] = await client.readContract({
        address: escrow,
        abi: ampEscrowAbi,
        functionName: "epochs",
        args: [BigInt(epoch)],
      });
      const check: PublicEpochCheck = {
        epoch,
        manifestOk: false,
        exportHashOk: false,
        signaturesOk: false,
        badEntry: null,
        root: null,
        chainRoot,
        inputsHash: null,
        chainInputsHash,
        problem: null,
        ok: false,
        ms: 0,
      };
      const finish = () => {
        check.ok = check.problem === null;
        check.ms = Math.round(performance.now() - started);
        options.onEpoch?.(check);
        if (wanted.has(epoch)) checks.push(check);
      };
      const text = await fetchText(`${root}/epochs/${epoch}/manifest.json`);
      let manifest: EpochManifest | null = null;
      if (text === null) check.problem = "the indexer serves no manifest";
      else if (manifestHash(text) !== chainInputsHash)
        check.problem = `the served manifest hashes to ${manifestHash(text)}, not the on-chain inputs hash`;
      else {
        try {
          manifest = parseManifest(text);
        } catch (error) {
          check.problem = (error as AmpError).shortMessage ?? String(error);
        }
      }
      if (manifest) {
        if (manifest.epoch !== epoch) check.problem = `the manifest names epoch ${manifest.epoch}`;
        else if (manifest.algorithm !== ALGORITHM_VERSION)
          check.problem = `the manifest's algorithm ${manifest.algorithm} is not ${ALGORITHM_VERSION}, which this verifier implements`;
        else if (paramsHash(manifest.params) !== manifest.paramsHash)
          check.problem = "the manifest's parameters do not match their hash";
        else check.manifestOk = true;
      }
      if (!manifest || !check.manifestOk) {
        // Later epochs continue this one's tree and range: they cannot be recomputed either.
        finish();
        for (let e = epoch + 1; e <= upTo; e++) if (wanted.has(e)) checks.push(unverifiable(e, epoch));
        break;
      }
      // The chain facts are read while the log streams in.
      const chainFacts = readChainFacts(client, {
        social: facts.social,
        escrow,
        startBlock: BigInt(facts.startBlock),
        blockNumber: BigInt(manifest.factsBlock),
      });
      chainFacts.catch(() => undefined);
      const log = await fetchLog(`${root}/epochs/${epoch}/log.ndjson`, authority, domain, pool);
      if (!log) {
        check.problem = "the indexer serves no log export";
        finish();
        for (let e = epoch + 1; e <= upTo; e++) if (wanted.has(e)) checks.push(unverifiable(e, epoch));
        break;
      }
      const previousToSeq = lastToSeq;
      check.exportHashOk = log.hash === manifest.exportHash && manifest.fromSeq === previousToSeq;
      for (const e of log.entries) entries.push(e);
      lastToSeq = manifest.toSeq;
      // Computed while the signatures are still being checked on the recovery workers.
      const result = computeEpoch(
        epochInputFrom(await chainFacts, {
          epoch,
          entries,
          fromSeq: manifest.fromSeq,
          toSeq: manifest.toSeq,
          exportHash: manifest.exportHash,
          previousCumulative,
          previouslyPaid,
          params: manifest.params,
          chain: { blockNumber: BigInt(manifest.factsBlock) },
        }),
      );
      const badEntry = await log.badEntry;
      check.badEntry = badEntry;
      check.signaturesOk = badEntry === null;
      check.root = result.root;
      check.inputsHash = result.inputsHash;
      if (!check.exportHashOk)
        check.problem =
          log.hash !== manifest.exportHash
            ? `the served log hashes to ${log.hash}, the manifest says ${manifest.exportHash}`
            : `the manifest's range starts after seq ${manifest.fromSeq}, the previous epoch ended at ${previousToSeq}`;
      else if (badEntry) check.problem = `log entry #${badEntry.seq}: ${badEntry.reason}`;
      else if (result.inputsHash !== chainInputsHash)
        check.problem = `the recomputed manifest hashes to ${result.inputsHash} (period end or facts differ)`;
      else if (result.root !== chainRoot) check.problem = `the recomputed root is ${result.root}`;
      finish();
      previousCumulative = result.cumulative;
      for (const key of result.newlyPaid) previouslyPaid.add(key);
    }
    return checks;
  }
}

function unverifiable(epoch: number, failed: number): PublicEpochCheck {
  const zero = `0x${"0".repeat(64)}` as Hex;
  return {
    epoch,
    manifestOk: false,
    exportHashOk: false,
    signaturesOk: false,
    badEntry: null,
    root: null,
    chainRoot: zero,
    inputsHash: null,
    chainInputsHash: zero,
    problem: `not recomputable: epoch ${failed}, which it continues, did not verify`,
    ok: false,
    ms: 0,
  };
}
