// What the Workloads screen does: show the plan (the file, or the demo's), open another file,
// add, edit and remove targets, run the plan, and open one target's preview. Actions only change
// state; the views follow.

import { batch } from "@preact/signals-core";
import { api, toAppError } from "../api";
import type { PlanEvent } from "../bindings/PlanEvent";
import type { PlanView } from "../bindings/PlanView";
import type { Target } from "../bindings/Target";
import { refreshBackups, refreshMatchCount, runPreview } from "../preview/actions";
import * as s from "../state";
import { addChip } from "../tags";
import { describeTargetProgress, draftOf, draftProblems, emptyDraft, type TargetDraft, targetOf } from "./model";
import * as w from "./state";

/** Run IDs of plan runs; apart from the preview screen's (which count up from 1). */
let nextRunId = 1_000_000;
let editorSeq = 0;

function showPlan(view: PlanView): void {
  batch(() => {
    w.plan.value = view;
    w.planError.value = null;
    const names = view.targets.map((t) => t.target.name);
    if (!w.chartTarget.value || !names.includes(w.chartTarget.value)) {
      w.chartTarget.value = view.targets.find((t) => t.history.length > 0)?.target.name ?? null;
    }
  });
}

async function load(fetch: () => Promise<PlanView | null>): Promise<void> {
  try {
    const view = await fetch();
    if (view) showPlan(view);
  } catch (e) {
    w.planError.value = toAppError(e);
  }
}

/** The Workloads screen: the demo's plan in the demo, else the plan file. */
export function openWorkloads(): void {
  batch(() => {
    s.screen.value = "workloads";
    w.editing.value = null;
    w.targetRuns.value = {};
    w.runError.value = null;
  });
  void refreshPlan();
}

export function refreshPlan(): Promise<void> {
  return load(s.mode.value === "demo" ? api.demoPlan : api.planShow);
}

/** Opens another plan file (or names a new one) through the native dialog. */
export function choosePlanFile(): Promise<void> {
  return load(api.planChooseFile);
}

/** "Preview all" / "Sync all": every target, each showing its progress and result as it comes. */
export async function runPlan(sync: boolean): Promise<void> {
  const view = w.plan.value;
  if (w.planRun.value || !view || view.targets.length === 0) return;
  const runId = nextRunId++;
  const waiting: Record<string, w.TargetRun> = {};
  for (const t of view.targets) waiting[t.target.name] = { state: "waiting", text: "waiting", outcome: null };
  batch(() => {
    w.planRun.value = { runId, sync };
    w.targetRuns.value = waiting;
    w.runError.value = null;
  });
  try {
    await api.planRun(
      {
        run_id: runId,
        targets: [],
        sync,
        milestone: w.milestone.value,
        pillar_notes: w.pillarNotes.value,
        demo: view.demo,
      },
      onPlanEvent,
    );
  } catch (e) {
    w.runError.value = toAppError(e);
  } finally {
    w.planRun.value = null;
  }
  // The syncs just made are in the history now: the last sync and trend follow.
  if (sync) await refreshPlan();
}

function onPlanEvent(e: PlanEvent): void {
  const runs = { ...w.targetRuns.value };
  switch (e.kind) {
    case "started":
      runs[e.target] = { state: "running", text: "starting\u2026", outcome: null };
      break;
    case "progress":
      runs[e.target] = { state: "running", text: describeTargetProgress(e.event), outcome: null };
      break;
    case "finished":
      runs[e.result.target] = { state: "finished", text: "", outcome: e.result };
      break;
  }
  w.targetRuns.value = runs;
}

export function cancelPlanRun(): void {
  const run = w.planRun.value;
  if (run) void api.cancel(run.runId);
}

/** One target's preview in the preview screen, where it can be pushed as the app does today. */
export function previewTarget(target: Target): void {
  const demo = w.plan.value?.demo ?? false;
  batch(() => {
    s.screen.value = "preview";
    s.mode.value = demo ? "demo" : "target";
    s.planTarget.value = demo ? null : target;
    s.report.value = null;
    s.pushed.value = null;
    s.chips.value = [...target.filter_tags];
    s.matchCount.value = null;
    s.chipError.value = null;
  });
  void refreshBackups();
  void refreshMatchCount();
  void runPreview();
}

