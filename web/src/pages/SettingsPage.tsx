import { useConnection } from "wagmi";
import { PolicyEditor } from "../components/PolicyEditor.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { useCommunities, useIndexedAccount } from "../hooks/indexer.ts";
import { useMemberships } from "../hooks/rewards.ts";
import { useEnableSession, useRevokeSession, useSavePolicy, useSession } from "../hooks/session.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { formatTime, shortAddress } from "../lib/format.ts";
import { policyFormFrom } from "../lib/policy.ts";

function SessionPanel() {
  const session = useSession();
  const enable = useEnableSession();
  const revoke = useRevokeSession();
  const wallet = useWalletReady();
  return (
    <section className="card stack" data-testid="session-panel">
      <h2>Session key</h2>
      <p className="muted small">
        A key kept in this browser signs your views, likes, comments, shares and follows, so your wallet is
        asked only once.
      </p>
      {session.isPending ? (
        <Loading />
      ) : session.data ? (
        <div className="row-between">
          <span className="small" data-testid="session-status">
            Active key <span className="mono">{shortAddress(session.data.sessionKey)}</span>, expires{" "}
            {formatTime(session.data.expiresAt)}
          </span>
          <Button
            variant="danger"
            loading={revoke.isPending}
            disabled={!wallet.ready}
            title={wallet.hint}
            onClick={() => revoke.mutate()}
            data-testid="revoke-session"
          >
            Revoke
          </Button>
        </div>
      ) : (
        <div className="row-between">
          <span className="small muted" data-testid="session-status">
            No session key.
          </span>
          <Button
            loading={enable.isPending}
            disabled={!wallet.ready}
            title={wallet.hint}
            onClick={() => enable.mutate()}
            data-testid="enable-session"
          >
            Create session key
          </Button>
        </div>
      )}
      {revoke.isSuccess && (
        <div className="alert alert-ok" role="status">
          Session key revoked.
        </div>
      )}
      <ErrorAlert error={revoke.error ?? enable.error} />
    </section>
  );
}

function PolicyPanel({ address }: { address: string }) {
  const account = useIndexedAccount(address);
  const memberships = useMemberships(address);
  const communities = useCommunities();
  const save = useSavePolicy();
  const wallet = useWalletReady();
  return (
    <section className="card stack">
      <h2>Attention policy</h2>
      <p className="muted small">
        Choose whose amplified posts may reach you. You are paid only for amplified posts your policy allows.
      </p>
      {account.isPending ? (
        <Loading />
      ) : account.isError ? (
        <ErrorState error={account.error} onRetry={() => account.refetch()} />
      ) : (
        <>
          {account.data?.policy?.explicit === false && (
            <p className="small muted" data-testid="policy-default">
              You have not saved a policy yet, so the default applies: friends only.
            </p>
          )}
          <PolicyEditor
            // A new policy on record (saved here or elsewhere) resets the form to it.
            key={`${address}:${JSON.stringify(account.data?.policy ?? null)}`}
            initial={policyFormFrom(account.data?.policy)}
            communities={communities.data ?? []}
            joined={memberships.data?.map((c) => c.id) ?? []}
            saving={save.isPending}
            disabled={!wallet.ready}
            disabledHint={wallet.hint}
            saved={save.isSuccess}
            error={save.error}
            onSave={(fields) => save.mutate(fields)}
          />
        </>
      )}
    </section>
  );
}

export function SettingsPage() {
  const { address } = useConnection();
  if (!address) return <Empty title="Connect a wallet to change your settings" />;
  return (
    <div className="stack-lg">
      <h1>Settings</h1>
      <PolicyPanel address={address} />
      <SessionPanel />
    </div>
  );
}
