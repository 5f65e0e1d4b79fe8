// Pure presentation logic over the engine's preview report (kept apart from the DOM so Vitest
// can test it).

import type { ExportFormat } from "./bindings/ExportFormat";
import type { LeftOut } from "./bindings/LeftOut";
import type { PreviewReport } from "./bindings/PreviewReport";
import type { QuestionReport } from "./bindings/QuestionReport";
import type { QuestionStatus } from "./bindings/QuestionStatus";
import type { Tally } from "./bindings/Tally";

export const PILLARS: ReadonlyArray<{ id: string; name: string; short: string }> = [
  { id: "operationalExcellence", name: "Operational Excellence", short: "OPS" },
  { id: "security", name: "Security", short: "SEC" },
  { id: "reliability", name: "Reliability", short: "REL" },
  { id: "performance", name: "Performance Efficiency", short: "PERF" },
  { id: "costOptimization", name: "Cost Optimization", short: "COST" },
  { id: "sustainability", name: "Sustainability", short: "SUS" },
];

export function pillarName(id: string): string {
  return PILLARS.find((p) => p.id === id)?.name ?? id;
}

/** Risk levels, highest first, with the engine's JSON keys and the note's labels. */
export const RISKS: ReadonlyArray<{ key: keyof Tally; label: string }> = [
  { key: "EXTREME", label: "Extreme" },
  { key: "VERY_HIGH", label: "Very High" },
  { key: "HIGH", label: "High" },
  { key: "MEDIUM", label: "Medium" },
  { key: "LOW", label: "Low" },
];

/** Pillar score = successes / total, or null when nothing was counted. */
export function score(successes: number, failures: number): number | null {
  const total = successes + failures;
  return total === 0 ? null : successes / total;
}

export function formatScore(s: number | null): string {
  return s === null ? "no checks" : `${Math.round(s * 100)}%`;
}

/** The status the UI shows. Not covered means a person must answer; it is never green. */
export interface StatusView {
  label: string;
  tone: "change" | "same" | "human" | "error" | "done";
}

export function statusView(status: QuestionStatus, optedOut = false): StatusView {
  if (optedOut && (status === "would-change" || status === "failed")) {
    return { label: "left out by you", tone: "same" };
  }
  switch (status) {
    case "would-change":
      return { label: "would change", tone: "change" };
    case "unchanged":
      return { label: "unchanged", tone: "same" };
    case "not-covered":
      return { label: "not covered: needs a human answer", tone: "human" };
    case "written":
      return { label: "written", tone: "done" };
    case "failed":
      return { label: "cannot write", tone: "error" };
    case "changed":
      return { label: "edited meanwhile: preview again", tone: "error" };
    case "not-written":
      return { label: "not written (cancelled)", tone: "change" };
  }
}

/** What a push (or a cancelled one) did, question by question. */
export interface PushOutcome {
  written: QuestionReport[];
  unchanged: QuestionReport[];
  leftOut: QuestionReport[];
  failed: QuestionReport[];
  /** Edited by someone else after the preview read them: not written. */
  changed: QuestionReport[];
  /** To be written, but the push was cancelled first. */
  notWritten: QuestionReport[];
}

export function pushOutcome(r: PreviewReport): PushOutcome {
  const with_ = (s: QuestionStatus) => r.questions.filter((q) => q.status === s);
  return {
    written: with_("written"),
    unchanged: with_("unchanged"),
    leftOut: with_("would-change"),
    failed: with_("failed"),
    changed: with_("changed"),
    notWritten: with_("not-written"),
  };
}

/** The questions a retry writes: those that failed or were not written. */
export function retryCount(o: PushOutcome): number {
  return o.failed.length + o.notWritten.length;
}

/** Whether the user can opt a question out (only questions that would be written). */
export function canOptOut(q: QuestionReport): boolean {
  return q.status === "would-change";
}

/** Whether the question's new notes differ from its current ones. */
export function hasNewNotes(q: QuestionReport): boolean {
  return q.notes !== null && q.notes !== (q.current_notes ?? "");
}

export interface LeftOutRow {
  key: keyof LeftOut;
  label: string;
  reason: string;
  count: number;
}

const LEFT_OUT_TEXT: Record<keyof LeftOut, [string, string]> = {
  disabled_rule: ["Disabled rules", "the rule is switched off in the account's rule settings"],
  suppressed: ["Suppressed", "the check is suppressed in Conformity"],
  excluded: ["Excluded", "the resource is excluded from the rule in Conformity"],
  not_scored: ["Not scored", "Conformity does not score the check"],
  unmapped_rule: ["Unmapped rules", "the rule informs no Well-Architected question in the mapping"],
};

export function leftOutRows(leftOut: LeftOut): LeftOutRow[] {
  return (Object.keys(LEFT_OUT_TEXT) as Array<keyof LeftOut>).map((key) => ({
    key,
    label: LEFT_OUT_TEXT[key][0],
    reason: LEFT_OUT_TEXT[key][1],
    count: Number(leftOut[key]),
  }));
}

export interface Totals {
  /** Written by the push this report is the result of (0 in a preview). */
  written: number;
  wouldChange: number;
  unchanged: number;
  notCovered: number;
  failed: number;
  optedOut: number;
}

export function totals(report: PreviewReport, optedOut: ReadonlySet<string>): Totals {
  const t: Totals = { written: 0, wouldChange: 0, unchanged: 0, notCovered: 0, failed: 0, optedOut: 0 };
  for (const q of report.questions) {
    if (q.status === "would-change" && optedOut.has(q.question_id)) t.optedOut++;
    else if (q.status === "would-change") t.wouldChange++;
    else if (q.status === "unchanged") t.unchanged++;
    else if (q.status === "written") t.written++;
    else if (q.status === "not-covered") t.notCovered++;
    else if (q.status === "failed") t.failed++;
  }
  return t;
}

export function groupByPillar(questions: readonly QuestionReport[]): Map<string, QuestionReport[]> {
  const groups = new Map<string, QuestionReport[]>();
  for (const p of PILLARS) groups.set(p.id, []);
  for (const q of questions) {
    const list = groups.get(q.pillar_id) ?? [];
    list.push(q);
    groups.set(q.pillar_id, list);
  }
  return groups;
}

const NUMBER = new Intl.NumberFormat("en-US");

/** Thousands separated the same way in every webview and locale (4,886). */
export function fmt(n: number | bigint): string {
  return NUMBER.format(Number(n));
}

/** A count with its noun, singular for one: "1 question", "48 questions". */
export function counted(n: number, noun: string): string {
  return `${fmt(n)} ${n === 1 ? noun : `${noun}s`}`;
}

/** The report formats the app exports, in the order the menu lists them. */
export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; extension: string }> = [
  { format: "json", label: "JSON", extension: "json" },
  { format: "csv", label: "CSV", extension: "csv" },
  { format: "md", label: "Markdown", extension: "md" },
  { format: "html", label: "HTML", extension: "html" },
  { format: "pdf", label: "PDF", extension: "pdf" },
];

/** The file name the save dialog suggests: `wa-sync-preview-2026-11-27.html`. */
export function exportFileName(format: ExportFormat, of: "preview" | "result", now: Date): string {
  const ext = EXPORT_FORMATS.find((f) => f.format === format)?.extension ?? format;
  const day = now.toISOString().slice(0, 10);
  return `wa-sync-${of === "result" ? "push-result" : "preview"}-${day}.${ext}`;
}
