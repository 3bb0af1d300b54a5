/** Profiles on accounts, images on posts, and the media records behind both. */
import { isMediaHash, NO_AVATAR, postMediaHashes } from "#protocol";
import type { MediaRow, PostRow, ProfileRow } from "../../store/queries.ts";
import * as args from "../args.ts";
import type { ApiContext } from "../context.ts";
import { badInput } from "../errors.ts";

export const MEDIA_PATH = "/media/";
const MAX_PROFILES = 100;

export const accountProfile = {
  profile: (p: { address: string }, _: unknown, ctx: ApiContext) => ctx.queries.profile(p.address),
};

export const postMedia = {
  media: (p: PostRow, _: unknown, ctx: ApiContext) =>
    ctx.queries.mediaByHashes(postMediaHashes(p.uri, p.contentHash)),
};

export const mediaQuery = {
  media: (_: unknown, a: { hash: string }, ctx: ApiContext) => {
    const hash = a.hash.toLowerCase().replace(/^0x/, "");
    if (!isMediaHash(hash)) throw badInput("hash must be 64 hex digits (a sha256)");
    return ctx.queries.media(hash);
  },
  profiles: (_: unknown, a: { addresses: string[] }, ctx: ApiContext) => {
    if (a.addresses.length > MAX_PROFILES) throw badInput(`at most ${MAX_PROFILES} addresses at once`);
    const wanted = [...new Set(a.addresses.map((x) => args.address(x)))];
    return ctx.queries.profilesOf(wanted);
  },
};

export const Profile = {
  avatarHash: (p: ProfileRow) => p.avatar,
  avatar: (p: ProfileRow, _: unknown, ctx: ApiContext) =>
    p.avatar === NO_AVATAR ? null : ctx.queries.media(p.avatar.slice(2)),
};

export const Media = {
  url: (m: MediaRow) => `${MEDIA_PATH}${m.hash}`,
};
