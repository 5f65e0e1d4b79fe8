// The app's state outside the setup wizard, as signals: the views that read a signal re-render
// when it changes (view.ts), so changing state is all an action does.

import { computed, signal } from "@preact/signals-core";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { ConnectionStatus } from "./bindings/ConnectionStatus";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { PreviewReport } from "./bindings/PreviewReport";
import type { ReportOf } from "./bindings/ReportOf";
import type { RestorePlan } from "./bindings/RestorePlan";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { TagMatchCount } from "./bindings/TagMatchCount";
import type { Target } from "./bindings/Target";
import { totals } from "./model";
import { sameChips } from "./tags";

export type Screen = "start" | "preview" | "wizard" | "settings" | "workloads";
/** Whose checks and workload: the built-in demo, the guided setup's, or a plan target's. */
export type Mode = "demo" | "configured" | "target";

export const info = signal<AppInfo | null>(null);
export const screen = signal<Screen>("start");
export const mode = signal<Mode>("demo");
/** The plan target the preview shows (mode "target"). */
export const planTarget = signal<Target | null>(null);
export const setup = signal<SetupStatus | null>(null);
export const connection = signal<ConnectionStatus | null>(null);
/** A connection check is under way. */
export const checking = signal(false);

// The tag filter.
export const chips = signal<readonly string[]>([]);
export const chipError = signal<string | null>(null);
export const matchCount = signal<TagMatchCount | null>(null);

// A preview or push run.
export const runId = signal<number | null>(null);
export const progress = signal("");
export const report = signal<PreviewReport | null>(null);
export const runError = signal<AppError | null>(null);
export const pushing = signal<{ done: number; total: number } | null>(null);
export const pushed = signal<PreviewReport | null>(null);

// The question list.
export const optedOut = signal<ReadonlySet<string>>(new Set());
export const selected = signal<string | null>(null);
export const pillarFilter = signal("all");

// Backups and restore.
export const backups = signal<readonly BackupInfo[]>([]);
export const restorePlan = signal<RestorePlan | null>(null);
export const restoreResult = signal<RestoreReport | null>(null);
export const restoreError = signal<AppError | null>(null);

// Export.
export const exportFormat = signal<ExportFormat>("html");
export const exporting = signal(false);
/** What the last export did, shown beside the control it came from. */
export const exported = signal<{ of: ReportOf; ok: boolean; text: string } | null>(null);

export const running = computed(() => runId.value !== null);

/** Vision One matches whole key::value tags only, so its help and checks differ from Conformity's. */
export const visionOneConfigured = computed(() => {
  const product = setup.value?.settings.product;
  if (mode.value === "target") return (planTarget.value?.source ?? product) === "vision-one";
  return mode.value === "configured" && product === "vision-one";
});

export const currentTotals = computed(() => (report.value ? totals(report.value, optedOut.value) : null));

/** The tags changed since the preview on screen: a push must not write what the user has not seen. */
export const previewStale = computed(() => !!report.value && !sameChips(report.value.filter_tags, chips.value));

/** Where a push writes, as the screens name it; null when nothing can be pushed to. */
export const pushTarget = computed(() => {
  if (mode.value === "demo") return "the demo workload";
  if (mode.value === "target") return planTarget.value ? `the workload of \u201c${planTarget.value.name}\u201d` : null;
  const name = setup.value?.settings.aws?.workload_name;
  return name ? `\u201c${name}\u201d` : null;
});
