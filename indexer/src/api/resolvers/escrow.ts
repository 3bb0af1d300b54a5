/** `Escrow` (pause, roles, dispute pool) and `EpochDispute`: the escrow's state beside campaigns and epochs. */
import { ROLES } from "#protocol";
import type { DisputeRow } from "../../store/queries.ts";
import type { ApiContext } from "../context.ts";

const ESCROW_ROLES = [
  ["ADMIN", ROLES.DEFAULT_ADMIN_ROLE],
  ["SETTLER", ROLES.SETTLER_ROLE],
  ["GUARDIAN", ROLES.GUARDIAN_ROLE],
  ["PAUSER", ROLES.PAUSER_ROLE],
] as const;

const DISPUTE_STATUS = ["NONE", "OPEN", "UPHELD", "REJECTED", "EXPIRED"] as const;

/** The root value of `Query.escrow`; fields read the store when asked. */
export async function escrowState(ctx: ApiContext) {
  const [pause, holders, pending] = await Promise.all([
    ctx.queries.pauseState(),
    ctx.queries.roleHolders(ctx.deployment.contracts.AMPEscrow.toLowerCase()),
    ctx.queries.pendingRoleChanges(),
  ]);
  return {
    paused: pause?.paused === 1,
    pausedSince: pause?.paused === 1 ? pause.timestamp : null,
    disputePool: () => ctx.queries.disputePool(),
    roles: ESCROW_ROLES.map(([name, id]) => {
      const accounts = holders.filter((h) => h.role === id.toLowerCase()).map((h) => h.account);
      return {
        role: name,
        holder: accounts[0] ?? null,
        holders: accounts,
        pendingChanges: pending
          .filter((c) => c.role === id.toLowerCase())
          .map((c) => ({
            account: c.account,
            grant: c.grant === 1,
            readyAt: c.readyAt,
            scheduledBlock: c.blockNumber,
          })),
      };
    }),
  };
}

export const EpochDispute = {
  status: (d: DisputeRow) => DISPUTE_STATUS[d.status] ?? "OPEN",
  paidToDisputer: (d: DisputeRow) => d.paid,
};
