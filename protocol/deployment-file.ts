/** Reads and validates a deployment file from disk (Node only; the dApp gets it over HTTP). */
import { existsSync, readFileSync } from "node:fs";
import { type Deployment, deploymentSchema } from "./deployment.ts";
import { AmpError } from "./errors.ts";

export class DeploymentFileError extends AmpError {
  override name = "DeploymentFileError";
  constructor(
    readonly issues: string[],
    cause?: unknown,
  ) {
    super("DEPLOYMENT_FILE_INVALID", issues.join("; "), { cause });
  }
}

/** Parses a deployment file; throws `DeploymentFileError` listing every problem. */
export function readDeployment(path: string): Deployment {
  if (!existsSync(path)) {
    throw new DeploymentFileError([`deploymentFile: ${path} does not exist (deploy the contracts first)`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DeploymentFileError(
      [`deploymentFile: ${path} is not valid JSON (${(error as Error).message})`],
      error,
    );
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    throw new DeploymentFileError(
      parsed.error.issues.map((i) => `deployment.${i.path.join(".")}: ${i.message}`),
    );
  }
  return parsed.data;
}
