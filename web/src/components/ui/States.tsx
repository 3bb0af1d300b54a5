import type { ReactNode } from "react";
import { describeError } from "../../lib/errors.ts";
import { Button } from "./Button.tsx";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state" data-testid="empty-state">
      <h3>{title}</h3>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message } = describeError(error);
  return (
    <div className="state" role="alert">
      <h3>{title}</h3>
      <p>{message}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** An inline error line for forms and actions. */
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const { title, message } = describeError(error);
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      <strong>{title}:</strong> {message}
    </div>
  );
}

export function SkeletonCard() {
  return (
    <div className="card stack" aria-hidden="true">
      <div className="skeleton" style={{ width: "40%" }} />
      <div className="skeleton" />
      <div className="skeleton" style={{ width: "75%" }} />
    </div>
  );
}
