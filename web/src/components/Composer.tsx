import { useId, useState } from "react";
import { MEDIA_LIMITS, mediaCommitment } from "#protocol";
import { useCommunities } from "../hooks/indexer.ts";
import { useMediaUrl, useUploadImage } from "../hooks/profiles.ts";
import { usePublish } from "../hooks/transactions.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { MAX_TEXT_BYTES, shortAddress } from "../lib/format.ts";
import { checkImageFile, type UploadedMedia } from "../lib/media.ts";
import { validatePost } from "../lib/postValidation.ts";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

export function Composer({ defaultCommunity }: { defaultCommunity?: string | null }) {
  const communities = useCommunities();
  const publish = usePublish();
  const wallet = useWalletReady();
  const [communityId, setCommunityId] = useState(defaultCommunity ?? "");
  const [topicsText, setTopicsText] = useState("");
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const [images, setImages] = useState<UploadedMedia[]>([]);
  const [imageError, setImageError] = useState<string | null>(null);
  const upload = useUploadImage();
  const mediaUrl = useMediaUrl();
  const ids = { community: useId(), topics: useId(), text: useId(), images: useId() };
  const { errors, topics, bytes } = validatePost({
    communityId,
    topicsText,
    text,
    hasMedia: images.length > 0,
  });
  const attach = async (files: File[]) => {
    setImageError(null);
    const room = MEDIA_LIMITS.maxPerPost - images.length;
    if (files.length > room) setImageError(`At most ${MEDIA_LIMITS.maxPerPost} images per post.`);
    for (const file of files.slice(0, Math.max(0, room))) {
      const refusal = checkImageFile(file);
      if (refusal) {
        setImageError(refusal);
        continue;
      }
      try {
        const uploaded = await upload.mutateAsync(file);
        setImages((list) => (list.some((m) => m.hash === uploaded.hash) ? list : [...list, uploaded]));
      } catch (error) {
        setImageError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const valid = Object.keys(errors).length === 0;
  const show = (e: string | undefined) => (touched ? e : undefined);

  return (
    <form
      className="card stack"
      aria-label="New post"
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!valid || !wallet.ready) return;
        publish.mutate(
          {
            communityId: BigInt(communityId),
            topics,
            text,
            ...(images.length > 0 ? { media: mediaCommitment(images.map((m) => m.hash)) } : {}),
          },
          {
            onSuccess: () => {
              setText("");
              setTopicsText("");
              setImages([]);
              setTouched(false);
            },
          },
        );
      }}
    >
      <div className="grid-2">
        <div className="field">
          <label htmlFor={ids.community}>Community</label>
          <select
            id={ids.community}
            className="select"
            value={communityId}
            onChange={(e) => setCommunityId(e.target.value)}
            aria-invalid={Boolean(show(errors.community))}
            data-testid="composer-community"
          >
            <option value="">{communities.isPending ? "Loading…" : "Choose…"}</option>
            {communities.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {show(errors.community) && <span className="hint-error">{errors.community}</span>}
          {communities.isError && <span className="hint-error">Communities could not be loaded.</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.topics}>Topics</label>
          <input
            id={ids.topics}
            className="input"
            placeholder="e.g. defi, music"
            value={topicsText}
            onChange={(e) => setTopicsText(e.target.value)}
            aria-invalid={Boolean(errors.topics)}
            data-testid="composer-topics"
          />
          {errors.topics ? (
            <span className="hint-error">{errors.topics}</span>
          ) : (
            <span className="hint">Up to 5, separated by commas.</span>
          )}
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.text}>What is on your mind?</label>
        <textarea
          id={ids.text}
          className="textarea"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={Boolean(show(errors.text)) || bytes > MAX_TEXT_BYTES}
          aria-describedby={`${ids.text}-count`}
          data-testid="composer-text"
        />
        <div className="row-between">
          <span className={bytes > MAX_TEXT_BYTES || show(errors.text) ? "hint-error" : "hint"}>
            {bytes > MAX_TEXT_BYTES
              ? errors.text
              : (show(errors.text) ?? "Posted on chain, visible to everyone.")}
          </span>
          <span id={`${ids.text}-count`} className="hint" data-testid="composer-bytes">
            {bytes} / {MAX_TEXT_BYTES} bytes
          </span>
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.images}>Images</label>
        <input
          id={ids.images}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif"
          multiple
          disabled={upload.isPending || images.length >= MEDIA_LIMITS.maxPerPost}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            void attach(files);
          }}
          data-testid="composer-images"
        />
        {imageError ? (
          <span className="hint-error" data-testid="composer-image-error">
            {imageError}
          </span>
        ) : (
          <span className="hint">
            {upload.isPending
              ? "Uploading…"
              : `Up to ${MEDIA_LIMITS.maxPerPost} JPEG, PNG, WebP or GIF images, ${MEDIA_LIMITS.maxBytes / (1024 * 1024)} MB each.`}
          </span>
        )}
        {images.length > 0 && (
          <ul className="media-previews" aria-label="Attached images">
            {images.map((m, i) => (
              <li key={m.hash} className="media-preview" data-testid="composer-image">
                <img src={mediaUrl(m.url)} alt={`Attachment ${i + 1}`} />
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove image ${i + 1}`}
                  onClick={() => setImages((list) => list.filter((x) => x.hash !== m.hash))}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="row-between">
        <div aria-live="polite" className="small">
          {publish.isPending && (
            <span className="muted" data-testid="composer-pending">
              {publish.phase === "wallet"
                ? "Confirm in your wallet…"
                : publish.phase === "mining"
                  ? `Pending: waiting for ${shortAddress(publish.pendingHash)} to be mined…`
                  : "Mined. Waiting for the indexer…"}
            </span>
          )}
          {publish.isSuccess && !publish.isPending && (
            <span className="badge badge-ok" data-testid="composer-confirmed">
              Published post #{publish.data.postId?.toString()}
            </span>
          )}
        </div>
        <Button
          type="submit"
          variant="primary"
          loading={publish.isPending}
          disabled={wallet.wrongChain}
          title={wallet.hint}
          data-testid="publish-button"
        >
          Publish
        </Button>
      </div>
      <ErrorAlert error={publish.error} testId="composer-error" />
    </form>
  );
}
