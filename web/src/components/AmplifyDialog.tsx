import { useDeferredValue, useId, useState } from "react";
import { useConnection } from "wagmi";
import { useQuote } from "../hooks/indexer.ts";
import { type StepRecord, useAmplify } from "../hooks/transactions.ts";
import { useAmpBalance, useWalletReady } from "../hooks/wallet.ts";
import type { AmplifyStep, StepFailure } from "../lib/chain/actions.ts";
import { describeError } from "../lib/errors.ts";
import { formatAmp, formatScore, parseAmp } from "../lib/format.ts";
import type { Post } from "../lib/graphql/types.ts";
import { Button } from "./ui/Button.tsx";
import { Dialog } from "./ui/Dialog.tsx";
import { ErrorAlert } from "./ui/States.tsx";

export const DURATIONS: { label: string; seconds: number }[] = [
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "3 days", seconds: 3 * 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
];

const STEP_LABELS: Record<AmplifyStep, string> = {
  permit: "Sign the permit",
  approve: "Approve AMP for the escrow",
  amplify: "Send the amplify transaction",
  confirm: "Wait for confirmation",
  done: "Campaign live",
};

const FAILED_LABELS: Partial<Record<AmplifyStep, Record<StepFailure, string>>> = {
  permit: {
    failed: "Permit not supported by this wallet: approving instead",
    declined: "Permit declined in the wallet",
  },
};

/**
 * Progress through the steps actually taken, each as it ended (done, failed,
 * declined), with the ones still ahead. A permit the wallet refused shows as
 * failed, followed by the approve path it fell back to.
 */
export function AmplifySteps({ steps, running }: { steps: StepRecord[]; running: boolean }) {
  const taken = steps.map((r) => r.step);
  const stopped = steps.some((r) => r.state === "failed" || r.state === "declined") && !running;
  const plan: AmplifyStep[] = taken.length
    ? ["amplify", "confirm", "done"]
    : ["permit", "amplify", "confirm", "done"];
  const ahead = plan.filter((step) => !taken.includes(step));
  const rows: { step: AmplifyStep; state: string }[] = [
    ...steps.map((r) => ({
      step: r.step,
      state: r.state === "active" && !running ? (stopped ? "todo" : "done") : r.state,
    })),
    ...ahead.map((step) => ({ step, state: "todo" })),
  ];
  return (
    <ol className="steps" aria-label="Progress" data-testid="amplify-steps">
      {rows.map(({ step, state }, i) => (
        <li key={step} className="step" data-state={state} data-step={step}>
          <span className="step-dot" aria-hidden="true">
            {state === "done" ? "✓" : state === "failed" || state === "declined" ? "✕" : i + 1}
          </span>
          {state === "failed" || state === "declined"
            ? (FAILED_LABELS[step]?.[state] ?? `${STEP_LABELS[step]}: ${state}`)
            : step === "permit" && taken.length === 0
              ? "Sign a permit (or approve)"
              : STEP_LABELS[step]}
          {state === "active" && <span className="sr-only"> (in progress)</span>}
        </li>
      ))}
    </ol>
  );
}

export function AmplifyDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const { address } = useConnection();
  const amplify = useAmplify();
  const wallet = useWalletReady();
  const balance = useAmpBalance();
  const [amountText, setAmountText] = useState("10");
  const [duration, setDuration] = useState(DURATIONS[3]?.seconds ?? 604_800);
  const amount = parseAmp(amountText);
  const deferredAmount = useDeferredValue(amount);
  const quote = useQuote({
    promoter: address ?? "",
    community: post.community.id,
    budget: address ? deferredAmount : null,
  });
  const amountId = useId();
  const durationId = useId();
  const tooMuch = amount !== null && balance.data !== undefined && amount > balance.data;
  // A budget that buys no view is refused here rather than escrowed for nothing.
  const buysNothing = amount !== null && deferredAmount === amount && quote.data?.views === 0;
  const invalid = amount === null || tooMuch || buysNothing;
  const running = amplify.isPending;

  return (
    <Dialog title={`Amplify post #${post.id}`} onClose={onClose}>
      {amplify.isSuccess ? (
        <div className="stack" data-testid="amplify-success">
          <div className="alert alert-ok" role="status">
            Campaign #{amplify.data.campaignId?.toString() ?? "?"} is live.
          </div>
          <AmplifySteps steps={amplify.steps} running={false} />
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (invalid || amount === null || !wallet.ready) return;
            amplify.mutate({ postId: BigInt(post.id), amount, durationSeconds: BigInt(duration) });
          }}
        >
          <div className="field">
            <label htmlFor={amountId}>Budget (AMP)</label>
            <input
              id={amountId}
              className="input"
              inputMode="decimal"
              value={amountText}
              onChange={(e) => setAmountText(e.target.value)}
              aria-invalid={invalid}
              aria-describedby={`${amountId}-hint`}
              data-testid="amplify-amount"
              disabled={running}
            />
            <span id={`${amountId}-hint`} className={invalid ? "hint-error" : "hint"}>
              {amount === null
                ? "Enter a positive amount."
                : tooMuch
                  ? "More than your balance."
                  : `Balance: ${balance.data === undefined ? "…" : formatAmp(balance.data)} AMP`}
            </span>
          </div>
          <div className="field">
            <label htmlFor={durationId}>Duration</label>
            <select
              id={durationId}
              className="select"
              value={duration}
              onChange={(e) => setDuration(Number(e.target.value))}
              data-testid="amplify-duration"
              disabled={running}
            >
              {DURATIONS.map((d) => (
                <option key={d.seconds} value={d.seconds}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div className="card" style={{ boxShadow: "none" }} data-testid="amplify-quote" aria-live="polite">
            {amount === null ? (
              <span className="muted small">The quote appears when you enter a budget.</span>
            ) : quote.isPending || quote.isFetching ? (
              <span className="muted small">Asking the indexer for a quote…</span>
            ) : quote.isError ? (
              <span className="muted small">No quote right now: {describeError(quote.error).message}</span>
            ) : quote.data ? (
              <div className="stack" style={{ gap: 4 }}>
                <span>
                  About <strong data-testid="quote-views">{quote.data.views}</strong>{" "}
                  {quote.data.views === 1 ? "view" : "views"}
                </span>
                <span className="muted small">
                  {formatAmp(quote.data.pricePerView, 6)} AMP per view · your reputation here{" "}
                  {formatScore(quote.data.promoterReputation)}
                </span>
                {quote.data.views === 0 && (
                  <span className="hint-error" role="alert" data-testid="quote-too-small">
                    This budget buys no views. Raise it to at least {formatAmp(quote.data.pricePerView, 6)}{" "}
                    AMP.
                  </span>
                )}
              </div>
            ) : null}
          </div>
          {(running || amplify.steps.length > 0) && <AmplifySteps steps={amplify.steps} running={running} />}
          <ErrorAlert error={amplify.error} testId="amplify-error" />
          <Button
            type="submit"
            variant="primary"
            loading={running}
            disabled={invalid || !wallet.ready}
            title={wallet.hint}
            data-testid="amplify-submit"
          >
            Amplify
          </Button>
        </form>
      )}
    </Dialog>
  );
}
