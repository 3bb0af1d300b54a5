/**
 * Writes protocol/abi.ts (`as const` ABIs for viem and wagmi) from the Hardhat artifacts.
 * Run after `npx hardhat compile`: `npx tsx scripts/export-abi.ts`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAbiModule } from "#protocol/abi-render.ts";

const isMain = process.argv[1] === import.meta.filename;
if (isMain) {
  const root = process.cwd();
  const out = join(root, "protocol", "abi.ts");
  writeFileSync(out, renderAbiModule(root));
  console.log(`export-abi: wrote ${out}`);
}
