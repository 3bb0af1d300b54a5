/** Parameters back from their canonical JSON (as published in an epoch manifest). */
import type { AttentionParams } from "./params.ts";

export function paramsFromCanonicalJson(json: string): AttentionParams {
  const raw = JSON.parse(json) as AttentionParams & { price: { basePrice: string; sizeScale: string } };
  return {
    ...raw,
    price: { ...raw.price, basePrice: BigInt(raw.price.basePrice), sizeScale: BigInt(raw.price.sizeScale) },
  };
}
