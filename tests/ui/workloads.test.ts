import { describe, expect, it } from "vitest";
import type { PillarFigures } from "../../ui/src/bindings/PillarFigures";
import type { SyncPoint } from "../../ui/src/bindings/SyncPoint";
import type { Target } from "../../ui/src/bindings/Target";
import {
  draftOf,
  draftProblems,
  emptyDraft,
  lastSyncText,
  outcomeText,
  overallScore,
  pillarScore,
  sparklinePoints,
  targetOf,
  workloadLabel,
} from "../../ui/src/workloads/model";

const tally = {
  very_high: { successes: 0, failures: 0 },
  high: { successes: 0, failures: 0 },
  medium: { successes: 0, failures: 0 },
  low: { successes: 0, failures: 0 },
  extreme: { successes: 0, failures: 0 },
} as unknown as PillarFigures["by_risk"];
const pillar = (pillar_id: string, successes: number, failures: number): PillarFigures => ({
  pillar_id,
  successes,
  failures,
  by_risk: tally,
});
const point = (synced_at: string, ...pillars: PillarFigures[]): SyncPoint => ({ synced_at, outcome: "done", pillars });
const ARN = "arn:aws:wellarchitected:eu-west-1:123456789012:workload/0123456789abcdef0123456789abcdef";

describe("scores", () => {
  it("counts every pillar's checks together, and a pillar alone", () => {
    const ps = [pillar("security", 30, 10), pillar("reliability", 10, 30)];
    expect(overallScore(ps)).toBe(0.5);
    expect(pillarScore(ps, "security")).toBe(0.75);
    expect(pillarScore(ps, "sustainability")).toBeNull();
    expect(overallScore([pillar("security", 0, 0)])).toBeNull();
  });
});

describe("sparkline", () => {
  it("needs two scored syncs", () => {
    expect(sparklinePoints([], 80, 20)).toBeNull();
    expect(sparklinePoints([point("2026-12-01T09:00:00Z", pillar("security", 1, 1))], 80, 20)).toBeNull();
  });

  it("runs oldest to newest, rising as the score rises, over the target's own range", () => {
    const history = [
      point("2026-11-01T09:00:00Z", pillar("security", 60, 40)),
      point("2026-11-08T09:00:00Z", pillar("security", 65, 35)),
      point("2026-11-15T09:00:00Z", pillar("security", 70, 30)),
    ];
    // 60% to 70% fills the box: bottom to top.
    expect(sparklinePoints(history, 80, 20)).toBe("0,20 40,10 80,0");
  });

  it("keeps a flat trend in the middle", () => {
    const flat = [point("2026-11-01T09:00:00Z", pillar("s", 1, 1)), point("2026-11-08T09:00:00Z", pillar("s", 1, 1))];
    expect(sparklinePoints(flat, 80, 20)).toBe("0,10 80,10");
  });
});

describe("the target list", () => {
  it("shows the last sync and the workload's ID, region and account", () => {
    expect(lastSyncText([])).toBeNull();
    expect(lastSyncText([point("2026-12-07T06:26:41.123Z", pillar("s", 1, 1))])).toBe(
      "2026-12-07 06:26 UTC \u00b7 done",
    );
    expect(workloadLabel(ARN)).toBe("012345\u2026cdef (eu-west-1, 123456789012)");
    expect(workloadLabel("not an arn")).toBe("not an arn");
  });

  it("words each outcome", () => {
    const base = { target: "t", changed: 3, failed: 0, covered: 40, error: null };
    expect(outcomeText({ ...base, outcome: "previewed" })).toBe("3 of 40 questions would change");
    expect(outcomeText({ ...base, outcome: "done" })).toBe("done: 3 questions written");
    expect(outcomeText({ ...base, outcome: "partly-done", failed: 2 })).toBe("partly done: 3 written, 2 not");
    expect(outcomeText({ ...base, outcome: "failed", error: "no key" })).toBe("failed: no key");
  });
});

describe("the target editor", () => {
  const target: Target = {
    name: "payments-prod",
    source: "vision-one",
    account_ids: ["a1"],
    filter_tags: ["Environment::production"],
    workload_arn: ARN,
    role_arn: null,
    external_id: null,
    profile: "prod",
    notes_mode: "replace-block",
  };

  it("round-trips a target, empty fields as none", () => {
    expect(targetOf(draftOf(target))).toEqual(target);
    expect(targetOf({ ...draftOf(target), roleArn: "  ", name: " payments-prod " }).role_arn).toBeNull();
  });

  it("accepts a whole target", () => {
    expect(draftProblems(draftOf(target), ["other"])).toEqual([]);
  });

  it("says what to fix, every problem at once", () => {
    const problems = draftProblems(
      { ...emptyDraft("vision-one"), name: "bad name", filterTags: ["production"], roleArn: "role" },
      [],
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^Name: 1 to 64 letters/);
    expect(problems[1]).toMatch(/^Accounts: pick at least one/);
    expect(problems[2]).toMatch(/^Tag \u201cproduction\u201d: .*whole key::value tag/);
    expect(problems[3]).toMatch(/^Workload: pick one from the list, or paste its ARN/);
    expect(problems[4]).toMatch(/^Role: an IAM role ARN/);
  });

  it("refuses a name another target has", () => {
    expect(draftProblems(draftOf(target), ["payments-prod"])).toEqual([
      "Name: the plan already has a target named \u201cpayments-prod\u201d.",
    ]);
  });

  it("lets Conformity take a bare tag", () => {
    expect(draftProblems({ ...draftOf(target), source: "conformity", filterTags: ["production"] }, [])).toEqual([]);
  });
});
