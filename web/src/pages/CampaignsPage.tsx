import { useBlock, useConnection } from "wagmi";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { useCampaigns } from "../hooks/indexer.ts";
import { useRefund, useRefundState } from "../hooks/transactions.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { formatAmp, formatCount, formatTime } from "../lib/format.ts";
import type { Campaign } from "../lib/graphql/types.ts";
import { href } from "../lib/router.ts";

function CampaignRow({ campaign, nowSeconds }: { campaign: Campaign; nowSeconds: number }) {
  const refund = useRefund();
  const wallet = useWalletReady();
  const refundState = useRefundState(BigInt(campaign.id));
  const expired = Number(campaign.expiresAt) <= nowSeconds;
  const remaining = BigInt(campaign.remaining);
  // Refunds open after expiry plus the escrow's settlement grace (the last views still settle);
  // credit a revoked settlement gave back to a refunded campaign is withdrawn the same way.
  const refundableAt = refundState.data?.refundableAt;
  const refundable = refundableAt !== undefined && refundableAt <= nowSeconds;
  const owed = campaign.refunded ? (refundState.data?.credit ?? 0n) : remaining;
  const status = campaign.refunded ? "Refunded" : expired ? "Expired" : "Live";
  return (
    <article className="card stack" data-testid="campaign-card" data-campaign-id={campaign.id}>
      <div className="row-between">
        <h3>
          <a href={href({ name: "campaign", id: campaign.id })} data-testid="campaign-link">
            Campaign #{campaign.id}
          </a>{" "}
          ·{" "}
          <a href={href({ name: "community", id: campaign.post.community.id })}>
            {campaign.post.community.name}
          </a>
        </h3>
        <span
          className={`badge ${status === "Live" ? "badge-ok" : status === "Expired" ? "badge-warn" : ""}`}
        >
          {status}
        </span>
      </div>
      <p className="muted small" style={{ overflowWrap: "anywhere" }}>
        Post #{campaign.post.id}: {campaign.post.text.slice(0, 140)}
      </p>
      <div className="grid-2 small">
        <span>
          Spent <strong>{formatAmp(campaign.spent)}</strong> of {formatAmp(campaign.budget)} AMP
        </span>
        <span>
          Views bought <strong data-testid="campaign-views">{formatCount(campaign.viewsBought)}</strong>
        </span>
        <span>
          Average price {campaign.averagePrice ? `${formatAmp(campaign.averagePrice, 6)} AMP` : "–"}
        </span>
        <span>
          {expired ? "Expired" : "Expires"} {formatTime(campaign.expiresAt)}
        </span>
      </div>
      {expired && !refundable && !campaign.refunded && remaining > 0n && refundableAt !== undefined && (
        <p className="muted small" data-testid="refund-opens">
          Refundable from {formatTime(refundableAt)}, once the last views are settled.
        </p>
      )}
      {refundable && owed > 0n && (
        <div className="row">
          <Button
            loading={refund.isPending}
            disabled={!wallet.ready}
            title={wallet.hint}
            onClick={() => refund.mutate(BigInt(campaign.id))}
            data-testid="refund-button"
          >
            {campaign.refunded ? "Withdraw" : "Refund"} {formatAmp(owed)} AMP
          </Button>
        </div>
      )}
      {refund.isSuccess && (
        <div className="alert alert-ok" role="status">
          Refunded {formatAmp(refund.data.amount)} AMP.
        </div>
      )}
      <ErrorAlert error={refund.error} />
    </article>
  );
}

export function CampaignsPage() {
  const { address } = useConnection();
  const campaigns = useCampaigns({ promoter: address ?? "" });
  // Expiry is decided by chain time, which a local chain may have moved ahead of the clock.
  const block = useBlock({ query: { refetchInterval: 10_000 } });
  if (!address) return <Empty title="Connect a wallet to see your campaigns" />;
  const now = Math.max(Math.floor(Date.now() / 1000), Number(block.data?.timestamp ?? 0n));
  return (
    <div className="stack">
      <h1>My campaigns</h1>
      {campaigns.isPending ? (
        <Loading />
      ) : campaigns.isError ? (
        <ErrorState error={campaigns.error} onRetry={() => campaigns.refetch()} />
      ) : campaigns.data.length === 0 ? (
        <Empty title="No campaigns yet">Amplify a post from the stream to start one.</Empty>
      ) : (
        campaigns.data.map((c) => <CampaignRow key={c.id} campaign={c} nowSeconds={now} />)
      )}
    </div>
  );
}
