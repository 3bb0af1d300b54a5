import { useEffect, useState } from "react";

/**
 * Chain time now, ticking every second: the chain time an answer was computed at (`asOf`) plus
 * the wall-clock time since it arrived (`receivedAt`, ms), so a local chain ahead of the clock
 * counts down correctly.
 */
export function useChainNow(asOf: number | undefined, receivedAt: number): number {
  const [wall, setWall] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setWall(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (asOf === undefined) return Math.floor(wall / 1000);
  return asOf + Math.max(0, Math.floor((wall - receivedAt) / 1000));
}
