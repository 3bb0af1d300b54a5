/** Paid views and spend per settled epoch over a campaign's life (recharts; loaded lazily). */
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatUnits } from "viem";

export interface CampaignPoint {
  epoch: number;
  settledAt: number;
  spent: string;
  paidViews: number;
}

export default function CampaignChart({ history }: { history: CampaignPoint[] }) {
  let views = 0;
  let spent = 0;
  const data = history.map((h) => {
    views += h.paidViews;
    spent += Number(formatUnits(BigInt(h.spent), 18));
    return { epoch: `#${h.epoch}`, views: h.paidViews, totalViews: views, spent };
  });
  return (
    <figure
      className="chart"
      data-testid="campaign-chart"
      aria-label="Paid views and spend per epoch"
      style={{ margin: 0 }}
    >
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="epoch" tick={{ fill: "var(--muted)", fontSize: 12 }} />
          <YAxis
            yAxisId="views"
            allowDecimals={false}
            tick={{ fill: "var(--muted)", fontSize: 12 }}
            width={40}
          />
          <YAxis yAxisId="amp" orientation="right" tick={{ fill: "var(--muted)", fontSize: 12 }} width={56} />
          <Tooltip />
          <Legend />
          <Bar
            yAxisId="views"
            dataKey="views"
            name="Paid views"
            fill="var(--accent)"
            isAnimationActive={false}
          />
          <Line
            yAxisId="amp"
            dataKey="spent"
            name="AMP spent (total)"
            stroke="var(--accent-2)"
            strokeWidth={2}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="small muted">Paid views per epoch and AMP spent so far</figcaption>
    </figure>
  );
}
