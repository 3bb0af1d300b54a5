import type { Address, Hex } from "viem";
import { useConnection } from "wagmi";
import { LazyEarningsChart } from "../components/rewards/charts.tsx";
import { DefaultPolicyNotice, PendingEarnings } from "../components/rewards/PendingEarnings.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { Table } from "../components/ui/Table.tsx";
import { useClaim, useEarnings, useEpochs } from "../hooks/indexer.ts";
import { useClaimRewards } from "../hooks/transactions.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { epochList, epochsOfClaim } from "../lib/earnings.ts";
import { formatAmp, formatTime, shortAddress } from "../lib/format.ts";
import type { EpochSummary } from "../lib/graphql/indexer.ts";
import { href } from "../lib/router.ts";

/** What became of a settlement's bonded dispute, in a table cell. */
function DisputeCell({ dispute }: { dispute: EpochSummary["dispute"] }) {
  if (!dispute) return <span className="muted">none</span>;
  const by = `${formatAmp(dispute.bond)} AMP bonded by ${shortAddress(dispute.disputer)}`;
  if (dispute.status === "OPEN") {
    return (
      <span data-testid="dispute-open">
        open: {by}, guardian decides by {formatTime(dispute.deadline)}
      </span>
    );
  }
  const outcome = {
    UPHELD: "upheld (root revoked, bond and reward paid)",
    REJECTED: "rejected (bond forfeited)",
    EXPIRED: "expired (bond returned)",
  }[dispute.status];
  return (
    <span>
      {outcome}: {by}
    </span>
  );
}

function EarningsTable({ account }: { account: string }) {
  const earnings = useEarnings(account);
  if (earnings.isPending) return <Loading label="Loading history…" />;
  if (earnings.isError) return <ErrorState error={earnings.error} onRetry={() => earnings.refetch()} />;
  if (earnings.data.length === 0) {
    return <Empty title="No earnings yet">Views of amplified posts you allow earn AMP each epoch.</Empty>;
  }
  return (
    <div className="stack">
      <LazyEarningsChart earnings={earnings.data} />
      <Table testId="earnings-table" columns={["Epoch", "Campaign", "Amount"]}>
        {earnings.data.map((e) => (
          <tr key={`${e.epoch}:${e.campaignId}`}>
            <td>{e.epoch}</td>
            <td>
              <a href={href({ name: "campaign", id: e.campaignId })}>#{e.campaignId}</a>
            </td>
            <td>{formatAmp(e.amount)} AMP</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

function EpochsTable() {
  const epochs = useEpochs();
  if (epochs.isPending) return <Loading label="Loading epochs…" />;
  if (epochs.isError) return <ErrorState error={epochs.error} onRetry={() => epochs.refetch()} />;
  if (epochs.data.length === 0) return <Empty title="No epoch settled yet" />;
  return (
    <Table testId="epochs-table" columns={["Epoch", "Status", "Claimable from", "Paid out", "Dispute"]}>
      {epochs.data.map((e) => (
        <tr key={`${e.number}:${e.status}:${e.activeAt}`}>
          <td>{e.number}</td>
          <td>
            <span
              className={`badge ${e.status === "ACTIVE" ? "badge-ok" : e.status === "PENDING" || e.status === "DISPUTED" ? "badge-warn" : ""}`}
            >
              {e.status.toLowerCase()}
            </span>
          </td>
          <td>{formatTime(e.activeAt)}</td>
          <td>{formatAmp(e.totalSpent)} AMP</td>
          <td>
            <DisputeCell dispute={e.dispute} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

function ClaimCard({ account }: { account: Address }) {
  const claim = useClaim(account);
  const claimTx = useClaimRewards();
  const wallet = useWalletReady();
  const earnings = useEarnings(account);
  if (claim.isPending) return <Loading label="Loading claimable rewards…" />;
  if (claim.isError) return <ErrorState error={claim.error} onRetry={() => claim.refetch()} />;
  const data = claim.data;
  const claimable = data ? BigInt(data.claimable) : 0n;
  return (
    <div className="stack">
      <div className="row" style={{ gap: 24 }}>
        <div className="stat">
          <span className="stat-value" data-testid="claimable-amount">
            {formatAmp(claimable)}
          </span>
          <span className="stat-label">AMP claimable</span>
        </div>
        {data && (
          <div className="stat">
            <span className="stat-value">{formatAmp(data.claimed)}</span>
            <span className="stat-label">Claimed so far</span>
          </div>
        )}
      </div>
      {data?.epoch === null && (
        <p className="muted small">
          No epoch is claimable yet; roots become active after the challenge window.
        </p>
      )}
      {data?.activatingAt && (
        <p className="muted small" data-testid="claim-activating">
          A newer reward root has just become active; the claim opens in a few seconds so that one claim takes
          all of it.
        </p>
      )}
      <div className="row">
        <Button
          variant="primary"
          disabled={!data || claimable === 0n || !wallet.ready || Boolean(data.activatingAt)}
          title={wallet.hint}
          loading={claimTx.isPending}
          data-testid="claim-button"
          onClick={() =>
            data &&
            claimTx.mutate({
              account,
              cumulativeAmount: BigInt(data.cumulativeAmount),
              proof: data.proof as Hex[],
              rootAheadOfChain: data.rootAheadOfChain,
            })
          }
        >
          Claim {claimable > 0n ? `${formatAmp(claimable)} AMP` : ""}
        </Button>
      </div>
      {claimTx.isSuccess && (
        <div className="alert alert-ok" role="status" data-testid="claim-result">
          Claimed {formatAmp(claimTx.data.amount)} AMP
          {(() => {
            // Name the epochs that earned what this claim paid, not only the proof's epoch.
            const before = BigInt(claimTx.variables.cumulativeAmount) - claimTx.data.amount;
            const paid = epochsOfClaim(
              earnings.data ?? [],
              before,
              BigInt(claimTx.variables.cumulativeAmount),
            );
            return paid.length > 0
              ? `, earned in ${epochList(paid)}`
              : claimTx.data.epoch !== null
                ? ` (up to epoch ${claimTx.data.epoch})`
                : "";
          })()}.
        </div>
      )}
      <ErrorAlert error={claimTx.error} testId="claim-error" />
    </div>
  );
}

export function RewardsPage() {
  const { address } = useConnection();
  if (!address) return <Empty title="Connect a wallet to see your rewards" />;
  return (
    <div className="stack-lg">
      <h1>Rewards</h1>
      <section className="card">
        <ClaimCard account={address} />
      </section>
      <DefaultPolicyNotice account={address} />
      <section className="card stack">
        <h2>This epoch</h2>
        <PendingEarnings account={address} />
      </section>
      <section className="card">
        <h2>Earnings by epoch</h2>
        <EarningsTable account={address} />
      </section>
      <section className="card">
        <h2>Settlement epochs</h2>
        <p className="muted small">
          Each epoch's payouts become claimable after a challenge window in which a wrong root can be revoked,
          or disputed by anyone who bonds AMP: a disputed root, and every later one, waits for the guardian.
        </p>
        <EpochsTable />
      </section>
    </div>
  );
}
