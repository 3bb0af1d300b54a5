/**
 * The demo world's people as a new user meets them: a display name and a bio each, signed as
 * Profile messages, and avatars for the first dozen, uploaded to the indexer's media store as
 * PNG images drawn here (a symmetric pattern in a colour of their own, like an identicon).
 */
import { crc32, deflateSync } from "node:zlib";
import type { Account, Hex } from "viem";
import { AmpError, type Deployment, mediaHash, NO_AVATAR } from "#protocol";
import { submitSigned } from "#protocol/client.ts";

/** One name per demo person, in the order of the demo's people (development accounts 1, 2, ...). */
export const DEMO_NAMES = [
  "Maya Chen",
  "Tomás Rivera",
  "Ingrid Solberg",
  "Kwame Mensah",
  "Priya Raman",
  "Lena Fischer",
  "Omar Haddad",
  "Yuki Tanaka",
  "Amara Okafor",
  "Jonas Berg",
  "Sofia Rossi",
  "Diego Alvarez",
  "Hana Kim",
  "Felix Wagner",
  "Zara Ahmed",
  "Noah Brooks",
  "Elif Demir",
  "Mateo Silva",
  "Aisha Bello",
  "Lucas Moreau",
  "Mei Lin",
  "Arjun Patel",
  "Clara Novak",
  "Samir Nasser",
  "Freya Lund",
  "Kofi Asante",
  "Irene Costa",
  "Viktor Petrov",
  "Leila Karimi",
  "Ben Carter",
  "Nadia Popescu",
  "Ravi Iyer",
  "Greta Holm",
  "Tariq Aziz",
  "Julia Santos",
  "Emil Kowalski",
] as const;

/** What the people of each community write about themselves (person i's home is community i mod 3). */
const BIOS = [
  [
    "Maintainer of a parser you have never heard of and depend on anyway.",
    "Reviews pull requests for fun. Writes release notes for a living.",
    "Rust by day, TypeScript by night, docs whenever someone asks.",
    "Funding open source one grant application at a time.",
  ],
  [
    "Measures soil carbon with cheap sensors and expensive patience.",
    "Grid data nerd. Storage curves make me happy.",
    "Heat pumps, rooftop solar and the spreadsheets behind them.",
    "Field notes from the places the models do not reach.",
  ],
  [
    "Records on tape, mixes in the box, plays live when invited.",
    "Jazz standards, modular synths and a four-track that refuses to die.",
    "Teaches theory with songs everybody already knows.",
    "Mic placement obsessive. The room is the reverb.",
  ],
] as const;

/** How many of the demo's people get an avatar image (the rest show the address gradient). */
export const DEMO_AVATARS = 12;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** An 80 x 80 PNG: a 5 x 5 mirrored pattern of `index`'s colour on a light ground. */
export function avatarPng(index: number): Buffer {
  const CELL = 16;
  const SIDE = 5 * CELL;
  const hue = (index * 137.508) % 360;
  const fg = hslToRgb(hue, 0.62, 0.48);
  const bg = hslToRgb(hue, 0.45, 0.92);
  // 15 bits of a multiplicative hash pick the cells of the left three columns; the right two mirror them.
  let bits = Math.imul(index + 1, 2654435761) >>> 0;
  const on: boolean[][] = Array.from({ length: 5 }, () => Array(5).fill(false));
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 3; x++) {
      const set = (bits & 1) === 1;
      bits = (bits >>> 1) | ((bits & 1) << 31);
      (on[y] as boolean[])[x] = set;
      (on[y] as boolean[])[4 - x] = set;
    }
  const rows = Buffer.alloc((SIDE * 3 + 1) * SIDE);
  for (let y = 0; y < SIDE; y++) {
    const row = y * (SIDE * 3 + 1);
    rows[row] = 0;
    for (let x = 0; x < SIDE; x++) {
      const [r, g, b] = on[Math.floor(y / CELL)]?.[Math.floor(x / CELL)] ? fg : bg;
      rows[row + 1 + x * 3] = r;
      rows[row + 2 + x * 3] = g;
      rows[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIDE, 0);
  ihdr.writeUInt32BE(SIDE, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** Uploads `bytes` to the media store beside `graphqlUrl` and returns their sha256 as 0x hex. */
export async function uploadMedia(graphqlUrl: string, bytes: Uint8Array): Promise<Hex> {
  const hash = mediaHash(bytes);
  const res = await fetch(new URL("/media", graphqlUrl), {
    method: "POST",
    headers: { "content-type": "application/octet-stream", "x-amp-sha256": hash },
    body: new Uint8Array(bytes),
  });
  if (res.status !== 200 && res.status !== 201) {
    throw new AmpError("DEMO_MEDIA_REFUSED", `demo: the media store refused an image (${res.status})`, {
      details: await res.text(),
    });
  }
  return `0x${hash}`;
}

/**
 * Signs a Profile for each of `people` (name from DEMO_NAMES, a bio of their home community,
 * the first DEMO_AVATARS with an uploaded avatar), timestamped `timestamp`. Returns the names.
 */
export async function seedDemoProfiles(options: {
  graphqlUrl: string;
  deployment: Deployment;
  people: readonly Account[];
  timestamp: bigint;
  /** Nonces used: `nonceBase + i` for person i. */
  nonceBase: bigint;
}): Promise<string[]> {
  const { graphqlUrl, deployment, people, timestamp, nonceBase } = options;
  const names: string[] = [];
  for (const [i, person] of people.entries()) {
    const name = DEMO_NAMES[i % DEMO_NAMES.length] as string;
    const bios = BIOS[i % BIOS.length] as readonly string[];
    const avatar = i < DEMO_AVATARS ? await uploadMedia(graphqlUrl, avatarPng(i)) : NO_AVATAR;
    await submitSigned(graphqlUrl, deployment, person, "Profile", {
      account: person.address,
      name,
      avatar,
      bio: bios[Math.floor(i / 3) % bios.length] as string,
      timestamp,
      nonce: nonceBase + BigInt(i),
    });
    names.push(name);
  }
  return names;
}
