/**
 * The deployment file (`deployments/<chainId>.json`, written by `npm run
 * deploy`): where the contracts live, the block they were deployed at, the
 * role holders (admin, minter, settler, guardian, pauser) and the escrow's
 * timing and dispute parameters. Parsed with `deploymentSchema`
 * everywhere it is read; addresses come out lowercase.
 */
import { type Address, getAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a).toLowerCase() as Address);

const wei = z.string().regex(/^[0-9]+$/, "expected a decimal amount of wei");

export const deploymentSchema = z.object({
  chainId: z.coerce.number().int().positive(),
  startBlock: z.coerce.number().int().nonnegative(),
  contracts: z.object({ AMPToken: address, AMPSocial: address, AMPEscrow: address }),
  /** `impressions`: the address of the indexer's impression key (verifiers accept impressions it signed). */
  roles: z
    .object({
      admin: address,
      minter: address,
      settler: address,
      guardian: address,
      pauser: address,
      impressions: address,
    })
    .partial()
    .optional(),
  challengeWindow: z.coerce.number().int().nonnegative().optional(),
  epochLength: z.coerce.number().int().positive().optional(),
  settlementGrace: z.coerce.number().int().nonnegative().optional(),
  roleDelay: z.coerce.number().int().nonnegative().optional(),
  adminDelay: z.coerce.number().int().nonnegative().optional(),
  /** Dispute bond, reward and initial pool in AMP wei (decimal strings); seconds to resolve a dispute. */
  disputeBond: wei.optional(),
  disputeReward: wei.optional(),
  disputePeriod: z.coerce.number().int().positive().optional(),
  disputePoolFunding: wei.optional(),
});

/** A parsed deployment file. */
export type Deployment = z.infer<typeof deploymentSchema>;

/** The deployment as `deployAmp` returns it and `npm run deploy` writes it: every field present. */
export interface AmpRoles {
  /** DEFAULT_ADMIN_ROLE of the token and the escrow (schedules escrow role changes). */
  admin: Address;
  minter: Address;
  settler: Address;
  guardian: Address;
  pauser: Address;
}

/** The deployment as `deployAmp` returns it and `npm run deploy` writes it: every field present. */
export interface AmpDeployment {
  chainId: number;
  startBlock: number;
  contracts: { AMPToken: Address; AMPSocial: Address; AMPEscrow: Address };
  roles: AmpRoles;
  challengeWindow: number;
  epochLength: number;
  settlementGrace: number;
  roleDelay: number;
  adminDelay: number;
  /** AMP wei each dispute bonds (decimal string). */
  disputeBond: string;
  /** AMP wei an upheld dispute earns from the pool (decimal string). */
  disputeReward: string;
  /** Seconds the guardian has to resolve a dispute before anyone may expire it. */
  disputePeriod: number;
  /** AMP wei put into the dispute pool at deployment (decimal string). */
  disputePoolFunding: string;
}

/** The conventional path of a chain's deployment file, relative to the repository root. */
export const deploymentPath = (chainId: number | string) => `deployments/${chainId}.json`;
