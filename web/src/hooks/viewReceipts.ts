import { useEffect, useMemo, useRef, useState } from "react";
import { useApp } from "../config/AppContext.tsx";
import { DwellTracker } from "../lib/dwell.ts";
import { useEngage, useSession, useSignsSilently } from "./session.ts";

export interface ViewTarget {
  postId: string;
  /** The campaign of the amplified slot the post was shown in, or null. */
  campaignId: string | null;
}

export function viewKey(target: ViewTarget): string {
  return `${target.postId}:${target.campaignId ?? "0"}`;
}

/**
 * One dwell tracker and one IntersectionObserver per list: a post that stays
 * at least half on screen for the dwell time sends one View receipt, signed
 * with the session key. Without a session, a wallet that would prompt is not
 * asked from a passive view; the receipt waits for the session to be enabled.
 */
export function useViewReceipts(enabled: boolean) {
  const { app } = useApp();
  const engage = useEngage();
  const session = useSession();
  const silent = useSignsSilently();
  const canSend = enabled && (silent || Boolean(session.data));
  const sendRef = useRef<(target: ViewTarget, dwellMs: number) => void>(() => {});
  const [sent, setSent] = useState<ReadonlySet<string>>(() => new Set());
  sendRef.current = (target, dwellMs) => {
    // mutateAsync: every receipt settles on its own, even when several are in flight.
    engage
      .mutateAsync({
        kind: "View",
        fields: { postId: BigInt(target.postId), dwellMs, campaignId: BigInt(target.campaignId ?? 0) },
      })
      .then(() => setSent((prev) => new Set(prev).add(viewKey(target))))
      .catch(() => {});
  };
  const targets = useRef(new Map<Element, ViewTarget>());

  const tracker = useMemo(
    () =>
      new DwellTracker(app.dwellMs, (key, dwellMs) => {
        const [postId = "0", campaign = "0"] = key.split(":");
        sendRef.current({ postId, campaignId: campaign === "0" ? null : campaign }, dwellMs);
      }),
    [app.dwellMs],
  );

  const observer = useMemo(() => {
    if (!canSend || typeof IntersectionObserver === "undefined") return null;
    return new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const target = targets.current.get(entry.target);
          if (target) tracker.update(viewKey(target), entry.isIntersecting ? entry.intersectionRatio : 0);
        }
      },
      { threshold: [0, 0.5, 1] },
    );
  }, [canSend, tracker]);

  useEffect(() => {
    if (!observer) return;
    for (const el of targets.current.keys()) observer.observe(el);
    return () => observer.disconnect();
  }, [observer]);
  useEffect(() => () => tracker.dispose(), [tracker]);

  /** Ref callback factory for a post element. */
  const observe = useMemo(
    () => (target: ViewTarget) => (el: HTMLElement | null) => {
      if (!el) return;
      targets.current.set(el, target);
      observer?.observe(el);
      return () => {
        targets.current.delete(el);
        observer?.unobserve(el);
      };
    },
    [observer],
  );
  /** Keys (see viewKey) whose View receipt the indexer accepted. */
  return { observe, sent };
}
