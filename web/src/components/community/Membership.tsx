import { useConnection } from "wagmi";
import { useMembership, useSetMembership } from "../../hooks/rewards.ts";
import { useWalletReady } from "../../hooks/wallet.ts";
import { plural } from "../../lib/format.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/States.tsx";

/** The member count and a join / leave toggle (a Membership message signed by the session key). */
export function MembershipControl({ communityId }: { communityId: string }) {
  const { address } = useConnection();
  const membership = useMembership(communityId, address);
  const set = useSetMembership();
  const wallet = useWalletReady();
  const member = membership.data?.isMember ?? false;
  return (
    <div className="stack">
      <div className="row">
        <span className="small" data-testid="member-count">
          {membership.data ? plural(membership.data.memberCount, "member") : "…"}
        </span>
        {address && (
          <Button
            size="sm"
            variant={member ? "default" : "primary"}
            aria-pressed={member}
            loading={set.isPending}
            disabled={!wallet.ready || membership.isPending}
            title={wallet.hint}
            onClick={() => set.mutate({ communityId: BigInt(communityId), member: !member })}
            data-testid="membership-button"
          >
            {member ? "Leave" : "Join"}
          </Button>
        )}
        {member && (
          <span className="badge badge-ok" data-testid="member-badge">
            Member
          </span>
        )}
      </div>
      <ErrorAlert error={set.error} testId="membership-error" />
    </div>
  );
}
