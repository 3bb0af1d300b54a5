/**
 * Signature recovery on worker threads gives the verdicts the in-thread check
 * gives: the same recovered entries (or reasons) line by line, and, applied in
 * log order with `LogAuthority.admit`, the same first bad entry as
 * `LogAuthority.check` over the same log (a forged signature, a recorded
 * signer that did not sign, a reused nonce, an undelegated session key).
 */
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalMessage, engagementDomain, type MessageByKind, type MessageKind } from "#protocol";
import { DEV_KEYS, SOCIAL, sign } from "#test-kit/helpers.ts";
import { LogAuthority, type RecoveredEntry } from "../engagement/authority.ts";
import { createSignaturePool, recoverLines } from "./signature-pool.ts";

const domain = engagementDomain(31337, SOCIAL);
const [alice, bob, session] = DEV_KEYS.slice(0, 3).map((k) => privateKeyToAccount(k));

async function line<K extends MessageKind>(
  seq: number,
  kind: K,
  message: MessageByKind[K],
  by = alice,
  recorded?: string,
): Promise<string> {
  const { signature } = await sign(by as never, kind, message, 31337, SOCIAL);
  const signer = recorded ?? (by as { address: string }).address.toLowerCase();
  return `{"seq":${seq},"kind":"${kind}","signer":"${signer}","message":${canonicalMessage(kind, message)},"signature":"${signature}"}\n`;
}

describe("signature pool", () => {
  const pool = createSignaturePool(domain, 2);
  afterAll(() => pool.close());

  it("recovers what the in-thread check recovers, and the ordered rules give the same verdicts", async () => {
    const a = (alice as { address: string }).address.toLowerCase() as `0x${string}`;
    const b = (bob as { address: string }).address.toLowerCase() as `0x${string}`;
    const lines: string[] = [];
    let seq = 0;
    for (let i = 0; i < 60; i++) {
      const by = i % 2 === 0 ? alice : bob;
      const account = by === alice ? a : b;
      lines.push(
        await line(
          ++seq,
          "Like",
          { account, postId: BigInt(i + 1), timestamp: 100n, nonce: BigInt(i + 1) },
          by,
        ),
      );
    }
    // Forged: bob's signature recorded as alice's entry.
    lines.push(await line(++seq, "Like", { account: a, postId: 1n, timestamp: 100n, nonce: 1000n }, bob, a));
    // A session key without delegation, then a reused nonce, then a malformed signature.
    lines.push(await line(++seq, "Like", { account: a, postId: 2n, timestamp: 100n, nonce: 1001n }, session));
    lines.push(await line(++seq, "Like", { account: b, postId: 3n, timestamp: 100n, nonce: 2n }, bob));
    lines.push(
      (await line(++seq, "Like", { account: a, postId: 4n, timestamp: 100n, nonce: 1002n })).replace(
        /"signature":"0x[0-9a-f]{4}/,
        '"signature":"0xzz',
      ),
    );
    const text = lines.join("");
    const slices = [lines.slice(0, 20), lines.slice(20, 45), lines.slice(45)].map((l) => l.join(""));

    const inThread = await recoverLines(domain, text);
    const pooled = await Promise.all(slices.map((s) => pool.recover(s)));
    expect({
      seqs: pooled.flatMap((p) => p.seqs),
      signers: pooled.flatMap((p) => p.signers),
      results: pooled.flatMap((p) => p.results),
    }).toEqual(inThread);

    const checked = new LogAuthority(domain);
    const admitted = new LogAuthority(domain);
    const byCheck: (string | null)[] = [];
    for (const l of lines) byCheck.push(await checked.check(JSON.parse(l)));
    const byAdmit = inThread.results.map((r, i) =>
      typeof r === "string" ? r : admitted.admit(inThread.signers[i] as string, r as RecoveredEntry),
    );
    expect(byAdmit).toEqual(byCheck);
    expect(byCheck.slice(0, 60).every((r) => r === null)).toBe(true);
    expect(byCheck.slice(60)).toEqual([
      expect.stringMatching(/^signed by 0x[0-9a-f]{40}, not the recorded signer/),
      expect.stringMatching(/holds no delegation/),
      expect.stringMatching(/used twice/),
      "no valid signature",
    ]);
  });

  it("refuses a slice that is not a log export", async () => {
    await expect(pool.recover('{"seq":1,\n')).rejects.toMatchObject({ code: "SETTLEMENT_BAD_INPUT" });
  });
});
