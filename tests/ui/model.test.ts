import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PreviewReport } from "../../ui/src/bindings/PreviewReport";
import { pillarDatasets, pillarLabel } from "../../ui/src/chart";
import { diffStats, lineDiff } from "../../ui/src/diff";
import {
  canOptOut,
  counted,
  EXPORT_FORMATS,
  exportFileName,
  formatScore,
  leftOutRows,
  score,
  statusView,
  totals,
} from "../../ui/src/model";
import { addChip, sameChips, tagProblem, tagsMatch } from "../../ui/src/tags";

/** What the fixture must have; a missing one fails the test here, by name. */
function found<T>(x: T | undefined): T {
  if (x === undefined) throw new Error("not in the fixture");
  return x;
}

const report: PreviewReport = JSON.parse(
  readFileSync(new URL("./fixtures/preview-demo.json", import.meta.url), "utf8"),
);

describe("lineDiff", () => {
  it("marks added, removed and kept lines", () => {
    const d = lineDiff("a\nb\nc", "a\nB\nc\nd");
    expect(d).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "add", text: "B" },
      { op: "same", text: "c" },
      { op: "add", text: "d" },
    ]);
    expect(diffStats(d)).toEqual({ added: 2, removed: 1 });
  });
  it("handles empty sides and CRLF", () => {
    expect(lineDiff("", "x\ny").map((l) => l.op)).toEqual(["add", "add"]);
    expect(lineDiff("x\r\ny", "")).toEqual([
      { op: "del", text: "x" },
      { op: "del", text: "y" },
    ]);
    expect(lineDiff("same", "same")).toEqual([{ op: "same", text: "same" }]);
  });
  it("keeps the reviewer's text around a replaced block", () => {
    const before = "my own words\n--- block v1\nold\n--- end";
    const after = "my own words\n--- block v1\nnew\n--- end";
    const d = lineDiff(before, after);
    expect(d.filter((l) => l.op !== "same")).toEqual([
      { op: "del", text: "old" },
      { op: "add", text: "new" },
    ]);
  });
});

describe("tag chips", () => {
  it("validates like the engine", () => {
    expect(tagProblem("Environment::production")).toBeNull();
    expect(tagProblem("prod")).toBeNull();
    expect(tagProblem("")).toMatch(/empty/);
    expect(tagProblem(" env")).toMatch(/space/);
    expect(tagProblem("a,b")).toMatch(/comma/);
    expect(tagProblem("::dev")).toMatch(/empty/);
    expect(tagProblem("env::")).toMatch(/empty/);
    expect(tagProblem("a\tb")).toMatch(/control/);
    expect(tagProblem("x".repeat(387))).toMatch(/longer/);
    // Vision One: whole key::value tags only.
    expect(tagProblem("Environment::production", true)).toBeNull();
    expect(tagProblem("production", true)).toMatch(/not a whole key::value tag: Vision One matches whole tags only/);
    expect(tagProblem("::dev", true)).toMatch(/empty/);
  });
  it("drops duplicates ignoring case", () => {
    expect(addChip(["Prod"], "prod")).toEqual(["Prod"]);
    expect(addChip(["Prod"], "dev")).toEqual(["Prod", "dev"]);
  });
  it("matches exactly, ignoring case, on key, value or key::value", () => {
    const tags = ["environment::dev"];
    for (const yes of ["dev", "environment", "environment::dev", "DEV", "envirONment::DEv"]) {
      expect(tagsMatch([yes], tags)).toBe(true);
    }
    for (const no of ["devops", "environmental", "environ", "env::dev"]) {
      expect(tagsMatch([no], tags)).toBe(false);
    }
    expect(tagsMatch([], [])).toBe(true);
  });
});

