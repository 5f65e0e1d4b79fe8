import { readFileSync } from "node:fs";
import { effect } from "@preact/signals-core";
import { describe, expect, it } from "vitest";
import type { PreviewReport } from "../../ui/src/bindings/PreviewReport";
import * as s from "../../ui/src/state";

const report: PreviewReport = JSON.parse(
  readFileSync(new URL("./fixtures/preview-demo.json", import.meta.url), "utf8"),
);

describe("derived state", () => {
  it("marks the preview stale when the chips change, and fresh again when they match it", () => {
    s.report.value = { ...report, filter_tags: ["App::checkout"] };
    s.chips.value = ["App::checkout"];
    expect(s.previewStale.value).toBe(false);
    s.chips.value = ["App::checkout", "Environment::production"];
    expect(s.previewStale.value).toBe(true);
    s.chips.value = ["App::checkout"];
    expect(s.previewStale.value).toBe(false);
  });

  it("re-runs what read a signal when it changes, and only then", () => {
    s.report.value = report;
    s.optedOut.value = new Set();
    const seen: number[] = [];
    const stop = effect(() => {
      seen.push(s.currentTotals.value?.optedOut ?? -1);
    });
    const first = report.questions.find((q) => q.status === "would-change");
    if (!first) throw new Error("no question that would change in the fixture");
    s.optedOut.value = new Set([first.question_id]);
    s.pillarFilter.value = "security"; // read by no part of the totals
    stop();
    s.optedOut.value = new Set();
    expect(seen).toEqual([0, 1]);
  });

  it("names where a push writes: the demo workload, the configured one, or nowhere", () => {
    s.mode.value = "demo";
    expect(s.pushTarget.value).toBe("the demo workload");
    s.mode.value = "configured";
    s.setup.value = null;
    expect(s.pushTarget.value).toBeNull();
  });
});
