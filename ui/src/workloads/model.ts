// The Workloads screen's pure logic (unit-tested): scores over time, the sparkline's points, the
// last sync, a target's form as the plan's target and what is wrong with it, run progress text.

import type { NotesMode } from "../bindings/NotesMode";
import type { PillarFigures } from "../bindings/PillarFigures";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import type { SourceKind } from "../bindings/SourceKind";
import type { SyncPoint } from "../bindings/SyncPoint";
import type { Target } from "../bindings/Target";
import type { TargetOutcome } from "../bindings/TargetOutcome";
import { fmt } from "../model";
import { tagProblem } from "../tags";

/** Successes out of all counted checks, 0..1; null when nothing was counted. */
export function overallScore(pillars: readonly PillarFigures[]): number | null {
  let pass = 0;
  let all = 0;
  for (const p of pillars) {
    pass += Number(p.successes);
    all += Number(p.successes) + Number(p.failures);
  }
  return all === 0 ? null : pass / all;
}

export function pillarScore(pillars: readonly PillarFigures[], pillarId: string): number | null {
  const p = pillars.find((x) => x.pillar_id === pillarId);
  return p ? overallScore([p]) : null;
}

/** Every pillar that appears in any sync, in the order first seen. */
export function pillarIds(history: readonly SyncPoint[]): string[] {
  const ids: string[] = [];
  for (const point of history) for (const p of point.pillars) if (!ids.includes(p.pillar_id)) ids.push(p.pillar_id);
  return ids;
}

/**
 * The sparkline's polyline points for the overall score of each sync, oldest left, in a box of
 * `width` x `height`. The scale spans the target's own lowest to highest score (at least 10
 * points), so a trend of a few points shows as a slope rather than a flat line. Fewer than two
 * scored syncs draw no line.
 */
export function sparklinePoints(history: readonly SyncPoint[], width: number, height: number): string | null {
  const scores = history.map((h) => overallScore(h.pillars)).filter((s): s is number => s !== null);
  if (scores.length < 2) return null;
  const [low, high] = [Math.min(...scores), Math.max(...scores)];
  const span = Math.max(high - low, 0.1);
  const bottom = Math.min(Math.max((low + high) / 2 - span / 2, 0), 1 - span);
  const step = width / (scores.length - 1);
  return scores.map((score, i) => `${round(i * step)},${round(height - ((score - bottom) / span) * height)}`).join(" ");
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** "2026-12-07 09:00 UTC · done" for the latest sync, or null when the target never synced. */
export function lastSyncText(history: readonly SyncPoint[]): string | null {
  const last = history.at(-1);
  if (!last) return null;
  return `${shortTime(last.synced_at)} \u00b7 ${last.outcome}`;
}

/** An RFC 3339 UTC time as "2026-12-07 09:00 UTC". */
export function shortTime(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc3339);
  return m ? `${m[1]} ${m[2]} UTC` : rfc3339;
}

/** The workload's ID from its ARN, shortened (the full ARN goes in the tooltip), its region and account. */
export function workloadLabel(arn: string): string {
  const m = /^arn:aws[\w-]*:wellarchitected:([\w-]+):(\d{12}):workload\/(\w+)$/.exec(arn);
  const [, region, account, id] = m ?? [];
  if (!region || !account || !id) return arn;
  const short = id.length > 12 ? `${id.slice(0, 6)}\u2026${id.slice(-4)}` : id;
  return `${short} (${region}, ${account})`;
}

export function sourceName(source: SourceKind | null): string {
  if (source === "vision-one") return "Vision One";
  if (source === "conformity") return "Conformity";
  return "as configured";
}

/** What the target editor holds: the text fields as typed. */
export interface TargetDraft {
  name: string;
  source: SourceKind | null;
  accountIds: string[];
  filterTags: string[];
  workloadArn: string;
  roleArn: string;
  externalId: string;
  profile: string;
  notesMode: NotesMode;
}

