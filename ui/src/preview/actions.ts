// What the preview screen does: count, preview, push, retry, export, restore. Each action only
// changes state; the views that show that state follow by themselves.

import { batch } from "@preact/signals-core";
import { api, toAppError } from "../api";
import type { PreviewReport } from "../bindings/PreviewReport";
import type { PreviewRequest } from "../bindings/PreviewRequest";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import type { ReportOf } from "../bindings/ReportOf";
import type { SourceRequest } from "../bindings/SourceRequest";
import { EXPORT_FORMATS, exportFileName, fmt } from "../model";
import * as s from "../state";
import { addChip, tagProblem } from "../tags";
import { milestone } from "../workloads/state";

let nextRunId = 1;
/** Only the newest count may land: an older answer arriving late would show the wrong chips' count. */
let matchSeq = 0;

/** The configured account's count comes from its API (one or two requests); the demo's is local. */
export async function refreshMatchCount(): Promise<void> {
  const seq = ++matchSeq;
  const live = s.mode.value !== "demo";
  if (live) s.matchCount.value = null;
  try {
    const count = await api.tagMatchCount([...s.chips.value], previewSource());
    if (seq === matchSeq) {
      batch(() => {
        s.matchCount.value = count;
        if (live) s.chipError.value = null;
      });
    }
  } catch (e) {
    if (seq === matchSeq) s.chipError.value = toAppError(e).message;
  }
}

/** Adds a chip if the engine would take it; otherwise says why. The count follows at once, the
 *  preview (and so Push) waits for the user. */
export function addTag(value: string): boolean {
  const problem = tagProblem(value, s.visionOneConfigured.value);
  if (problem) {
    s.chipError.value = `Cannot add \u201c${value}\u201d: ${problem}.`;
    return false;
  }
  batch(() => {
    s.chipError.value = null;
    s.chips.value = addChip(s.chips.value, value);
  });
  void refreshMatchCount();
  return true;
}

export function removeTag(chip: string): void {
  batch(() => {
    s.chips.value = s.chips.value.filter((c) => c !== chip);
    s.chipError.value = null;
  });
  void refreshMatchCount();
}

export function setOptedOut(questionId: string, out: boolean): void {
  const next = new Set(s.optedOut.value);
  if (out) next.add(questionId);
  else next.delete(questionId);
  s.optedOut.value = next;
}

function describeProgress(e: ProgressEvent): string {
  switch (e.kind) {
    case "stage":
      return e.stage === "fetching-checks" ? "Reading checks\u2026" : "Writing the notes\u2026";
    case "checks":
      return `${fmt(e.fetched)} of ${fmt(e.total)} checks read`;
    case "written":
      return `${e.done} of ${e.total} questions written`;
    case "done":
      return e.ok ? "Done" : "Stopped";
  }
}

/** Whose checks the preview reads: the demo's, the guided setup's, or a plan target's. */
function previewSource(): SourceRequest {
  const target = s.planTarget.value;
  if (s.mode.value === "target" && target) return { kind: "target", name: target.name };
  return s.mode.value === "configured" ? { kind: "configured" } : { kind: "demo" };
}

function previewRequest(runId: number): PreviewRequest {
  const notesMode = s.mode.value === "target" ? (s.planTarget.value?.notes_mode ?? "replace-block") : "replace-block";
  return { run_id: runId, source: previewSource(), filter_tags: [...s.chips.value], notes_mode: notesMode };
}

/** Keeps the selected question if the new report has it, else selects the first that would change. */
function keepSelection(report: PreviewReport): void {
  const current = s.selected.value;
  if (!current || !report.questions.some((q) => q.question_id === current)) {
    s.selected.value = report.questions.find((q) => q.status === "would-change")?.question_id ?? null;
  }
}

export async function runPreview(): Promise<void> {
  if (s.runId.value !== null) return;
  const runId = nextRunId++;
  batch(() => {
    s.runId.value = runId;
    s.runError.value = null;
    s.progress.value = "Starting\u2026";
    s.chipError.value = null;
  });
  try {
    const report = await api.preview(previewRequest(runId), (e) => {
      s.progress.value = describeProgress(e);
    });
    batch(() => {
      s.report.value = report;
      s.pushed.value = null;
      s.exported.value = null;
      keepSelection(report);
      s.runId.value = null;
    });
  } catch (e) {
    batch(() => {
      s.runError.value = toAppError(e);
      s.runId.value = null;
    });
  }
}

