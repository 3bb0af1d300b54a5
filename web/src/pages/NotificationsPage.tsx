/** The connected account's notifications, unread first marked, and "mark all read" (a signed read marker). */

import { useConnection } from "wagmi";
import { AddressLink } from "../components/ui/Address.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Empty, ErrorAlert, ErrorState, Loading } from "../components/ui/States.tsx";
import { useMarkNotificationsRead, useNotifications } from "../hooks/social.ts";
import { useWalletReady } from "../hooks/wallet.ts";
import { formatAmp, timeAgo } from "../lib/format.ts";
import type { AppNotification } from "../lib/graphql/social.ts";
import { href } from "../lib/router.ts";

const VERB: Record<AppNotification["kind"], string> = {
  REPLY: "replied to your post",
  QUOTE: "quoted your post",
  MENTION: "mentioned you",
  LIKE: "liked your post",
  REPOST: "reposted your post",
  FOLLOW: "followed you",
  COMMENT: "commented on your post",
  EARNING: "",
};

function Line({ n }: { n: AppNotification }) {
  if (n.kind === "EARNING") {
    return (
      <span>
        You earned <strong>{formatAmp(n.amount ?? "0")} AMP</strong> in epoch {n.epoch}.{" "}
        <a href={href({ name: "rewards" })}>Rewards</a>
      </span>
    );
  }
  return (
    <span>
      {n.actor ? <AddressLink address={n.actor} /> : "Someone"} {VERB[n.kind]}
      {n.post && (
        <>
          {" · "}
          <a href={href({ name: "post", id: n.post.id })} data-testid="notification-post">
            “{n.post.text.length > 80 ? `${n.post.text.slice(0, 80)}…` : n.post.text}”
          </a>
        </>
      )}
    </span>
  );
}

export function NotificationsPage() {
  const { address } = useConnection();
  const notifications = useNotifications();
  const mark = useMarkNotificationsRead();
  const wallet = useWalletReady();
  if (!address) return <Empty title="Connect a wallet to see your notifications" />;
  if (notifications.isPending) return <Loading />;
  if (notifications.isError) {
    return <ErrorState error={notifications.error} onRetry={() => notifications.refetch()} />;
  }
  const { items, unread } = notifications.data;
  const newest = items.reduce((t, n) => Math.max(t, n.createdAt), 0);
  return (
    <div className="stack-lg">
      <div className="row-between">
        <h1>Notifications</h1>
        <span className="row">
          <span className="muted small" data-testid="notifications-unread">
            {unread === 0 ? "All read" : `${unread} unread`}
          </span>
          <Button
            size="sm"
            disabled={unread === 0 || !wallet.ready}
            loading={mark.isPending}
            title={wallet.hint}
            onClick={() => mark.markRead(newest)}
            data-testid="mark-read"
          >
            Mark all read
          </Button>
        </span>
      </div>
      <ErrorAlert error={mark.error} />
      {items.length === 0 ? (
        <Empty title="Nothing yet">
          Replies, likes, reposts, follows, mentions and earnings show up here.
        </Empty>
      ) : (
        <ul className="list card" data-testid="notifications">
          {items.map((n) => (
            <li
              key={n.id}
              className={`row-between small${n.read ? "" : " unread"}`}
              data-testid="notification"
              data-kind={n.kind}
              data-read={n.read}
            >
              <span className="row">
                {!n.read && (
                  <span className="badge badge-amp">
                    new<span className="sr-only"> (unread)</span>
                  </span>
                )}
                <Line n={n} />
              </span>
              <span className="muted">{timeAgo(n.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
