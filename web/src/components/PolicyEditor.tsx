import { useId, useState } from "react";
import type { Community } from "../lib/graphql/types.ts";
import {
  POLICY_MODES,
  type PolicyFields,
  type PolicyForm,
  PolicyMode,
  policyFieldsFrom,
} from "../lib/policy.ts";
import { Button } from "./ui/Button.tsx";
import { ErrorAlert } from "./ui/States.tsx";

export interface PolicyEditorProps {
  initial: PolicyForm;
  communities: Community[];
  /** Ids of the communities the account joined: offered first for "chosen communities". */
  joined?: string[];
  saving?: boolean;
  saved?: boolean;
  error?: unknown;
  /** Saving needs the wallet on the app's chain. */
  disabled?: boolean;
  disabledHint?: string | undefined;
  onSave: (fields: PolicyFields) => void;
}

/** Which amplified content the viewer accepts (and is paid for). */
export function PolicyEditor({
  initial,
  communities,
  joined = [],
  saving,
  saved,
  error,
  disabled = false,
  disabledHint,
  onSave,
}: PolicyEditorProps) {
  const [form, setForm] = useState<PolicyForm>(initial);
  const [formError, setFormError] = useState<string | null>(null);
  // "Saved" holds only for the form that was sent, while no error stands beside it.
  const [sent, setSent] = useState<PolicyForm | null>(null);
  const same = (a: PolicyForm | null, b: PolicyForm) => JSON.stringify(a) === JSON.stringify(b);
  const changed = !same(initial, form);
  // After a save the record reloads and the editor starts again from it (nothing sent yet here).
  const showSaved =
    Boolean(saved) && !saving && !error && !formError && (sent === null ? !changed : same(sent, form));
  const recordLabel = POLICY_MODES.find((m) => m.mode === initial.mode)?.label ?? "Friends";
  const ids = { topics: useId(), blocked: useId() };
  const set = (patch: Partial<PolicyForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <form
      className="stack"
      aria-label="Attention policy"
      data-testid="policy-form"
      onSubmit={(e) => {
        e.preventDefault();
        const { fields, error: err } = policyFieldsFrom(form);
        setFormError(err);
        if (fields && !disabled) {
          setSent(form);
          onSave(fields);
        }
      }}
    >
      <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="label">Show me amplified posts from</legend>
        {POLICY_MODES.map((m) => (
          <label key={m.mode} className="choice">
            <input
              type="radio"
              name="policy-mode"
              value={m.mode}
              checked={form.mode === m.mode}
              onChange={() => set({ mode: m.mode })}
              data-testid={`policy-mode-${m.label.split(" ").pop()?.toLowerCase()}`}
            />
            <span>
              <strong>{m.label}</strong>
              <br />
              <span className="muted small">{m.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {form.mode === PolicyMode.Communities && (
        <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="label">Communities</legend>
          {communities.length === 0 && <span className="muted small">No communities yet.</span>}
          {joined.length > 0 && (
            <div className="row small" data-testid="policy-joined">
              <span>
                You joined{" "}
                {communities
                  .filter((c) => joined.includes(c.id))
                  .map((c) => c.name)
                  .join(", ")}
                .
              </span>
              <Button
                size="sm"
                onClick={() => set({ communities: [...new Set([...form.communities, ...joined])] })}
                data-testid="policy-use-joined"
              >
                Choose the communities I joined
              </Button>
            </div>
          )}
          {[...communities]
            .sort((a, b) => Number(joined.includes(b.id)) - Number(joined.includes(a.id)))
            .map((c) => (
              <label key={c.id} className="row">
                <input
                  type="checkbox"
                  checked={form.communities.includes(c.id)}
                  onChange={(e) =>
                    set({
                      communities: e.target.checked
                        ? [...form.communities, c.id]
                        : form.communities.filter((x) => x !== c.id),
                    })
                  }
                />
                {c.name}
                {joined.includes(c.id) && <span className="badge badge-ok">joined</span>}
              </label>
            ))}
        </fieldset>
      )}
      {form.mode === PolicyMode.Topics && (
        <div className="field">
          <label htmlFor={ids.topics}>Topics</label>
          <input
            id={ids.topics}
            className="input"
            value={form.topicsText}
            onChange={(e) => set({ topicsText: e.target.value })}
            placeholder="e.g. music, climate"
            data-testid="policy-topics"
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.blocked}>Blocked promoters</label>
        <textarea
          id={ids.blocked}
          className="textarea"
          style={{ minHeight: 64 }}
          value={form.blockedText}
          onChange={(e) => set({ blockedText: e.target.value })}
          placeholder="One address per line"
          data-testid="policy-blocked"
        />
        <span className="hint">Their amplified posts never reach you, whatever the mode.</span>
      </div>
      {formError && (
        <div className="alert alert-error" role="alert">
          {formError}
        </div>
      )}
      <ErrorAlert error={error} testId="policy-error" />
      {changed && !showSaved && (
        <div className="row small" data-testid="policy-unsaved">
          <span className="muted">
            Not saved yet: the policy on record is{" "}
            <strong data-testid="policy-on-record">{recordLabel}</strong>.
          </span>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setForm(initial);
              setFormError(null);
            }}
            data-testid="policy-reset"
          >
            Reset
          </Button>
        </div>
      )}
      <div className="row">
        <Button
          type="submit"
          variant="primary"
          loading={saving}
          disabled={disabled}
          title={disabled ? disabledHint : undefined}
          data-testid="policy-save"
        >
          Sign and save policy
        </Button>
        {showSaved && (
          <span className="badge badge-ok" role="status" data-testid="policy-saved">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}
