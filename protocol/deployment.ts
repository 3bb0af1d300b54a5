/**
 * The deployment file (`deployments/<chainId>.json`, written by `npm run
 * deploy`): where the contracts live, the block they were deployed at, the
 * role holders (admin, minter, settler, guardian, pauser) and the escrow's
 * timing parameters. Parsed with `deploymentSchema`
 * everywhere it is read; addresses come out lowercase.
 */
import { type Address, getAddress } from "viem";
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a).toLowerCase() as Address);

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
}

/** The conventional path of a chain's deployment file, relative to the repository root. */
export const deploymentPath = (chainId: number | string) => `deployments/${chainId}.json`;
