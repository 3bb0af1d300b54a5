import { useMediaUrl } from "../hooks/profiles.ts";
import type { MediaRef } from "../lib/graphql/profiles.ts";

/** The images a post commits to, as the indexer serves them (width and height keep the layout still). */
export function PostMedia({ media, postId }: { media: MediaRef[] | undefined; postId: string }) {
  const url = useMediaUrl();
  if (!media || media.length === 0) return null;
  return (
    <div className="post-media" data-testid="post-media">
      {media.map((m, i) => (
        <a key={m.hash} href={url(m.url)} target="_blank" rel="noopener noreferrer">
          <img
            src={url(m.url)}
            width={m.width}
            height={m.height}
            loading="lazy"
            alt={`Attachment ${i + 1} of post ${postId}`}
            data-testid="post-image"
            data-hash={m.hash}
          />
        </a>
      ))}
    </div>
  );
}