export function emptyDraft(source: SourceKind | null): TargetDraft {
  return {
    name: "",
    source,
    accountIds: [],
    filterTags: [],
    workloadArn: "",
    roleArn: "",
    externalId: "",
    profile: "",
    notesMode: "replace-block",
  };
}

export function draftOf(t: Target): TargetDraft {
  return {
    name: t.name,
    source: t.source,
    accountIds: [...t.account_ids],
    filterTags: [...t.filter_tags],
    workloadArn: t.workload_arn,
    roleArn: t.role_arn ?? "",
    externalId: t.external_id ?? "",
    profile: t.profile ?? "",
    notesMode: t.notes_mode,
  };
}

const optional = (v: string): string | null => (v.trim() === "" ? null : v.trim());

export function targetOf(d: TargetDraft): Target {
  return {
    name: d.name.trim(),
    source: d.source,
    account_ids: d.accountIds,
    filter_tags: d.filterTags,
    workload_arn: d.workloadArn.trim(),
    role_arn: optional(d.roleArn),
    external_id: optional(d.externalId),
    profile: optional(d.profile),
    notes_mode: d.notesMode,
  };
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const WORKLOAD_ARN = /^arn:aws[\w-]*:wellarchitected:[\w-]+:\d{12}:workload\/\w+$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * What keeps the form from being saved, each saying how to fix it (the engine checks the plan
 * again when it is written; this says so before a round trip). `taken`: the other targets' names.
 */
export function draftProblems(d: TargetDraft, taken: readonly string[]): string[] {
  const problems: string[] = [];
  const name = d.name.trim();
  if (!NAME.test(name)) {
    problems.push("Name: 1 to 64 letters, digits, dots, dashes or underscores (e.g. payments-prod).");
  } else if (taken.includes(name)) {
    problems.push(`Name: the plan already has a target named \u201c${name}\u201d.`);
  }
  if (d.accountIds.length === 0) problems.push("Accounts: pick at least one account whose checks are counted.");
  for (const tag of d.filterTags) {
    const problem = tagProblem(tag, d.source === "vision-one");
    if (problem) problems.push(`Tag \u201c${tag}\u201d: ${problem}.`);
  }
  if (!WORKLOAD_ARN.test(d.workloadArn.trim())) {
    problems.push(
      "Workload: pick one from the list, or paste its ARN (arn:aws:wellarchitected:REGION:ACCOUNT:workload/ID).",
    );
  }
  if (optional(d.roleArn) && !ROLE_ARN.test(d.roleArn.trim())) {
    problems.push("Role: an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), or empty for the credentials as they are.");
  }
  return problems;
}

/** A target's progress line while a plan runs. */
export function describeTargetProgress(e: ProgressEvent): string {
  switch (e.kind) {
    case "stage":
      return e.stage === "fetching-checks" ? "reading checks\u2026" : "writing\u2026";
    case "checks":
      return `${fmt(e.fetched)} checks counted`;
    case "written":
      return `${e.done} of ${e.total} questions written`;
    case "done":
      return e.ok ? "done" : "stopped";
  }
}

/** A target's result in a few words. */
export function outcomeText(o: TargetOutcome): string {
  switch (o.outcome) {
    case "previewed":
      return `${o.changed} of ${o.covered} questions would change`;
    case "done":
      return `done: ${o.changed} questions written`;
    case "partly-done":
      return `partly done: ${o.changed} written, ${o.failed} not`;
    default:
      return `failed: ${o.error ?? "unknown error"}`;
  }
}

/** The pill a result is shown in (the preview's question pills: done, human, error, same). */
export function outcomeTone(outcome: string): "done" | "change" | "human" | "error" | "same" {
  if (outcome === "done") return "done";
  if (outcome === "previewed") return "change";
  if (outcome === "partly-done") return "human";
  if (outcome === "failed") return "error";
  return "same";
}
