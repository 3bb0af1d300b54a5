/**
 * Hardhat Ignition module: deploys AMPToken, AMPSocial and AMPEscrow and grants the deployer
 * (account #0) the minter, settler, guardian and pauser roles (the admin grants more later).
 * Parameters: `cap` (wei) and `challengeWindow` (seconds).
 * Run: `npx hardhat ignition deploy ignition/modules/AMP.ts --network localhost`.
 * scripts/deploy.ts does the same with viem and writes deployments/<chainId>.json.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toBytes } from "viem";

export default buildModule("AMP", (m) => {
  const deployer = m.getAccount(0);
  const cap = m.getParameter("cap", 1_000_000_000n * 10n ** 18n);
  const challengeWindow = m.getParameter("challengeWindow", 60n);

  const token = m.contract("AMPToken", [deployer, cap]);
  const social = m.contract("AMPSocial", []);
  const escrow = m.contract("AMPEscrow", [deployer, token, social, challengeWindow]);

  const role = (name: string) => keccak256(toBytes(name));
  m.call(token, "grantRole", [role("MINTER_ROLE"), deployer], { id: "grantMinter" });
  m.call(escrow, "grantRole", [role("SETTLER_ROLE"), deployer], { id: "grantSettler" });
  m.call(escrow, "grantRole", [role("GUARDIAN_ROLE"), deployer], { id: "grantGuardian" });
  m.call(escrow, "grantRole", [role("PAUSER_ROLE"), deployer], { id: "grantPauser" });

  return { token, social, escrow };
});
