/**
 * Fills a Hardhat chain with thousands of events fast: automine off, JSON-RPC
 * batches of eth_sendTransaction from the node's unlocked accounts, then one
 * mined block per batch.
 */
import { type Address, encodeFunctionData, parseEther, zeroHash } from "viem";
import type { AmpDeployment } from "#protocol";
import { ampSocialAbi, ampTokenAbi } from "#protocol";
import type { HardhatNode } from "./hardhat.ts";
import { DEV_KEYS } from "./helpers.ts";

export async function fillChain(
  node: HardhatNode,
  d: AmpDeployment,
  blocks: number,
  perBlock: number,
): Promise<number> {
  // The node's own unlocked accounts only (the role wallets after them are local keys).
  const [admin, ...users] = node.wallets.slice(0, DEV_KEYS.length).map((w) => w.account.address) as Address[];
  const call = (from: Address, to: Address, data: `0x${string}`) => ({ from, to, data, gas: "0x30d40" });
  await node.rpc("eth_sendTransaction", [
    call(
      admin as Address,
      d.contracts.AMPSocial,
      encodeFunctionData({ abi: ampSocialAbi, functionName: "createCommunity", args: ["bulk", "load"] }),
    ),
  ]);
  await node.rpc("evm_setAutomine", [false]);
  let id = 0;
  let events = 1;
  try {
    for (let b = 0; b < blocks; b++) {
      const batch = [];
      for (let i = 0; i < perBlock; i++) {
        id++;
        const tx =
          i % 3 === 0
            ? call(
                users[id % users.length] as Address,
                d.contracts.AMPSocial,
                encodeFunctionData({
                  abi: ampSocialAbi,
                  functionName: "publish",
                  args: [1n, [`t${id % 7}`], `bulk post ${id}`, zeroHash, ""],
                }),
              )
            : call(
                admin as Address,
                d.contracts.AMPToken,
                encodeFunctionData({
                  abi: ampTokenAbi,
                  functionName: "mint",
                  args: [
                    `0x${(id + 0x1000).toString(16).padStart(40, "0")}` as Address,
                    parseEther(String(id)),
                  ],
                }),
              );
        batch.push({ jsonrpc: "2.0", id, method: "eth_sendTransaction", params: [tx] });
      }
      const res = await fetch(node.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batch),
      });
      const out = (await res.json()) as Array<{ error?: { message: string } }>;
      const failed = out.find((r) => r.error);
      if (failed) throw new Error(`bulk send failed: ${failed.error?.message}`);
      await node.rpc("evm_mine");
      events += perBlock;
    }
  } finally {
    await node.rpc("evm_setAutomine", [true]);
  }
  return events;
}
