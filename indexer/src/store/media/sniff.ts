/**
 * What an uploaded file is, read from its bytes (never from a header the client sent): the
 * format by its signature, the whole file's structure (a truncated or padded file is corrupt),
 * and its dimensions (image-size), all within MEDIA_LIMITS.
 */
import { imageSize } from "image-size";
import { MEDIA_LIMITS, type MediaType } from "#protocol";
import { MediaError } from "./errors.ts";

export interface ImageInfo {
  mimeType: MediaType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The format the signature names, or null for anything else. */
export function sniffType(b: Uint8Array): MediaType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && startsWith(b, PNG_SIGNATURE)) return "image/png";
  if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) return "image/gif";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "image/webp";
  return null;
}

/** Whether the file ends where its format says it ends. */
function complete(type: MediaType, b: Uint8Array): boolean {
  const n = b.length;
  switch (type) {
    case "image/jpeg":
      return n >= 4 && b[n - 2] === 0xff && b[n - 1] === 0xd9;
    case "image/png":
      return n >= PNG_SIGNATURE.length + PNG_IEND.length && startsWith(b, PNG_IEND, n - PNG_IEND.length);
    case "image/gif":
      return b[n - 1] === 0x3b;
    case "image/webp": {
      const riffSize = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, true);
      return riffSize + 8 === n;
    }
  }
}

const IMAGE_SIZE_TYPES: Record<MediaType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
};

/** Reads and checks an image; throws MediaError (UNSUPPORTED_MEDIA_TYPE, MEDIA_TOO_LARGE, MEDIA_CORRUPT, MEDIA_DIMENSIONS). */
export function inspectImage(bytes: Uint8Array): ImageInfo {
  if (bytes.length > MEDIA_LIMITS.maxBytes) {
    throw new MediaError("MEDIA_TOO_LARGE", `an image is at most ${MEDIA_LIMITS.maxBytes} bytes`);
  }
  const mimeType = sniffType(bytes);
  if (!mimeType) {
    throw new MediaError("UNSUPPORTED_MEDIA_TYPE", "only JPEG, PNG, WebP and GIF images are accepted");
  }
  if (!complete(mimeType, bytes)) {
    throw new MediaError("MEDIA_CORRUPT", `the ${mimeType} file is truncated or has trailing bytes`);
  }
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    throw new MediaError("MEDIA_CORRUPT", `the ${mimeType} file's header cannot be read`);
  }
  const { width, height } = size;
  if (size.type !== IMAGE_SIZE_TYPES[mimeType] || !width || !height) {
    throw new MediaError("MEDIA_CORRUPT", `the ${mimeType} file's header cannot be read`);
  }
  const max = MEDIA_LIMITS.maxDimension;
  if (width > max || height > max) {
    throw new MediaError(
      "MEDIA_DIMENSIONS",
      `an image is at most ${max} x ${max} pixels, got ${width} x ${height}`,
    );
  }
  return { mimeType, width, height };
}
