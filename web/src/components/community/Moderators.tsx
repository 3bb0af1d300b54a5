import { useId, useState } from "react";
import { type Address, isAddress } from "viem";
import { useConnection } from "wagmi";
import { useSetModerator } from "../../hooks/rewards.ts";
import { useWalletReady } from "../../hooks/wallet.ts";
import { AddressLink } from "../ui/Address.tsx";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/States.tsx";

/** The community's moderators; its founder adds and removes them (on chain). */
export function Moderators({
  communityId,
  founder,
  moderators,
}: {
  communityId: string;
  founder: string;
  moderators: string[];
}) {
  const { address } = useConnection();
  const isFounder = address !== undefined && address.toLowerCase() === founder.toLowerCase();
  const set = useSetModerator();
  const wallet = useWalletReady();
  const [candidate, setCandidate] = useState("");
  const inputId = useId();
  const valid = isAddress(candidate.trim(), { strict: false });
  const already = moderators.some((m) => m.toLowerCase() === candidate.trim().toLowerCase());
  return (
    <div className="stack" data-testid="moderators">
      {moderators.length === 0 ? (
        <p className="muted small">No moderators yet.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {moderators.map((m) => (
            <li key={m} className="row" data-testid="moderator" data-address={m}>
              <AddressLink address={m} />
              {isFounder && (
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={!wallet.ready || set.isPending}
                  onClick={() =>
                    set.mutate({ communityId: BigInt(communityId), moderator: m as Address, add: false })
                  }
                  data-testid="remove-moderator"
                  aria-label={`Remove moderator ${m}`}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {isFounder && (
        <form
          className="row"
          aria-label="Add a moderator"
          onSubmit={(e) => {
            e.preventDefault();
            if (!valid || already) return;
            set.mutate(
              { communityId: BigInt(communityId), moderator: candidate.trim() as Address, add: true },
              { onSuccess: () => setCandidate("") },
            );
          }}
        >
          <label htmlFor={inputId} className="sr-only">
            Moderator address
          </label>
          <input
            id={inputId}
            className="input mono"
            placeholder="0x… address of the new moderator"
            value={candidate}
            aria-invalid={candidate !== "" && (!valid || already) ? true : undefined}
            onChange={(e) => setCandidate(e.target.value)}
            data-testid="moderator-address"
            style={{ flex: 1, minWidth: 0 }}
          />
          <Button
            type="submit"
            size="sm"
            variant="primary"
            loading={set.isPending}
            disabled={!wallet.ready || !valid || already}
            title={already ? "Already a moderator" : wallet.hint}
            data-testid="add-moderator"
          >
            Add moderator
          </Button>
        </form>
      )}
      {isFounder && (
        <p className="muted small">A new moderator becomes a reputation seed only after the seed delay.</p>
      )}
      <ErrorAlert error={set.error} testId="moderator-error" />
    </div>
  );
}
