/**
 * The watcher: follows the escrow's `EpochSettled` events, recomputes every
 * settled epoch from public data (one `EpochVerifier` function), logs one
 * verdict per epoch, and, holding a key, disputes a root it cannot reproduce
 * before the epoch's challenge window closes, bonding AMP as the escrow asks.
 * Anyone with an RPC URL (and the verifier's data source) can run one; the
 * settler's own key plays no part.
 *
 * An epoch whose published data is not there yet is retried on every tick; if
 * it is still missing when less than `marginSeconds` of the window remain, the
 * root is unverifiable, which the trust model treats as a mismatch: a root
 * nobody can check must not activate.
 */
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  parseAbi,
  type Transport,
  type WalletClient,
  zeroAddress,
} from "viem";
import { AmpError, type AmpErrorOptions, ampEscrowAbi, ampTokenAbi } from "#protocol";
import { type Logger, silentLogger } from "#protocol/logger.ts";
import { SettlementError } from "./errors.ts";
import { type PublicEpochCheck, PublicVerifyError, verifyFromPublicData } from "./public-verify.ts";
import { type EpochCheck, sequentialVerifier, type VerifyOptions } from "./verify.ts";

/** The escrow's dispute interface (bonded disputes during a root's challenge window). */
export const escrowDisputeAbi = parseAbi([
  "function disputeBond() view returns (uint256)",
  "function dispute(uint64 epoch)",
  "function disputes(uint64 epoch) view returns (address disputer, uint256 bond, uint64 deadline, uint8 status)",
  "event EpochDisputed(uint64 indexed epoch, address indexed disputer, uint256 bond, uint64 deadline)",
]);

/** `disputes(epoch).status` of an open dispute. */
const DISPUTE_OPEN = 1;

export type EpochVerdict =
  | { epoch: number; verdict: "ok"; root: Hex }
  | { epoch: number; verdict: "mismatch"; root: Hex; expectedRoot?: Hex; reasons: string[] }
  /** The data to recompute the epoch is not (yet) published. */
  | { epoch: number; verdict: "unavailable"; reason: string };

/** Recomputes one settled epoch and says whether the chain's record matches. */
export type EpochVerifier = (epoch: number) => Promise<EpochVerdict>;

export class WatcherError extends AmpError {
  override name = "WatcherError";
  constructor(
    code: "WATCHER_CONFIG_INVALID" | "WATCHER_DISPUTE_FAILED",
    shortMessage: string,
    options: AmpErrorOptions = {},
  ) {
    super(code, shortMessage, options);
  }
}

/**
 * The verifier over published epoch files (log export and manifest per epoch in `exportDir`) and
 * the chain: `sequentialVerifier`, which recomputes each epoch once, in order.
 */
export function exportFilesVerifier(
  client: PublicClient,
  options: Omit<VerifyOptions, "epoch">,
): EpochVerifier {
  let verifier: ReturnType<typeof sequentialVerifier> | undefined;
  return async (epoch) => {
    let c: EpochCheck;
    try {
      verifier ??= sequentialVerifier(client, options);
      c = await (await verifier).verify(epoch);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return {
          epoch,
          verdict: "unavailable",
          reason: "the epoch's log export or manifest is not published",
        };
      if (error instanceof SettlementError && error.code === "SETTLEMENT_MANIFEST_MISMATCH")
        return { epoch, verdict: "mismatch", root: `0x${"0".repeat(64)}`, reasons: [error.shortMessage] };
      verifier = undefined;
      throw error;
    }
    if (c.ok) return { epoch, verdict: "ok", root: c.chainRoot };
    const reasons: string[] = [];
    if (c.root !== c.chainRoot) reasons.push(`root ${c.chainRoot} on chain, ${c.root} recomputed`);
    if (c.inputsHash !== c.chainInputsHash)
      reasons.push(`inputs hash ${c.chainInputsHash} on chain, ${c.inputsHash} recomputed`);
    if (!c.exportHashOk) reasons.push("the log export does not match its manifest's hash or range");
    if (c.badEntry) reasons.push(`log entry #${c.badEntry.seq}: ${c.badEntry.reason}`);
    return { epoch, verdict: "mismatch", root: c.chainRoot, expectedRoot: c.root, reasons };
  };
}

/** Problems that mean the indexer has not served the epoch's data yet (not that the root is wrong). */
const NOT_SERVED = new Set(["the indexer serves no manifest", "the indexer serves no log export"]);