// The editor.

export function editTarget(target: Target | null): void {
  const source = s.setup.value?.settings.product ?? "vision-one";
  const draft = target ? draftOf(target) : emptyDraft(source);
  batch(() => {
    w.editing.value = { seq: ++editorSeq, previous: target?.name ?? null, draft };
    w.editorProblems.value = [];
    w.editorAccounts.value = null;
    w.editorWorkloads.value = null;
    w.editorBusy.value = null;
    w.editorTags.value = draft.filterTags;
    w.editorAccountIds.value = draft.accountIds;
    w.editorSource.value = draft.source;
  });
}

export function closeEditor(): void {
  w.editing.value = null;
}

async function editorCall<T>(busy: string, call: () => Promise<T>): Promise<T | null> {
  w.editorBusy.value = busy;
  try {
    return await call();
  } catch (e) {
    const err = toAppError(e);
    w.editorProblems.value = [`${err.message} (${err.code})`];
    return null;
  } finally {
    w.editorBusy.value = null;
  }
}

/** The accounts of the draft's product, through the key the setup saved (or the environment's). */
export async function loadAccounts(draft: TargetDraft): Promise<void> {
  const product = draft.source ?? s.setup.value?.settings.product ?? "vision-one";
  const accounts = await editorCall("Listing the accounts\u2026", () =>
    product === "vision-one" ? api.visionOneAccounts() : api.conformityAccounts(),
  );
  if (accounts) {
    batch(() => {
      w.editorAccounts.value = accounts;
      w.editorProblems.value = [];
    });
  }
}

export function toggleAccount(id: string, on: boolean): void {
  const ids = w.editorAccountIds.value.filter((x) => x !== id);
  w.editorAccountIds.value = on ? [...ids, id] : ids;
}

export function addEditorTag(value: string, visionOne: boolean, problem: (v: string, v1: boolean) => string | null) {
  const why = problem(value, visionOne);
  if (why) {
    w.editorProblems.value = [`Cannot add \u201c${value}\u201d: ${why}.`];
    return false;
  }
  batch(() => {
    w.editorTags.value = addChip(w.editorTags.value, value);
    w.editorProblems.value = [];
  });
  return true;
}

export function removeEditorTag(chip: string): void {
  w.editorTags.value = w.editorTags.value.filter((c) => c !== chip);
}

/** The workloads the profile's credentials see in the region, as the setup lists them. */
export async function loadWorkloads(profile: string, region: string): Promise<void> {
  const list = await editorCall("Listing the workloads\u2026", () =>
    api.awsWorkloads(profile.trim() === "" ? null : profile.trim(), region.trim()),
  );
  if (list) {
    batch(() => {
      w.editorWorkloads.value = list;
      w.editorProblems.value = [];
    });
  }
}

/** Saves the draft into the plan file (the engine checks it again and keeps the file's comments). */
export async function saveTarget(draft: TargetDraft): Promise<void> {
  const editing = w.editing.value;
  const view = w.plan.value;
  if (!editing || !view) return;
  const full = { ...draft, filterTags: [...w.editorTags.value], accountIds: [...w.editorAccountIds.value] };
  const taken = view.targets.map((t) => t.target.name).filter((n) => n !== editing.previous);
  const problems = draftProblems(full, taken);
  if (problems.length > 0) {
    w.editorProblems.value = problems;
    return;
  }
  const saved = await editorCall("Saving the plan\u2026", () => api.planSaveTarget(targetOf(full), editing.previous));
  if (saved) {
    batch(() => {
      showPlan(saved);
      w.editing.value = null;
    });
  }
}

export async function removeTarget(name: string): Promise<void> {
  try {
    showPlan(await api.planRemoveTarget(name));
  } catch (e) {
    w.planError.value = toAppError(e);
  }
}
