import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DwellTracker } from "./dwell.ts";

describe("DwellTracker", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fires once after the post stayed half visible for the dwell time", () => {
    const fired: [string, number][] = [];
    const tracker = new DwellTracker(3000, (key, ms) => fired.push([key, ms]));
    tracker.update("7:0", 0.6);
    vi.advanceTimersByTime(2999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([["7:0", 3000]]);
    tracker.update("7:0", 0.4);
    tracker.update("7:0", 1);
    vi.advanceTimersByTime(10_000);
    expect(fired).toHaveLength(1);
    expect(tracker.hasFired("7:0")).toBe(true);
  });

  it("resets the clock when the post leaves the screen early", () => {
    const fired: string[] = [];
    const tracker = new DwellTracker(3000, (key) => fired.push(key));
    tracker.update("1:0", 0.5);
    vi.advanceTimersByTime(2000);
    tracker.update("1:0", 0.49);
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
    tracker.update("1:0", 0.9);
    vi.advanceTimersByTime(2000);
    tracker.update("1:0", 0.8); // still visible: the running clock is kept
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(["1:0"]);
  });

  it("tracks posts independently and stops on dispose", () => {
    const fired: string[] = [];
    const tracker = new DwellTracker(1000, (key) => fired.push(key));
    tracker.update("1:0", 1);
    vi.advanceTimersByTime(500);
    tracker.update("2:5", 1);
    vi.advanceTimersByTime(500);
    expect(fired).toEqual(["1:0"]);
    tracker.dispose();
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual(["1:0"]);
  });
});

describe("DwellTracker.close", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("stops the running clocks for good: nothing fires after the account it counted for is gone", () => {
    const fired: string[] = [];
    const tracker = new DwellTracker(3000, (key) => fired.push(key));
    tracker.update("7:0", 1);
    tracker.update("8:0", 1);
    vi.advanceTimersByTime(1500);
    expect(tracker.pending).toBe(2);
    tracker.close();
    expect(tracker.pending).toBe(0);
    tracker.update("7:0", 1); // a late visibility report from the old screen
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual([]);
  });
});
