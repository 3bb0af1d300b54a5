/** viem clients and small helpers for tests that drive the local network. */
import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  parseEventLogs,
} from "viem";
import { ampChain, ampEscrowAbi, ampSocialAbi, ampTokenAbi, type Deployment } from "#protocol";
import { devAccount } from "#protocol/client.ts";

export function chainClients(rpcUrl: string, deployment: Deployment) {
  const chain = ampChain(deployment.chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const walletFor = (account: Account) => createWalletClient({ account, chain, transport: http(rpcUrl) });
  const { AMPToken, AMPSocial, AMPEscrow } = deployment.contracts;

  async function mined(hash: `0x${string}`) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  }

  /** Hardhat's development RPC methods (evm_mine, ...), which viem's typed request does not list. */
  async function rpc(method: string, params: unknown[] = []) {
    const request = publicClient.request as (args: { method: string; params: unknown[] }) => Promise<unknown>;
    return request({ method, params });
  }

  return {
    chain,
    publicClient,
    walletFor,
    mined,
    rpc,
    /** Gives a fresh development account gas money and AMP from the deployer (the minter). */
    async fund(account: Account, amp: string) {
      const admin = devAccount(0);
      await mined(await walletFor(admin).sendTransaction({ to: account.address, value: parseEther("10") }));
      await mined(
        await walletFor(admin).writeContract({
          address: AMPToken,
          abi: ampTokenAbi,
          functionName: "mint",
          args: [account.address, parseEther(amp)],
        }),
      );
    },
    async publish(author: Account, communityId: bigint, text: string, topics: string[] = []) {
      const receipt = await mined(
        await walletFor(author).writeContract({
          address: AMPSocial,
          abi: ampSocialAbi,
          functionName: "publish",
          args: [communityId, topics, text, `0x${"0".repeat(64)}`, ""],
        }),
      );
      const [event] = parseEventLogs({ abi: ampSocialAbi, logs: receipt.logs, eventName: "PostPublished" });
      if (!event) throw new Error("no PostPublished event");
      return event.args.postId;
    },
    async amplify(promoter: Account, postId: bigint, amount: bigint, durationSeconds: bigint) {
      await mined(
        await walletFor(promoter).writeContract({
          address: AMPToken,
          abi: ampTokenAbi,
          functionName: "approve",
          args: [AMPEscrow, amount],
        }),
      );
      const receipt = await mined(
        await walletFor(promoter).writeContract({
          address: AMPEscrow,
          abi: ampEscrowAbi,
          functionName: "amplify",
          args: [postId, amount, durationSeconds],
        }),
      );
      const [event] = parseEventLogs({ abi: ampEscrowAbi, logs: receipt.logs, eventName: "CampaignCreated" });
      if (!event) throw new Error("no CampaignCreated event");
      return event.args.campaignId;
    },
    balanceOf(address: Address) {
      return publicClient.readContract({
        address: AMPToken,
        abi: ampTokenAbi,
        functionName: "balanceOf",
        args: [address],
      });
    },
    async claim(caller: Account, account: Address, cumulativeAmount: bigint, proof: `0x${string}`[]) {
      return mined(
        await walletFor(caller).writeContract({
          address: AMPEscrow,
          abi: ampEscrowAbi,
          functionName: "claim",
          args: [account, cumulativeAmount, proof],
        }),
      );
    },
  };
}