/** One push run (the first one or a retry): progress while it writes, then the result. */
async function writeNotes(
  start: (runId: number, onEvent: (e: ProgressEvent) => void) => Promise<PreviewReport>,
): Promise<void> {
  const runId = nextRunId++;
  batch(() => {
    s.runId.value = runId;
    s.runError.value = null;
    s.pushing.value = { done: 0, total: 0 };
    s.progress.value = "Backing up the current notes\u2026";
    s.exported.value = null;
  });
  try {
    const result = await start(runId, (e) => {
      batch(() => {
        if (e.kind === "written") s.pushing.value = { done: e.done, total: e.total };
        s.progress.value = describeProgress(e);
      });
    });
    batch(() => {
      s.report.value = result;
      s.pushed.value = result;
    });
  } catch (e) {
    s.runError.value = toAppError(e);
  } finally {
    batch(() => {
      s.runId.value = null;
      s.pushing.value = null;
    });
  }
  void refreshBackups();
}

export async function push(): Promise<void> {
  if (s.runId.value !== null || !s.report.value) return;
  await writeNotes((runId, onEvent) =>
    api.push(
      {
        preview: previewRequest(runId),
        opted_out: [...s.optedOut.value],
        // A plan target's push saves a milestone first when the Workloads screen's switch is on.
        milestone: s.mode.value === "target" && milestone.value,
      },
      onEvent,
    ),
  );
}

/** Pushes again only what failed or was not written (the Rust side knows which). */
export async function retryFailed(): Promise<void> {
  if (s.runId.value !== null || !s.pushed.value) return;
  await writeNotes((runId, onEvent) => api.retryFailed(runId, onEvent));
}

export function cancelRun(): void {
  const runId = s.runId.value;
  if (runId !== null) void api.cancel(runId);
}

/** "Export report" as the chosen format: the Rust side opens the native save dialog and writes. */
export async function exportReport(of: ReportOf): Promise<void> {
  if (s.exporting.value) return;
  const format = s.exportFormat.value;
  const label = EXPORT_FORMATS.find((x) => x.format === format)?.label ?? format;
  batch(() => {
    s.exported.value = null;
    s.exporting.value = true;
  });
  try {
    // null: the user cancelled the dialog.
    const done = await api.exportReport(format, exportFileName(format, of, new Date()), of);
    if (done) {
      const saved = `Saved the ${label} report (${fmt(done.bytes)} bytes) to ${done.path}`;
      s.exported.value = { of, ok: true, text: done.warnings.length ? `${saved}. ${done.warnings.join(" ")}` : saved };
    }
  } catch (e) {
    const err = toAppError(e);
    s.exported.value = { of, ok: false, text: `${err.message} (${err.code})` };
  } finally {
    s.exporting.value = false;
  }
}

/** The backups of the workload on screen: the configured one's, or the demo's. */
export async function refreshBackups(): Promise<void> {
  try {
    const all = await api.listBackups();
    const configured =
      s.mode.value === "target" ? s.planTarget.value?.workload_arn : s.setup.value?.settings.aws?.workload_arn;
    const demoName = s.info.value?.demo_workload_name;
    batch(() => {
      s.backups.value = all.filter((b) =>
        s.mode.value === "demo" ? b.workload_name === demoName : b.workload_arn === configured,
      );
      s.restoreError.value = null;
    });
  } catch (e) {
    s.restoreError.value = toAppError(e);
  }
}

export async function askRestore(path: string): Promise<void> {
  s.restoreResult.value = null;
  try {
    const plan = await api.restorePlan(path);
    batch(() => {
      s.restorePlan.value = plan;
      s.restoreError.value = null;
    });
  } catch (e) {
    s.restoreError.value = toAppError(e);
  }
}

export async function doRestore(path: string): Promise<void> {
  try {
    const result = await api.restore(path, () => {});
    batch(() => {
      s.restoreResult.value = result;
      s.restorePlan.value = null;
      s.restoreError.value = null;
      s.pushed.value = null;
    });
  } catch (e) {
    s.restoreError.value = toAppError(e);
  }
  void refreshBackups();
  void runPreview();
}

export async function resetDemo(): Promise<void> {
  await api.resetDemo();
  await runPreview();
}
