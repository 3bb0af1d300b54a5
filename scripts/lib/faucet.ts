/**
 * The local chain's faucet: every development account the dApp's picker offers (#1..#49) gets
 * ETH for gas and AMP to amplify with, so whichever account a person picks can publish, amplify
 * and claim. Only accounts below the amounts are topped up, so running it twice changes nothing.
 * Local chain only: it signs with Hardhat's public test keys.
 */
import { type Address, createPublicClient, createWalletClient, http, parseEther } from "viem";
import { AmpError, ampChain, ampTokenAbi, type Deployment } from "#protocol";
import { devAccount } from "#protocol/client.ts";

export interface FaucetOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** Picker accounts #first..#last (default 1..49). */
  first?: number;
  last?: number;
  /** Each account ends with at least this much (defaults: 10 ETH, 1,000 AMP). */
  eth?: bigint;
  amp?: bigint;
}

export interface FaucetResult {
  funded: Address[];
}

export async function fundDevAccounts(options: FaucetOptions): Promise<FaucetResult> {
  const { rpcUrl, deployment } = options;
  if (deployment.chainId !== 31337)
    throw new AmpError(
      "FAUCET_NOT_LOCAL",
      `the faucet runs only on the local chain 31337, not ${deployment.chainId}`,
    );
  const eth = options.eth ?? parseEther("10");
  const amp = options.amp ?? parseEther("1000");
  const chain = ampChain(deployment.chainId, rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const admin = devAccount(0);
  const wallet = createWalletClient({ account: admin, chain, transport: http(rpcUrl) });
  const token = deployment.contracts.AMPToken;
  const funded: Address[] = [];
  const hashes: `0x${string}`[] = [];
  for (let i = options.first ?? 1; i <= (options.last ?? 49); i++) {
    const { address } = devAccount(i);
    const [wei, tokens] = await Promise.all([
      publicClient.getBalance({ address }),
      publicClient.readContract({
        address: token,
        abi: ampTokenAbi,
        functionName: "balanceOf",
        args: [address],
      }),
    ]);
    if (wei >= eth && tokens >= amp) continue;
    if (wei < eth) hashes.push(await wallet.sendTransaction({ to: address, value: eth - wei }));
    if (tokens < amp)
      hashes.push(
        await wallet.writeContract({
          address: token,
          abi: ampTokenAbi,
          functionName: "mint",
          args: [address, amp - tokens],
        }),
      );
    funded.push(address);
  }
  for (const hash of hashes) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new AmpError("FAUCET_TX_REVERTED", `faucet: transaction ${hash} reverted`);
  }
  return { funded };
}
