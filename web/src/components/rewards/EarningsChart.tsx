/** Earnings per settled epoch as bars (recharts; this module is loaded lazily). */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUnits } from "viem";
import { perEpoch } from "../../lib/earnings.ts";

export default function EarningsChart({ earnings }: { earnings: { epoch: number; amount: string }[] }) {
  const data = perEpoch(earnings).map((e) => ({
    epoch: `#${e.epoch}`,
    amp: Number(formatUnits(e.amount, 18)),
  }));
  return (
    <figure
      className="chart"
      data-testid="earnings-chart"
      aria-label="AMP earned per epoch"
      style={{ margin: 0 }}
    >
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="epoch" tick={{ fill: "var(--muted)", fontSize: 12 }} />
          <YAxis tick={{ fill: "var(--muted)", fontSize: 12 }} width={56} />
          <Tooltip
            formatter={(v) => [
              `${Number(v).toLocaleString("en-US", { maximumSignificantDigits: 4 })} AMP`,
              "Earned",
            ]}
          />
          <Bar
            dataKey="amp"
            name="AMP earned"
            fill="var(--accent)"
            radius={[4, 4, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="small muted">AMP earned per epoch</figcaption>
    </figure>
  );
}
