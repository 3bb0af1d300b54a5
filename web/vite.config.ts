import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const webRoot = dirname(fileURLToPath(import.meta.url));

/**
 * Serves `/deployment.json` in dev and preview from the deployment output
 * (`deployments/<AMP_CHAIN_ID or 31337>.json`, or the file named by
 * AMP_DEPLOYMENT_FILE, as for every other command, or AMP_DEPLOYMENT), merged with the endpoints from AMP_RPC_URL and
 * AMP_GRAPHQL_URL and the view dwell time from AMP_DWELL_MS. A static
 * deployment.json (web/public/ in dev, web/dist/ in preview) wins when present.
 */
function deploymentJson(): Plugin {
  const handler = (staticFile: string) => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url?.split("?")[0] !== "/deployment.json") return next();
    if (existsSync(resolve(webRoot, staticFile))) return next();
    const chainId = process.env.AMP_CHAIN_ID ?? "31337";
    const file =
      process.env.AMP_DEPLOYMENT_FILE ??
      process.env.AMP_DEPLOYMENT ??
      resolve(webRoot, `../deployments/${chainId}.json`);
    if (!existsSync(file)) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: `no deployment file at ${file}` }));
      return;
    }
    const body = {
      ...JSON.parse(readFileSync(file, "utf8")),
      ...(process.env.AMP_RPC_URL ? { rpcUrl: process.env.AMP_RPC_URL } : {}),
      ...(process.env.AMP_GRAPHQL_URL ? { graphqlUrl: process.env.AMP_GRAPHQL_URL } : {}),
      ...(process.env.AMP_DWELL_MS ? { dwellMs: Number(process.env.AMP_DWELL_MS) } : {}),
    };
    res.setHeader("content-type", "application/json");
    res.setHeader("cache-control", "no-store");
    res.end(JSON.stringify(body));
  };
  return {
    name: "amp-deployment-json",
    configureServer(server) {
      server.middlewares.use(handler("public/deployment.json"));
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler("dist/deployment.json"));
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), deploymentJson()],
  build: {
    outDir: resolve(webRoot, "dist"),
    emptyOutDir: true,
    target: "es2022",
    // viem + wagmi make one ~600 kB (~180 kB gzip) chunk; web/bench/web-bundle.bench.ts holds the gzip budget.
    chunkSizeWarningLimit: 800,
  },
  // Charts load lazily; pre-bundling recharts at start keeps the dev server from discovering it on
  // first use, which re-optimises dependencies and reloads the page (dropping a connected wallet).
  optimizeDeps: { include: ["recharts"] },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
});
