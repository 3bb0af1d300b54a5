/**
 * What media and search suites share: the API served over HTTP with the media endpoint in
 * front, as `indexer/src/main.ts` serves it, and posts published straight into a store.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpHandler } from "#indexer/api/http.ts";
import { createMediaHandler } from "#indexer/api/media-http.ts";
import type { Api } from "#indexer/api/yoga.ts";
import type { BucketOptions } from "#indexer/engagement/quota.ts";
import type { Db } from "#indexer/store/db.ts";
import type { ChainEvent } from "#indexer/store/events.ts";
import type { MediaStore } from "#indexer/store/media/content-store.ts";
import { SOCIAL } from "./helpers.ts";
import { chainStore } from "./stores.ts";

export interface ServedApi {
  /** The server's origin, e.g. http://127.0.0.1:39123 (GraphQL at /graphql, images at /media). */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveWithMedia(
  api: Api,
  store: MediaStore,
  options: { corsOrigins?: string[]; uploads?: BucketOptions } = {},
): Promise<ServedApi> {
  const corsOrigins = options.corsOrigins ?? [];
  const server = createServer(
    createHttpHandler(api, {
      corsOrigins,
      media: createMediaHandler({ store, corsOrigins, uploads: options.uploads }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface NewPost {
  id: number;
  author: string;
  text: string;
  community?: number;
  topics?: string[];
  uri?: string;
  contentHash?: string;
}

const hash32 = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/**
 * Publishes posts (and, first, any community they name that is not there yet) in one block after
 * the store's checkpoint, as the follower would.
 */
export async function publishPosts(
  db: Db,
  posts: NewPost[],
  communities: { id: number; name: string; description: string; founder: string }[] = [],
): Promise<number> {
  const chain = chainStore(db);
  const block = ((await chain.getCheckpoint())?.blockNumber ?? 0) + 1;
  const at = (i: number) => ({
    blockNumber: block,
    blockHash: hash32(block),
    txIndex: i,
    logIndex: i,
    txHash: hash32(1_000_000 + i),
    address: SOCIAL,
    timestamp: 1_700_000_000 + block,
  });
  const events: ChainEvent[] = [];
  for (const c of communities) {
    events.push({
      ...at(events.length),
      kind: "CommunityCreated",
      payload: { communityId: String(c.id), founder: c.founder, name: c.name, description: c.description },
    });
  }
  for (const p of posts) {
    events.push({
      ...at(events.length),
      kind: "PostPublished",
      payload: {
        postId: String(p.id),
        communityId: String(p.community ?? 1),
        author: p.author.toLowerCase(),
        topics: p.topics ?? [],
        text: p.text,
        contentHash: p.contentHash ?? hash32(0),
        uri: p.uri ?? "",
      },
    });
  }
  await chain.applyBatch({
    blocks: [
      { number: block, hash: hash32(block), parentHash: hash32(block - 1), timestamp: 1_700_000_000 + block },
    ],
    events,
    checkpoint: { blockNumber: block, blockHash: hash32(block), finalizedBlock: 0, headBlock: block },
  });
  return block;
}
