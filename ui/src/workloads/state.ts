// The Workloads screen's state: the plan on screen, each target's run, the switches, the editor.

import { computed, signal } from "@preact/signals-core";
import type { AccountView } from "../bindings/AccountView";
import type { AppError } from "../bindings/AppError";
import type { PlanView } from "../bindings/PlanView";
import type { SourceKind } from "../bindings/SourceKind";
import type { TargetOutcome } from "../bindings/TargetOutcome";
import type { WorkloadList } from "../bindings/WorkloadList";
import type { TargetDraft } from "./model";

export const plan = signal<PlanView | null>(null);
export const planError = signal<AppError | null>(null);

/** A plan run going on (its run ID), and what it is: a preview or a sync. */
export const planRun = signal<{ runId: number; sync: boolean } | null>(null);
/** Each target's state in the current or last run. */
export interface TargetRun {
  state: "waiting" | "running" | "finished";
  text: string;
  outcome: TargetOutcome | null;
}
export const targetRuns = signal<Readonly<Record<string, TargetRun>>>({});
export const runError = signal<AppError | null>(null);

/** A milestone before the first write of each review: on by default for plans. */
export const milestone = signal(true);
/** A summary in each pillar's notes: opt-in. */
export const pillarNotes = signal(false);

/** The target whose per-pillar scores the chart shows. */
export const chartTarget = signal<string | null>(null);

/** The editor: which target (null: a new one), opened afresh each time (`seq`). */
export const editing = signal<{ seq: number; previous: string | null; draft: TargetDraft } | null>(null);
export const editorProblems = signal<readonly string[]>([]);
export const editorAccounts = signal<readonly AccountView[] | null>(null);
export const editorWorkloads = signal<WorkloadList | null>(null);
export const editorBusy = signal<string | null>(null);
/** The chips of the editor's tag filter, and which accounts are ticked (the rest of the draft is
 *  plain text fields, read when saving). */
export const editorTags = signal<readonly string[]>([]);
export const editorAccountIds = signal<readonly string[]>([]);
/** The editor's product, which decides the tag rules and the account list. */
export const editorSource = signal<SourceKind | null>(null);

export const running = computed(() => planRun.value !== null);
export const confirmRemove = signal<string | null>(null);
