import { useId, useState } from "react";
import { useConnection } from "wagmi";
import { LazyCampaignChart } from "../components/rewards/charts.tsx";
import { useChainNow } from "../components/rewards/useTicker.ts";
import { AddressLink } from "../components/ui/Address.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { useCampaignDetail, useCampaignForecast, useTopUp } from "../hooks/rewards.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { comparePrice } from "../lib/campaign-price.ts";
import { countdown } from "../lib/earnings.ts";
import {
  formatAmp,
  formatAmpSig,
  formatCount,
  formatPercent,
  formatTime,
  parseAmp,
  plural,
} from "../lib/format.ts";
import type { CampaignDetail } from "../lib/graphql/rewards.ts";
import { href } from "../lib/router.ts";

/** The post's permalink (the post page) and its community. */
const postHref = (id: string) => `#/p/${id}`;

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

function TopUp({ campaign }: { campaign: CampaignDetail }) {
  const [amount, setAmount] = useState("");
  const topUp = useTopUp();
  const wallet = useWalletReady();
  const inputId = useId();
  const value = parseAmp(amount);
  const invalid = amount !== "" && value === null;
  return (
    <form
      className="stack"
      aria-label="Top up the campaign"
      data-testid="top-up"
      onSubmit={(e) => {
        e.preventDefault();
        if (value === null) return;
        topUp.mutate({ campaignId: BigInt(campaign.id), amount: value }, { onSuccess: () => setAmount("") });
      }}
    >
      <div className="field">
        <label htmlFor={inputId}>Add to the budget (AMP)</label>
        <div className="row">
          <input
            id={inputId}
            className="input"
            inputMode="decimal"
            value={amount}
            aria-invalid={invalid ? true : undefined}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="top-up-amount"
            style={{ maxWidth: 200 }}
          />
          <Button
            type="submit"
            variant="primary"
            loading={topUp.isPending}
            disabled={!wallet.ready || value === null}
            title={wallet.hint}
            data-testid="top-up-submit"
          >
            Top up
          </Button>
        </div>
        {invalid && <span className="hint-error">Enter a positive amount of AMP.</span>}
      </div>
      {topUp.isSuccess && (
        <div className="alert alert-ok" role="status" data-testid="top-up-done">
          Added {formatAmp(topUp.data.amount)} AMP to campaign #{campaign.id}.
        </div>
      )}
      <ErrorAlert error={topUp.error} testId="top-up-error" />
    </form>
  );
}

function ForecastVsDelivered({ campaign }: { campaign: CampaignDetail }) {
  const duration = Math.max(60, campaign.expiresAt - campaign.createdAt);
  const forecast = useCampaignForecast({
    promoter: campaign.promoter,
    community: campaign.post.community.id,
    budget: campaign.budget,
    duration,
  });
  const d = campaign.delivery;
  const f = forecast.data?.forecast;
  const price = forecast.data
    ? comparePrice({
        spent: BigInt(campaign.spent),
        paidViews: campaign.viewsBought,
        quotedPricePerView: BigInt(forecast.data.pricePerView),
        remaining: BigInt(campaign.remaining),
      })
    : null;
  return (
    <div className="stack">
      <table className="table" data-testid="forecast-table">
        <caption className="sr-only">Forecast against delivered</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Forecast</th>
            <th scope="col">Delivered</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Paid views</th>
            <td data-testid="forecast-views">
              {f ? formatCount(f.views) : forecast.data ? formatCount(forecast.data.views) : "…"}
            </td>
            <td data-testid="delivered-views">
              {/* View receipts that matched an impression (settled or not), else the settled paid views. */}
              {formatCount(Math.max(d?.paidViews ?? 0, campaign.viewsBought))}
            </td>
          </tr>
          <tr>
            <th scope="row">Reach (distinct viewers)</th>
            <td>{f ? formatCount(f.reach) : "–"}</td>
            <td data-testid="delivered-reach">{d ? formatCount(d.reach) : "–"}</td>
          </tr>
          <tr>
            <th scope="row">Spend per day</th>
            <td>{f ? `${formatAmpSig(f.spendPerDay)} AMP` : "–"}</td>
            <td>
              {formatAmpSig(
                (BigInt(campaign.spent) * 86_400n) /
                  BigInt(Math.max(1, Math.min(duration, Math.floor(Date.now() / 1000) - campaign.createdAt))),
              )}{" "}
              AMP
            </td>
          </tr>
          <tr>
            <th scope="row">Price per view</th>
            <td data-testid="quoted-price">
              {forecast.data ? `${formatAmpSig(forecast.data.pricePerView)} AMP` : "…"}
            </td>
            <td data-testid="realised-price">
              {price?.realised ? `${formatAmpSig(price.realised)} AMP` : "–"}
            </td>
          </tr>
        </tbody>
      </table>
      {f && (
        <p className="small muted">
          The forecast is the impression allocator's for this budget and life, for the audience that exists
          now ({plural(f.audience, "eligible viewer")}).
        </p>
      )}
      {price && (
        <p className="small" data-testid="price-reason">
          {price.difference !== null && Math.abs(price.difference) >= 0.01 && (
            <strong>
              {price.difference > 0 ? "+" : "−"}
              {formatPercent(Math.abs(price.difference))} against the quote.{" "}
            </strong>
          )}
          {price.reason}
        </p>
      )}
      <ErrorAlert error={forecast.error} />
    </div>
  );
}

