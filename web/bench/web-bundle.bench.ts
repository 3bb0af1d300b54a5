/**
 * Production bundle size of the initial route: builds the app with Vite into a
 * temporary folder, then gzips every script the entry HTML loads up front
 * (module entry and module preloads). Lazy chunks (the routes other than the stream, the
 * charts) are reported apart: their count, their total and the largest.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { reportBench } from "#test-kit/bench.ts";

const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = mkdtempSync(join(tmpdir(), "amp-web-bundle-"));

try {
  const started = performance.now();
  await build({
    configFile: join(webRoot, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  const buildMs = performance.now() - started;

  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const scripts = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) scripts.add(m[1] as string);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g))
    scripts.add(m[1] as string);
  const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+\.css)"/g)].map(
    (m) => m[1] as string,
  );
  if (scripts.size === 0) throw new Error("no initial script found in index.html");

  const size = (files: Iterable<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const bytes = readFileSync(join(outDir, file.replace(/^\//, "")));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { raw: raw / 1024, gzip: gzip / 1024 };
  };
  const js = size(scripts);
  const css = size(styles);
  const initial = new Set([...scripts].map((s) => s.replace(/^\//, "")));
  const lazy = readdirSync(join(outDir, "assets"))
    .filter((f) => f.endsWith(".js") && !initial.has(`assets/${f}`))
    .map((f) => ({ file: f, ...size([`assets/${f}`]) }))
    .sort((a, b) => b.gzip - a.gzip);
  const lazyTotal = lazy.reduce((sum, c) => sum + c.gzip, 0);
  const round = (n: number) => Math.round(n * 10) / 10;

  const result = reportBench("web-bundle", import.meta.filename, {
    initialJsGzip: { value: round(js.gzip), unit: "kB", target: "<= 250" },
    initialJsRaw: { value: round(js.raw), unit: "kB" },
    initialCssGzip: { value: round(css.gzip), unit: "kB" },
    initialScripts: { value: scripts.size, unit: "files" },
    lazyChunks: { value: lazy.length, unit: "files" },
    lazyJsGzip: { value: round(lazyTotal), unit: "kB" },
    largestLazyChunkGzip: { value: round(lazy[0]?.gzip ?? 0), unit: "kB" },
    buildTime: { value: Math.round(buildMs), unit: "ms" },
  });
  console.log(JSON.stringify(result.figures, null, 2));
  for (const c of lazy) console.log(`lazy ${c.file}: ${round(c.gzip)} kB gzip`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