describe("report view", () => {
  it("scores pillars as successes / total", () => {
    expect(score(3, 1)).toBe(0.75);
    expect(score(0, 0)).toBeNull();
    expect(formatScore(0.756)).toBe("76%");
    expect(formatScore(null)).toBe("no checks");
    const sec = found(report.pillars.find((p) => p.pillar_id === "security"));
    expect(pillarLabel(sec)).toMatch(/^Security {2}\d+%$/);
  });
  it("never shows uncovered questions as green", () => {
    const v = statusView("not-covered");
    expect(v.tone).toBe("human");
    expect(v.label).toMatch(/needs a human answer/);
    const uncovered = report.questions.filter((q) => q.status === "not-covered");
    expect(uncovered.length).toBeGreaterThan(0);
    for (const q of uncovered) {
      expect(statusView(q.status).tone).not.toBe("done");
      expect(canOptOut(q)).toBe(false);
    }
  });
  it("counts opt-outs apart from would-change", () => {
    const first = found(report.questions.find((q) => q.status === "would-change"));
    const none = totals(report, new Set());
    const one = totals(report, new Set([first.question_id]));
    expect(one.wouldChange).toBe(none.wouldChange - 1);
    expect(one.optedOut).toBe(1);
    expect(none.wouldChange + none.notCovered + none.unchanged + none.failed).toBe(report.questions.length);
    expect(statusView("would-change", true).label).toBe("left out by you");
  });
  it("counts what a push wrote, so the tiles after a push are not all zero", () => {
    const opted = found(report.questions.find((q) => q.status === "would-change"));
    const pushed = structuredClone(report);
    for (const q of pushed.questions)
      if (q.status === "would-change" && q.question_id !== opted.question_id) q.status = "written";
    const before = totals(report, new Set([opted.question_id]));
    const after = totals(pushed, new Set([opted.question_id]));
    expect(before.written).toBe(0);
    expect(after.written).toBe(before.wouldChange);
    expect(after.wouldChange).toBe(0);
    expect(after.optedOut).toBe(1);
  });
  it("lists every left-out reason with its count", () => {
    const rows = leftOutRows(report.checks.left_out);
    expect(rows.map((r) => r.key)).toEqual(["disabled_rule", "suppressed", "excluded", "not_scored", "unmapped_rule"]);
    const sum = rows.reduce((a, r) => a + r.count, 0);
    expect(sum).toBe(report.checks.fetched - report.checks.counted);
    expect(rows.every((r) => r.reason.length > 10)).toBe(true);
  });
  it("stacks failures and successes by risk per pillar", () => {
    const sets = pillarDatasets(report.pillars);
    expect(sets).toHaveLength(10);
    const stackTotal = (stack: string) =>
      sets.filter((s) => s.stack === stack).reduce((a, s) => a + s.data.reduce((x, y) => x + y, 0), 0);
    expect(stackTotal("failures")).toBe(report.pillars.reduce((a, p) => a + p.failures, 0));
    expect(stackTotal("successes")).toBe(report.pillars.reduce((a, p) => a + p.successes, 0));
  });
});

describe("export", () => {
  it("offers the engine's five formats and suggests a dated file name", () => {
    expect(EXPORT_FORMATS.map((f) => f.label)).toEqual(["JSON", "CSV", "Markdown", "HTML", "PDF"]);
    const day = new Date("2026-11-27T08:00:00Z");
    expect(exportFileName("md", "preview", day)).toBe("wa-sync-preview-2026-11-27.md");
    expect(exportFileName("pdf", "result", day)).toBe("wa-sync-push-result-2026-11-27.pdf");
  });
});

describe("counted", () => {
  it("names one thing in the singular and any other number in the plural", () => {
    expect(counted(1, "question")).toBe("1 question");
    expect(counted(0, "question")).toBe("0 questions");
    expect(counted(1234, "question")).toBe("1,234 questions");
  });
});

describe("sameChips", () => {
  it("is true for the same chips in any order and false when one was added or removed", () => {
    expect(sameChips(["App::checkout", "production"], ["production", "App::checkout"])).toBe(true);
    expect(sameChips([], [])).toBe(true);
    expect(sameChips(["production"], ["production", "App::checkout"])).toBe(false);
    expect(sameChips(["production", "App::checkout"], ["production"])).toBe(false);
  });
});
