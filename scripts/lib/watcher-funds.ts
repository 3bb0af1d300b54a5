/**
 * Gas and AMP for the local network's watcher (development account 59, the
 * key `AMP_WATCHER_KEY=dev` selects), so it can bond a dispute: 10 ETH from
 * the deployer and 1,000 AMP minted by it (the local deployment's minter).
 */
import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { LOCAL_WATCHER_INDEX } from "#indexer/settlement/watch-service.ts";
import { AmpError, ampChain, ampTokenAbi, type Deployment } from "#protocol";
import { devAccount } from "#protocol/client.ts";

export async function fundWatcher(rpcUrl: string, deployment: Deployment): Promise<void> {
  const chain = ampChain(deployment.chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const admin = createWalletClient({ account: devAccount(0), chain, transport: http(rpcUrl) });
  const watcher = devAccount(LOCAL_WATCHER_INDEX).address;
  const wait = async (hash: `0x${string}`) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new AmpError("START_STEP_FAILED", `funding the watcher: transaction ${hash} reverted`);
  };
  if ((await publicClient.getBalance({ address: watcher })) < parseEther("1"))
    await wait(await admin.sendTransaction({ to: watcher, value: parseEther("10") }));
  await wait(
    await admin.writeContract({
      address: deployment.contracts.AMPToken,
      abi: ampTokenAbi,
      functionName: "mint",
      args: [watcher, parseEther("1000")],
    }),
  );
}