/**
 * The verifier over public data alone: the indexer's served manifests and log exports (beside its
 * GraphQL URL) and the chain (`verifyFromPublicData`). An epoch whose data is not served yet is
 * unavailable, never a mismatch.
 */
export function publicDataVerifier(
  client: PublicClient,
  graphql: string,
  options: { impressionIssuers?: readonly string[] } = {},
): EpochVerifier {
  return async (epoch) => {
    let checks: PublicEpochCheck[];
    try {
      checks = await verifyFromPublicData({ graphql, rpc: client, epochs: [epoch], ...options });
    } catch (error) {
      if (error instanceof PublicVerifyError && error.code !== "VERIFY_WRONG_CHAIN")
        return { epoch, verdict: "unavailable", reason: error.shortMessage };
      throw error;
    }
    const c = checks.find((x) => x.epoch === epoch);
    if (!c) return { epoch, verdict: "unavailable", reason: `the escrow holds no epoch ${epoch} yet` };
    if (c.ok) return { epoch, verdict: "ok", root: c.chainRoot };
    if (c.problem !== null && NOT_SERVED.has(c.problem))
      return { epoch, verdict: "unavailable", reason: c.problem };
    return {
      epoch,
      verdict: "mismatch",
      root: c.chainRoot,
      ...(c.root ? { expectedRoot: c.root } : {}),
      reasons: [c.problem ?? "the epoch does not verify"],
    };
  };
}

export interface WatcherOptions {
  publicClient: PublicClient;
  /** Disputes are sent from this wallet; without one the watcher only reports. */
  walletClient?: WalletClient<Transport, Chain | undefined, Account>;
  escrow: Address;
  token: Address;
  /** Events are read from here (the deployment block). */
  startBlock: bigint;
  verify: EpochVerifier;
  logger?: Logger;
  /** An unverifiable epoch is disputed once fewer than this many seconds of its window remain (default 5). */
  marginSeconds?: number;
}

export interface DisputeOutcome {
  epoch: number;
  status: "disputed" | "noKey" | "alreadyDisputed" | "revoked" | "windowClosed" | "unsupported";
  txHash?: Hex;
  bond?: bigint;
}

export interface Watcher {
  /** Reads new `EpochSettled` events, verifies what is pending, disputes mismatches; returns this tick's verdicts. */
  tick(): Promise<EpochVerdict[]>;
  /** Every verdict so far, by epoch. */
  readonly verdicts: ReadonlyMap<number, EpochVerdict>;
  readonly disputes: ReadonlyMap<number, DisputeOutcome>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

interface Pending {
  epoch: number;
  root: Hex;
  activeAt: bigint;
  announced: boolean;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const { publicClient: client, walletClient: wallet, escrow, token } = options;
  const log = options.logger ?? silentLogger();
  const margin = BigInt(options.marginSeconds ?? 5);
  const pending = new Map<number, Pending>();
  const verdicts = new Map<number, EpochVerdict>();
  const disputes = new Map<number, DisputeOutcome>();
  let nextBlock = options.startBlock;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const chainTime = async () => (await client.getBlock({ blockTag: "latest" })).timestamp;

  async function follow(): Promise<void> {
    // Uncached: viem's default block-number cache would hide a block just mined.
    const latest = await client.getBlockNumber({ cacheTime: 0 });
    if (latest < nextBlock) return;
    const events = await client.getContractEvents({
      address: escrow,
      abi: ampEscrowAbi,
      eventName: "EpochSettled",
      fromBlock: nextBlock,
      toBlock: latest,
    });
    for (const e of events) {
      const { epoch, root, activeAt } = e.args;
      if (epoch === undefined || !root || activeAt === undefined) continue;
      const n = Number(epoch);
      if (verdicts.has(n)) continue;
      pending.set(n, { epoch: n, root, activeAt, announced: false });
      log.info({ epoch: n, root, activeAt: Number(activeAt) }, `epoch ${n} settled; verifying`);
    }
    nextBlock = latest + 1n;
  }

