/** The charts as lazy components: recharts loads only on the pages that draw one. */
import { lazy, Suspense } from "react";
import type { CampaignPoint } from "./CampaignChart.tsx";

const Earnings = lazy(() => import("./EarningsChart.tsx"));
const Campaign = lazy(() => import("./CampaignChart.tsx"));

const fallback = <div className="chart-placeholder small muted">Loading chart…</div>;

export function LazyEarningsChart({ earnings }: { earnings: { epoch: number; amount: string }[] }) {
  return (
    <Suspense fallback={fallback}>
      <Earnings earnings={earnings} />
    </Suspense>
  );
}

export function LazyCampaignChart({ history }: { history: CampaignPoint[] }) {
  return (
    <Suspense fallback={fallback}>
      <Campaign history={history} />
    </Suspense>
  );
}
