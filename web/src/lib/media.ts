/**
 * Images on the indexer's media endpoint (beside its GraphQL endpoint): where an image is
 * served, and uploading one. The indexer checks everything again; the checks here only spare
 * a person an upload that would be refused.
 */
import { AmpError, MEDIA_LIMITS, MEDIA_TYPES, type MediaType, mediaHash } from "#protocol";

export interface UploadedMedia {
  hash: string;
  mimeType: MediaType;
  size: number;
  width: number;
  height: number;
  url: string;
}

export class MediaUploadError extends AmpError {
  override name = "MediaUploadError";
}

/** The absolute URL of a path on the indexer's origin (`/media/<hash>`). */
export function mediaUrl(graphqlUrl: string, path: string): string {
  return new URL(path, graphqlUrl).toString();
}

/** Refusals that need no upload: a type the indexer does not take, or a file too large. */
export function checkImageFile(file: { type: string; size: number; name: string }): string | null {
  if (!(MEDIA_TYPES as readonly string[]).includes(file.type)) {
    return `${file.name}: only JPEG, PNG, WebP and GIF images.`;
  }
  if (file.size > MEDIA_LIMITS.maxBytes) {
    return `${file.name}: at most ${MEDIA_LIMITS.maxBytes / (1024 * 1024)} MB.`;
  }
  return null;
}

/** POSTs the bytes to `/media` with their sha256, so the indexer stores exactly these bytes. */
export async function uploadImage(
  graphqlUrl: string,
  bytes: Uint8Array,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<UploadedMedia> {
  const hash = mediaHash(bytes);
  let res: Response;
  try {
    res = await fetchFn(mediaUrl(graphqlUrl, "/media"), {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-amp-sha256": hash },
      body: new Uint8Array(bytes),
    });
  } catch (cause) {
    throw new MediaUploadError("NETWORK", "The indexer cannot be reached.", { cause, retryable: true });
  }
  const body = (await res.json().catch(() => null)) as
    | (UploadedMedia & { errors?: { message: string; extensions?: { code?: string } }[] })
    | null;
  const refusal = body?.errors?.[0];
  if (!res.ok || !body || refusal) {
    throw new MediaUploadError(
      refusal?.extensions?.code ?? "UPLOAD_FAILED",
      refusal?.message ?? `The upload failed (HTTP ${res.status}).`,
      { retryable: res.status === 429 || res.status >= 500 },
    );
  }
  if (body.hash !== hash) throw new MediaUploadError("HASH_MISMATCH", "The indexer stored different bytes.");
  return body;
}
