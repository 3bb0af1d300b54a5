import { useEffect, useId, useState } from "react";
import { NO_AVATAR, PROFILE_LIMITS } from "#protocol";
import { useMediaUrl, useProfile, useSaveProfile, useUploadImage } from "../hooks/profiles.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { byteLength } from "../lib/format.ts";
import { checkImageFile } from "../lib/media.ts";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Edits the connected account's profile: display name, bio and avatar, saved as a signed Profile message. */
export function ProfileEditor({ address }: { address: string }) {
  const profile = useProfile(address);
  const save = useSaveProfile();
  const upload = useUploadImage();
  const wallet = useWalletReady();
  const mediaUrl = useMediaUrl();
  const ids = { name: useId(), bio: useId(), avatar: useId() };
  const [name, setName] = useState("");
  const [bio, setBio] = useState("");
  const [avatar, setAvatar] = useState<{ hash: string; url: string } | null>(null);
  const [avatarError, setAvatarError] = useState<string | null>(null);
  const [loadedSeq, setLoadedSeq] = useState<string | null>(null);

  // Start from the profile on record once it arrives (and again after a save is indexed).
  const record = profile.data;
  const recordKey = record === undefined ? null : `${record?.name}|${record?.bio}|${record?.avatarHash}`;
  useEffect(() => {
    if (recordKey === null || recordKey === loadedSeq) return;
    setLoadedSeq(recordKey);
    setName(record?.name ?? "");
    setBio(record?.bio ?? "");
    setAvatar(record?.avatar ? { hash: record.avatar.hash, url: record.avatar.url } : null);
  }, [recordKey, loadedSeq, record]);

  const nameBytes = byteLength(name);
  const bioBytes = byteLength(bio);
  const nameError =
    nameBytes > PROFILE_LIMITS.nameBytes
      ? `At most ${PROFILE_LIMITS.nameBytes} bytes (${nameBytes} now).`
      : CONTROL.test(name)
        ? "No line breaks or control characters."
        : null;
  const bioError =
    bioBytes > PROFILE_LIMITS.bioBytes ? `At most ${PROFILE_LIMITS.bioBytes} bytes (${bioBytes} now).` : null;
  const edited = () => save.reset();

  return (
    <form
      className="card stack"
      aria-label="Edit profile"
      data-testid="profile-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (nameError || bioError || !wallet.ready) return;
        save.mutate({ name: name.trim(), bio, avatar: avatar ? `0x${avatar.hash}` : NO_AVATAR });
      }}
    >
      <h2 style={{ margin: 0, fontSize: "1.05rem" }}>Your profile</h2>
      <div className="row" style={{ alignItems: "center", gap: 12 }}>
        {avatar ? (
          <img
            className="avatar"
            src={mediaUrl(avatar.url)}
            alt="Your avatar"
            data-testid="profile-editor-avatar"
          />
        ) : (
          <span className="avatar" aria-hidden="true" />
        )}
        <div className="field" style={{ flex: 1 }}>
          <label htmlFor={ids.avatar}>Avatar</label>
          <input
            id={ids.avatar}
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            disabled={upload.isPending}
            data-testid="profile-avatar-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (!file) return;
              edited();
              const refusal = checkImageFile(file);
              setAvatarError(refusal);
              if (refusal) return;
              upload.mutate(file, {
                onSuccess: (m) => setAvatar({ hash: m.hash, url: m.url }),
                onError: (error) => setAvatarError(error.message),
              });
            }}
          />
          {avatarError ? (
            <span className="hint-error">{avatarError}</span>
          ) : (
            <span className="hint">
              {upload.isPending ? "Uploading…" : "A square JPEG, PNG, WebP or GIF works best."}
            </span>
          )}
        </div>
        {avatar && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              edited();
              setAvatar(null);
            }}
          >
            Remove avatar
          </Button>
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.name}>Display name</label>
        <input
          id={ids.name}
          className="input"
          value={name}
          onChange={(e) => {
            edited();
            setName(e.target.value);
          }}
          aria-invalid={Boolean(nameError)}
          data-testid="profile-name-input"
        />
        {nameError && <span className="hint-error">{nameError}</span>}
      </div>
      <div className="field">
        <label htmlFor={ids.bio}>Bio</label>
        <textarea
          id={ids.bio}
          className="textarea"
          value={bio}
          onChange={(e) => {
            edited();
            setBio(e.target.value);
          }}
          aria-invalid={Boolean(bioError)}
          data-testid="profile-bio-input"
        />
        <span className={bioError ? "hint-error" : "hint"}>
          {bioError ?? `${bioBytes} / ${PROFILE_LIMITS.bioBytes} bytes`}
        </span>
      </div>
      <div className="row" aria-live="polite">
        <Button
          type="submit"
          variant="primary"
          loading={save.isPending}
          disabled={Boolean(nameError || bioError) || upload.isPending || !wallet.ready}
          title={wallet.hint}
          data-testid="profile-save"
        >
          Save profile
        </Button>
        {save.isSuccess && (
          <span className="badge badge-ok" data-testid="profile-saved">
            Saved
          </span>
        )}
      </div>
      <ErrorAlert error={save.error} />
    </form>
  );
}
