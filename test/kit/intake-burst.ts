/**
 * A writer process for crash tests: opens the store named by `AMP_BURST_STORE` (a postgres://
 * URL, else a SQLite file path), wires intake as the indexer does (`createIntakeWriter`: the
 * group commit of that engine) and submits signed Follow messages, many in flight, without end.
 * Each acknowledgement is printed as `ack <account> <nonce> <seq>` once `submit` resolved; the
 * parent kills the process (SIGKILL) in the middle of the burst and checks the store.
 */
import type { Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createIntakeWriter } from "#indexer/engagement/group-commit.ts";
import { createEngagementService } from "#indexer/engagement/submit.ts";
import { openDb } from "#indexer/store/db.ts";
import { openPostgres, type StoreEngine, sqliteEngine } from "#indexer/store/engine/engine.ts";
import { SOCIAL, sign } from "./helpers.ts";

const IN_FLIGHT = 64;
const ACCOUNTS = 8;

async function main(target: string): Promise<void> {
  const engine: StoreEngine = /^postgres(ql)?:\/\//.test(target)
    ? await openPostgres(target)
    : sqliteEngine(openDb(target));
  const writer = createIntakeWriter(engine, { walPath: engine.sqlite ? `${target}-wal` : undefined });
  const service = createEngagementService({
    store: writer.store,
    append: writer.append,
    chainId: 31337,
    verifyingContract: SOCIAL,
    intake: {
      perAccount: { ratePerSec: 1e9, burst: 1e9 },
      perClient: { ratePerSec: 1e9, burst: 1e9 },
    },
  });
  const accounts = Array.from({ length: ACCOUNTS }, () => privateKeyToAccount(generatePrivateKey()));
  const nonces = new Map<string, bigint>();
  let n = 0;
  process.stdout.write("ready\n");
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (;;) {
        const signer = accounts[n++ % ACCOUNTS] as (typeof accounts)[number];
        const nonce = (nonces.get(signer.address) ?? 0n) + 1n;
        nonces.set(signer.address, nonce);
        const target = privateKeyToAccount(generatePrivateKey()).address as Address;
        const m = await sign(signer, "Follow", {
          account: signer.address,
          target,
          follow: true,
          timestamp: BigInt(Math.floor(Date.now() / 1000)),
          nonce,
        });
        const { seq } = await service.submit(m.kind, m.json, m.signature);
        process.stdout.write(`ack ${signer.address.toLowerCase()} ${nonce} ${seq}\n`);
      }
    }),
  );
}

const target = process.env.AMP_BURST_STORE;
if (target) await main(target);
