/**
 * Hardhat Ignition module: deploys AMPToken, AMPSocial and AMPEscrow. The deployer (account #0)
 * is admin of both and the token's minter; settler, guardian and pauser are three other accounts
 * (parameters `settler`, `guardian`, `pauser`; accounts #1, #2 and #3 by default), named in the
 * escrow's constructor, so the deployer never holds an operational role.
 * Parameters: `cap` (wei), `challengeWindow`, `epochLength`, `settlementGrace`, `roleDelay`,
 * `adminDelay`, `disputePeriod` (seconds), `disputeBond`, `disputeReward` (wei; the pool starts
 * empty, funded with `fundDisputePool`).
 * Run: `npx hardhat ignition deploy ignition/modules/AMP.ts --network localhost`.
 * scripts/deploy.ts does the same with viem and writes deployments/<chainId>.json.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toBytes } from "viem";

export default buildModule("AMP", (m) => {
  const deployer = m.getAccount(0);
  const cap = m.getParameter("cap", 1_000_000_000n * 10n ** 18n);
  const challengeWindow = m.getParameter("challengeWindow", 60n);
  const epochLength = m.getParameter("epochLength", 30n);
  const settlementGrace = m.getParameter("settlementGrace", 90n);
  const roleDelay = m.getParameter("roleDelay", 3_660n);
  const adminDelay = m.getParameter("adminDelay", 0n);
  const settler = m.getParameter("settler", m.getAccount(1));
  const guardian = m.getParameter("guardian", m.getAccount(2));
  const pauser = m.getParameter("pauser", m.getAccount(3));
  const disputeBond = m.getParameter("disputeBond", 100n * 10n ** 18n);
  const disputeReward = m.getParameter("disputeReward", 50n * 10n ** 18n);
  const disputePeriod = m.getParameter("disputePeriod", 600n);

  const token = m.contract("AMPToken", [deployer, cap]);
  const social = m.contract("AMPSocial", []);
  const escrow = m.contract("AMPEscrow", [
    token,
    social,
    {
      admin: deployer,
      settler,
      guardian,
      pauser,
      adminDelay,
      challengeWindow,
      epochLength,
      settlementGrace,
      roleDelay,
      disputeBond,
      disputeReward,
      disputePeriod,
    },
  ]);

  m.call(token, "grantRole", [keccak256(toBytes("MINTER_ROLE")), deployer], { id: "grantMinter" });

  return { token, social, escrow };
});
