import { useIndexedAccount } from "../../hooks/indexer.ts";
import { usePendingEarnings } from "../../hooks/rewards.ts";
import { countdown, reasonText } from "../../lib/earnings.ts";
import { formatAmpSig, formatTime, plural } from "../../lib/format.ts";
import type { PendingEarnings as Pending } from "../../lib/graphql/rewards.ts";
import { href } from "../../lib/router.ts";
import { ErrorState, Loading } from "../ui/States.tsx";
import { useChainNow } from "./useTicker.ts";

/** When the pending epoch settles and becomes claimable, counting down in chain time. */
export function SettlementCountdown({ pending, now }: { pending: Pending; now: number }) {
  if (pending.settlesAt === null || pending.claimableAt === null) {
    return (
      <p className="small muted" data-testid="pending-countdown">
        The first epoch settles about {plural(pending.epochSeconds, "second")} after the settler starts; it is
        claimable {plural(pending.challengeWindowSeconds, "second")} later.
      </p>
    );
  }
  const settleText =
    pending.settlesAt > now ? `settles ${countdown(pending.settlesAt, now)}` : "settles any moment now";
  const claimText =
    pending.claimableAt > now ? `claimable ${countdown(pending.claimableAt, now)}` : "claimable once settled";
  return (
    <p className="small" data-testid="pending-countdown">
      Epoch {pending.epoch} <strong data-testid="settles-in">{settleText}</strong>, then{" "}
      <strong data-testid="claimable-in">{claimText}</strong> (after a challenge window of{" "}
      {plural(pending.challengeWindowSeconds, "second")}, around {formatTime(pending.claimableAt)}).
    </p>
  );
}

/** The default Friends policy pays only for friends' campaigns: say so instead of earning nothing quietly. */
export function DefaultPolicyNotice({ account }: { account: string }) {
  const indexed = useIndexedAccount(account);
  const policy = indexed.data?.policy;
  if (!policy || policy.explicit) return null;
  return (
    <div className="alert alert-warn" role="note" data-testid="default-policy-notice">
      Your attention policy is the default, <strong>Friends</strong>: only campaigns promoted by people you
      and they both follow can reach you and pay you, so you may earn nothing.{" "}
      <a href={href({ name: "settings" })}>Choose who may reach you in Settings</a>.
    </div>
  );
}

/** What is pending for the viewer in the unsettled epoch, when it settles, and why views will not pay. */
export function PendingEarnings({ account }: { account: string }) {
  const pending = usePendingEarnings(account);
  const now = useChainNow(pending.data?.asOf, pending.dataUpdatedAt);
  if (pending.isPending) return <Loading label="Computing this epoch…" />;
  if (pending.isError) return <ErrorState error={pending.error} onRetry={() => pending.refetch()} />;
  const p = pending.data;
  const unpaid = p.views.filter((v) => v.reason !== "PAID");
  return (
    <div className="stack" data-testid="pending-earnings" data-epoch={p.epoch}>
      <div className="stat">
        <span className="stat-value" data-testid="pending-amount">
          {formatAmpSig(p.amount)}
        </span>
        <span className="stat-label">AMP pending in epoch {p.epoch}</span>
      </div>
      <SettlementCountdown pending={p} now={now} />
      {p.views.length === 0 ? (
        <p className="muted small">No amplified view of yours in this epoch yet.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {p.views.map((v) => (
            <li
              key={v.campaignId}
              className="small"
              data-testid="pending-view"
              data-campaign-id={v.campaignId}
              data-reason={v.reason}
            >
              <a href={href({ name: "campaign", id: v.campaignId })}>Campaign #{v.campaignId}</a>
              {v.campaign ? ` (post #${v.campaign.post.id})` : ""}:{" "}
              {v.reason === "PAID" ? (
                <strong>{formatAmpSig(v.amount)} AMP pending</strong>
              ) : (
                <span data-testid="pending-reason">
                  <span className="badge badge-warn">will not pay</span> {reasonText(v.reason)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {unpaid.length > 0 && (
        <p className="muted small">{plural(unpaid.length, "view")} this epoch will not pay; each says why.</p>
      )}
    </div>
  );
}

/** On an amplified post: what the viewer's view of this campaign earns this epoch, or why not. */
export function PostEarning({ account, campaignId }: { account: string; campaignId: string }) {
  const pending = usePendingEarnings(account);
  const now = useChainNow(pending.data?.asOf, pending.dataUpdatedAt);
  if (!pending.data) return null;
  const view = pending.data.views.find((v) => v.campaignId === campaignId);
  const settles =
    pending.data.settlesAt !== null && pending.data.settlesAt > now
      ? `, settles ${countdown(pending.data.settlesAt, now)}`
      : "";
  if (!view)
    return (
      <span className="small muted" data-testid="post-earning" data-state="none">
        Stay on this post to earn from campaign #{campaignId}.
      </span>
    );
  return view.reason === "PAID" ? (
    <span className="small" data-testid="post-earning" data-state="pending">
      Pending <strong>{formatAmpSig(view.amount)} AMP</strong> for you{settles}.
    </span>
  ) : (
    <span className="small" data-testid="post-earning" data-state="unpaid" data-reason={view.reason}>
      This view will not pay: {reasonText(view.reason)}
    </span>
  );
}
