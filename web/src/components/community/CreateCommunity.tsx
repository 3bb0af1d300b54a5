import { useId, useState } from "react";
import { useCreateCommunity } from "../../hooks/rewards.ts";
import { useWalletReady } from "../../hooks/wallet.ts";
import { byteLength } from "../../lib/format.ts";
import { href } from "../../lib/router.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/States.tsx";

const MAX_NAME_BYTES = 64;
const MAX_DESCRIPTION_BYTES = 1000;

/** Creates a community on chain (the caller becomes its founder and first reputation seed). */
export function CreateCommunity() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useCreateCommunity();
  const wallet = useWalletReady();
  const nameId = useId();
  const descriptionId = useId();
  const nameBytes = byteLength(name.trim());
  const nameError =
    name.length > 0 && (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) ? "A name is 1 to 64 bytes." : null;
  const descriptionError =
    byteLength(description) > MAX_DESCRIPTION_BYTES ? "The description is at most 1000 bytes." : null;
  return (
    <form
      className="card stack"
      aria-label="Create a community"
      data-testid="create-community"
      onSubmit={(e) => {
        e.preventDefault();
        if (nameError || descriptionError || nameBytes === 0) return;
        create.mutate({ name: name.trim(), description: description.trim() });
      }}
    >
      <h2>Create a community</h2>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          className="input"
          value={name}
          maxLength={64}
          aria-invalid={nameError ? true : undefined}
          onChange={(e) => setName(e.target.value)}
          data-testid="community-name"
        />
        {nameError && <span className="hint-error">{nameError}</span>}
      </div>
      <div className="field">
        <label htmlFor={descriptionId}>Description</label>
        <textarea
          id={descriptionId}
          className="input"
          rows={2}
          value={description}
          aria-invalid={descriptionError ? true : undefined}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="community-description"
        />
        {descriptionError && <span className="hint-error">{descriptionError}</span>}
      </div>
      <div className="row">
        <Button
          type="submit"
          variant="primary"
          loading={create.isPending}
          disabled={!wallet.ready || nameBytes === 0 || Boolean(nameError || descriptionError)}
          title={wallet.hint}
          data-testid="create-community-submit"
        >
          Create community
        </Button>
      </div>
      {create.isSuccess && create.data.communityId !== null && (
        <div className="alert alert-ok" role="status" data-testid="create-community-done">
          Created{" "}
          <a href={href({ name: "community", id: create.data.communityId.toString() })}>
            community #{create.data.communityId.toString()}
          </a>
          . You are its founder: add moderators from its page.
        </div>
      )}
      <ErrorAlert error={create.error} testId="create-community-error" />
    </form>
  );
}
