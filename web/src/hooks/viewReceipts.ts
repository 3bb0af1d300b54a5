import { useEffect, useMemo, useRef, useState } from "react";
import type { Address } from "viem";
import { useConfig, useConnection } from "wagmi";
import { useApp } from "../config/AppContext.tsx";
import { DwellTracker } from "../lib/dwell.ts";
import { walletScope } from "../lib/wallet/guard.ts";
import { useEngage, useSession, useSignsSilently } from "./session.ts";
import { useWalletKey } from "./wallet.ts";

export interface ViewTarget {
  postId: string;
  /** The campaign of the amplified slot the post was shown in, or null. */
  campaignId: string | null;
}

const EMPTY: ReadonlySet<string> = new Set();

export function viewKey(target: ViewTarget): string {
  return `${target.postId}:${target.campaignId ?? "0"}`;
}

/**
 * One dwell tracker and one IntersectionObserver per list: a post that stays
 * at least half on screen for the dwell time sends one View receipt, signed
 * with the session key. Without a session, a wallet that would prompt is not
 * asked from a passive view; the receipt waits for the session to be enabled.
 *
 * The dwell clocks belong to the account (and chain) they started under: a
 * change of either drops them with everything still queued, so a post on the
 * old account's screen never becomes a receipt of the new one.
 */
export function useViewReceipts(enabled: boolean) {
  const { app } = useApp();
  const config = useConfig();
  const { address } = useConnection();
  const walletKey = useWalletKey();
  const engage = useEngage();
  const session = useSession();
  const silent = useSignsSilently();
  const canSend = enabled && (silent || Boolean(session.data));
  const sendRef = useRef<(target: ViewTarget, dwellMs: number, account: Address) => void>(() => {});
  const [sent, setSent] = useState<{ key: string; views: ReadonlySet<string> }>(() => ({
    key: walletKey,
    views: new Set(),
  }));
  sendRef.current = (target, dwellMs, account) => {
    // mutateAsync: every receipt settles on its own, even when several are in flight.
    engage
      .mutateAsync({
        kind: "View",
        account,
        fields: { postId: BigInt(target.postId), dwellMs, campaignId: BigInt(target.campaignId ?? 0) },
      })
      .then(() =>
        setSent((prev) => {
          // A receipt accepted after the wallet moved on is not shown for the new account.
          if (currentKey.current !== walletKey) return prev;
          const views = prev.key === walletKey ? new Set(prev.views) : new Set<string>();
          return { key: walletKey, views: views.add(viewKey(target)) };
        }),
      )
      .catch(() => {});
  };
  const currentKey = useRef(walletKey);
  currentKey.current = walletKey;
  const targets = useRef(new Map<Element, ViewTarget>());

  // One tracker per wallet scope; the scope's change stops it at once, before React re-renders.
  const tracker = useMemo(() => {
    void walletKey;
    const account = address;
    const scope = walletScope(config).signal;
    return new DwellTracker(app.dwellMs, (key, dwellMs) => {
      if (!account || scope.aborted) return;
      const [postId = "0", campaign = "0"] = key.split(":");
      sendRef.current({ postId, campaignId: campaign === "0" ? null : campaign }, dwellMs, account);
    });
  }, [app.dwellMs, config, address, walletKey]);
  useEffect(() => walletScope(config).onChange(() => tracker.close()), [config, tracker]);

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
  return { observe, sent: sent.key === walletKey ? sent.views : EMPTY };
}