  async function dispute(epoch: number, reason: string): Promise<DisputeOutcome> {
    const done = (o: DisputeOutcome) => {
      disputes.set(epoch, o);
      return o;
    };
    if (!wallet) {
      log.warn({ epoch }, `epoch ${epoch}: not disputed (no AMP_WATCHER_KEY): ${reason}`);
      return done({ epoch, status: "noKey" });
    }
    const [, , activeAt, revoked] = await client.readContract({
      address: escrow,
      abi: ampEscrowAbi,
      functionName: "epochs",
      args: [BigInt(epoch)],
    });
    if (revoked) {
      log.info({ epoch }, `epoch ${epoch}: already revoked, nothing to dispute`);
      return done({ epoch, status: "revoked" });
    }
    let bond: bigint;
    try {
      bond = await client.readContract({
        address: escrow,
        abi: escrowDisputeAbi,
        functionName: "disputeBond",
      });
    } catch {
      log.error({ epoch }, `epoch ${epoch}: this escrow takes no disputes; alert its guardian (${reason})`);
      return done({ epoch, status: "unsupported" });
    }
    const [disputer, , , status] = await client.readContract({
      address: escrow,
      abi: escrowDisputeAbi,
      functionName: "disputes",
      args: [BigInt(epoch)],
    });
    // Status 1: an open dispute (a closed one may belong to an earlier, revoked settlement of the epoch).
    if (disputer !== zeroAddress && status === DISPUTE_OPEN) {
      log.info({ epoch, disputer }, `epoch ${epoch}: already disputed by ${disputer}`);
      return done({ epoch, status: "alreadyDisputed" });
    }
    if ((await chainTime()) >= activeAt) {
      log.error(
        { epoch },
        `epoch ${epoch}: its challenge window has closed; too late to dispute (${reason})`,
      );
      return done({ epoch, status: "windowClosed" });
    }
    const me = wallet.account.address;
    const allowance = await client.readContract({
      address: token,
      abi: ampTokenAbi,
      functionName: "allowance",
      args: [me, escrow],
    });
    const send = async (hash: Hex, what: string) => {
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success")
        throw new WatcherError("WATCHER_DISPUTE_FAILED", `epoch ${epoch}: ${what} reverted in ${hash}`);
    };
    if (allowance < bond) {
      await send(
        await wallet.writeContract({
          address: token,
          abi: ampTokenAbi,
          functionName: "approve",
          args: [escrow, bond],
          chain: wallet.chain,
          account: wallet.account,
        }),
        "approving the bond",
      );
    }
    const txHash = await wallet.writeContract({
      address: escrow,
      abi: escrowDisputeAbi,
      functionName: "dispute",
      args: [BigInt(epoch)],
      chain: wallet.chain,
      account: wallet.account,
    });
    await send(txHash, "dispute");
    log.warn(
      { epoch, txHash, bond: bond.toString(), disputer: me },
      `epoch ${epoch}: DISPUTED with a bond of ${bond} wei (${reason})`,
    );
    return done({ epoch, status: "disputed", txHash, bond });
  }

  function report(v: EpochVerdict): void {
    verdicts.set(v.epoch, v);
    if (v.verdict === "ok") log.info({ epoch: v.epoch, verdict: "ok", root: v.root }, `epoch ${v.epoch}: OK`);
    else if (v.verdict === "mismatch")
      log.error(
        {
          epoch: v.epoch,
          verdict: "mismatch",
          root: v.root,
          expectedRoot: v.expectedRoot,
          reasons: v.reasons,
        },
        `epoch ${v.epoch}: MISMATCH: ${v.reasons.join("; ")}`,
      );
    else
      log.error(
        { epoch: v.epoch, verdict: "unverifiable", reason: v.reason },
        `epoch ${v.epoch}: UNVERIFIABLE before its window closes: ${v.reason}`,
      );
  }

  async function tick(): Promise<EpochVerdict[]> {
    await follow();
    const out: EpochVerdict[] = [];
    // Ascending: the tree is cumulative, so an epoch is verified after the ones before it.
    for (const p of [...pending.values()].sort((a, b) => a.epoch - b.epoch)) {
      const v = await options.verify(p.epoch);
      if (v.verdict === "unavailable") {
        if ((await chainTime()) + margin < p.activeAt) {
          if (!p.announced)
            log.info({ epoch: p.epoch }, `epoch ${p.epoch}: waiting for its data (${v.reason})`);
          p.announced = true;
          break;
        }
      }
      pending.delete(p.epoch);
      report(v);
      out.push(v);
      if (v.verdict !== "ok")
        await dispute(p.epoch, v.verdict === "mismatch" ? v.reasons.join("; ") : v.reason);
    }
    return out;
  }

  return {
    tick,
    verdicts,
    disputes,
    start(intervalMs) {
      const loop = () => {
        if (stopped) return;
        running = tick()
          .catch((error: unknown) =>
            log.error(
              { err: error },
              `watcher tick failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => {
            if (!stopped) timer = setTimeout(loop, intervalMs);
          });
      };
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