export function CampaignPage({ id }: { id: string }) {
  const { address } = useConnection();
  const campaign = useCampaignDetail(id);
  const now = useChainNow(undefined, 0);
  if (campaign.isPending) return <Loading label="Loading campaign…" />;
  if (campaign.isError) return <ErrorState error={campaign.error} onRetry={() => campaign.refetch()} />;
  if (!campaign.data) return <Empty title={`Campaign #${id} not found`} />;
  const c = campaign.data;
  const d = c.delivery;
  const mine = address !== undefined && address.toLowerCase() === c.promoter.toLowerCase();
  const status = c.refunded ? "Refunded" : c.active ? "Live" : "Ended";
  return (
    <div className="stack-lg" data-testid="campaign-page" data-campaign-id={c.id}>
      <section className="card stack">
        <div className="row-between">
          <h1>Campaign #{c.id}</h1>
          <span
            className={`badge ${status === "Live" ? "badge-ok" : "badge-warn"}`}
            data-testid="campaign-status"
          >
            {status}
          </span>
        </div>
        <p style={{ overflowWrap: "anywhere" }}>
          <a href={postHref(c.post.id)} data-testid="campaign-post-link">
            Post #{c.post.id}
          </a>{" "}
          in <a href={href({ name: "community", id: c.post.community.id })}>{c.post.community.name}</a> by{" "}
          <AddressLink address={c.post.author} />: <span className="muted">{c.post.text.slice(0, 200)}</span>
        </p>
        <p className="small muted">
          Promoted by <AddressLink address={c.promoter} />
          {c.payer.toLowerCase() !== c.promoter.toLowerCase() && (
            <>
              {" "}
              (paid by <AddressLink address={c.payer} />)
            </>
          )}{" "}
          · started {formatTime(c.createdAt)} ·{" "}
          {c.active ? `ends ${countdown(c.expiresAt, now)}` : `ended ${formatTime(c.expiresAt)}`}
        </p>
      </section>
      <section className="card stack">
        <h2>Delivery</h2>
        <div className="grid-stats">
          <Stat label="Budget (AMP)" value={formatAmpSig(c.budget)} testId="campaign-budget" />
          <Stat label="Spent (AMP)" value={formatAmpSig(c.spent)} testId="campaign-spent" />
          <Stat label="Left (AMP)" value={formatAmpSig(c.remaining)} />
          <Stat
            label="Paid views (settled)"
            value={formatCount(c.viewsBought)}
            testId="campaign-paid-views"
          />
          <Stat
            label="Paid views (pending)"
            value={d ? formatCount(Math.max(0, d.paidViews - c.viewsBought)) : "–"}
          />
          <Stat
            label="Impressions"
            value={d ? formatCount(d.impressions) : "–"}
            testId="campaign-impressions"
          />
          <Stat label="Reach" value={d ? formatCount(d.reach) : "–"} testId="campaign-reach" />
          <Stat label="Organic impressions" value={d ? formatCount(d.organicImpressions) : "–"} />
          <Stat
            label="Lift (delivered / organic)"
            value={d ? `${d.lift.toLocaleString("en-US", { maximumFractionDigits: 1 })}×` : "–"}
            testId="campaign-lift"
          />
        </div>
        {c.history.length > 0 ? (
          <LazyCampaignChart history={c.history} />
        ) : (
          <p className="muted small">No epoch has settled a view of this campaign yet.</p>
        )}
      </section>
      <section className="card stack">
        <h2>Forecast against delivered</h2>
        <ForecastVsDelivered campaign={c} />
      </section>
      {mine && c.active && (
        <section className="card stack">
          <h2>Top up</h2>
          <TopUp campaign={c} />
        </section>
      )}
    </div>
  );
}
