/**
 * Import rules, checked by `npm run lint` (and so by `npm test`):
 * `npx depcruise --config .dependency-cruiser.cjs protocol indexer web scripts test contracts`.
 *
 * The indexer is layered; a module may import its own layer and the layers
 * below it, never one above:
 *   protocol -> store (and config) -> chain, engagement -> attention -> settlement -> api -> main
 * Test files (`*.test.ts`) may drive the assembled indexer, so the layer rules
 * do not apply to them; every other rule does.
 */
const INDEXER_LAYERS = [
  ["store", "^indexer/src/(store/|config\\.ts$)"],
  ["chain and engagement", "^indexer/src/(chain|engagement)/"],
  ["attention", "^indexer/src/attention/"],
  ["settlement", "^indexer/src/settlement/"],
  ["api", "^indexer/src/api/"],
  ["main", "^indexer/src/(main|index)\\.ts$"],
];

const layerRules = INDEXER_LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `indexer-layer-${name.replaceAll(" ", "-")}`,
  comment: `indexer/src ${name} may not import a layer above it (${INDEXER_LAYERS.slice(i + 1)
    .map(([n]) => n)
    .join(", ")})`,
  severity: "error",
  from: { path, pathNot: "\\.test\\.ts$" },
  to: { path: INDEXER_LAYERS.slice(i + 1).map(([, p]) => p) },
}));

module.exports = {
  forbidden: [
    {
      name: "protocol-imports-nothing-of-ours",
      comment: "protocol/ is the bottom of every part: it imports only libraries and itself",
      severity: "error",
      from: { path: "^protocol/" },
      to: { path: "^(contracts|indexer|web|scripts|test|ignition)/" },
    },
    ...layerRules,
    {
      name: "web-stays-in-the-browser",
      comment:
        "the dApp and its tests import only themselves and protocol/ (web/bench runs in Node under scripts/bench.ts and reports through the test kit)",
      severity: "error",
      from: { path: "^web/", pathNot: "^web/bench/" },
      to: { path: "^(indexer|scripts|test|contracts|ignition)/" },
    },
    {
      name: "indexer-stands-alone",
      comment: "the indexer does not import the dApp or the scripts",
      severity: "error",
      from: { path: "^indexer/" },
      to: { path: "^(web|scripts)/" },
    },
    {
      name: "no-circular",
      comment: "no import cycles",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "every import resolves",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // indexer/bench/ponder is a Ponder project of its own (its imports resolve in Ponder's build).
    exclude: { path: ["(^|/)(node_modules|artifacts|cache|dist|bench-results)/", "^indexer/bench/ponder/"] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    tsConfig: { fileName: "tsconfig.json" },
  },
};
