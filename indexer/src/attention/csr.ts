/**
 * Compressed sparse row storage of a weighted directed graph: the out-edges
 * of node u are targets[offsets[u] .. offsets[u+1]) with their weights.
 */
export interface CsrGraph {
  /** Number of nodes. */
  n: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float64Array;
  /** Sum of each node's out-edge weights. */
  outWeight: Float64Array;
}

/**
 * Builds a CSR graph from an edge list by counting sort on the source, keeping
 * the list order within a source. Self-edges and non-positive weights are dropped.
 */
export function csrFromEdges(n: number, src: Uint32Array, dst: Uint32Array, w: Float64Array): CsrGraph {
  const m = src.length;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < m; i++) {
    if (src[i] !== dst[i] && (w[i] as number) > 0) {
      const k = (src[i] as number) + 1;
      offsets[k] = (offsets[k] as number) + 1;
    }
  }
  for (let u = 0; u < n; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const kept = offsets[n] as number;
  const targets = new Uint32Array(kept);
  const weights = new Float64Array(kept);
  const outWeight = new Float64Array(n);
  const cursor = offsets.slice(0, n);
  for (let i = 0; i < m; i++) {
    const s = src[i] as number;
    const d = dst[i] as number;
    const wi = w[i] as number;
    if (s === d || !(wi > 0)) continue;
    const at = cursor[s] as number;
    cursor[s] = at + 1;
    targets[at] = d;
    weights[at] = wi;
    outWeight[s] = (outWeight[s] as number) + wi;
  }
  return { n, offsets, targets, weights, outWeight };
}
