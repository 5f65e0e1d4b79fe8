// The wa-sync app's UI: start screen, tag filter builder, per-pillar chart, question list with
// status and opt-out, note diff, and what was left out.

import "./styles.css";
import { api, toAppError } from "./api";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { PreviewReport } from "./bindings/PreviewReport";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { QuestionReport } from "./bindings/QuestionReport";
import type { TagMatchCount } from "./bindings/TagMatchCount";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { RestorePlan } from "./bindings/RestorePlan";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { ReportOf } from "./bindings/ReportOf";
import { drawPillarChart } from "./chart";
import { diffStats, lineDiff } from "./diff";
import { h, replace } from "./dom";
import {
  counted,
  EXPORT_FORMATS,
  PILLARS,
  RISKS,
  canOptOut,
  exportFileName,
  fmt,
  formatScore,
  groupByPillar,
  pushOutcome,
  retryCount,
  leftOutRows,
  pillarName,
  score,
  statusView,
  totals,
} from "./model";
import { TAG_HELP, TAG_HELP_VISION_ONE, addChip, chipKind, sameChips, tagProblem } from "./tags";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { ConnectionStatus } from "./bindings/ConnectionStatus";
import type { PartStatus } from "./bindings/PartStatus";
import { openWizard } from "./wizard";
import { VISION_ONE_BETA, badgeView, productName } from "./setup-model";

interface State {
  info: AppInfo | null;
  screen: "start" | "preview" | "wizard" | "settings";
  /** Whose checks and workload: the built-in demo, or the guided setup's. */
  mode: "demo" | "configured";
  setup: SetupStatus | null;
  connection: ConnectionStatus | null;
  checking: boolean;
  chips: string[];
  chipError: string | null;
  matchCount: TagMatchCount | null;
  runId: number | null;
  nextRunId: number;
  progress: string;
  report: PreviewReport | null;
  error: AppError | null;
  optedOut: Set<string>;
  selected: string | null;
  pillarFilter: string;
  pushing: { done: number; total: number } | null;
  pushed: PreviewReport | null;
  backups: BackupInfo[];
  restorePlan: RestorePlan | null;
  restoreResult: RestoreReport | null;
  restoreError: AppError | null;
  exportFormat: ExportFormat;
  exporting: boolean;
  /** What the last export did, shown beside the control it came from. */
  exported: { of: ReportOf; ok: boolean; text: string } | null;
}

const state: State = {
  info: null,
  screen: "start",
  mode: "demo",
  setup: null,
  connection: null,
  checking: false,
  chips: [],
  chipError: null,
  matchCount: null,
  runId: null,
  nextRunId: 1,
  progress: "",
  report: null,
  error: null,
  optedOut: new Set(),
  selected: null,
  pillarFilter: "all",
  pushing: null,
  pushed: null,
  backups: [],
  restorePlan: null,
  restoreResult: null,
  restoreError: null,
  exportFormat: "html",
  exporting: false,
  exported: null,
};

const app = document.getElementById("app")!;

// ---------- start screen ----------

function renderStart(): void {
  const info = state.info;
  replace(
    app,
    h(
      "section",
      { class: "start", testid: "start-screen" },
      h("h1", {}, "See what your Conformity checks say, question by question"),
      h(
        "p",
        {},
        "wa-sync counts Trend Micro Conformity checks per AWS Well-Architected question and writes a " +
          "Check Summary Report into each question's notes. Preview first: nothing is written until you push.",
      ),
      h(
        "div",
        { class: "start-card" },
        h("span", { class: "demo-tag" }, "DEMO"),
        h("h2", {}, "Try with demo data"),
        h(
          "p",
          {},
          `Runs the whole preview on built-in demo data (${info?.demo_account_name ?? "a sample account"}). ` +
            "No account, API key or network is used.",
        ),
        h("button", { class: "primary", testid: "try-demo", onclick: () => startDemo() }, "Try with demo data"),
      ),
      configuredCard(),
    ),
  );
}

function configuredCard(): HTMLElement {
  const s = state.setup?.settings;
  if (!s?.account) {
    return h(
      "div",
      { class: "start-card" },
      h("h2", {}, "Connect your Conformity or Vision One account"),
      h("p", {}, "A few steps: API key, account, AWS workload and a least-privilege role, each explained."),
      h("button", { testid: "open-setup", onclick: () => openSetup() }, "Start the setup"),
    );
  }
  return h(
    "div",
    { class: "start-card", testid: "start-configured-card" },
    h("h2", {}, `Preview ${s.account.name}`),
    h(
      "p",
      {},
      s.aws?.workload_name
        ? `Checks of ${s.account.name} against the notes of the workload “${s.aws.workload_name}” (${s.aws.region}).`
        : `Checks of ${s.account.name}; no workload is set up, so nothing can be pushed yet.`,
    ),
    h("button", { class: "primary", testid: "start-configured", onclick: () => startConfigured() }, "Run the preview"),
  );
}

function startDemo(): void {
  state.screen = "preview";
  state.mode = "demo";
  state.report = null;
  state.pushed = null;
  document.querySelector<HTMLElement>("[data-testid=demo-badge]")!.hidden = false;
  renderPreviewScreen();
  void refreshMatchCount();
  void runPreview();
}

function startConfigured(): void {
  state.screen = "preview";
  state.mode = "configured";
  state.report = null;
  state.pushed = null;
  state.chips = [];
  state.matchCount = null;
  state.chipError = null;
  document.querySelector<HTMLElement>("[data-testid=demo-badge]")!.hidden = true;
  renderPreviewScreen();
  void refreshMatchCount();
  void runPreview();
}

// ---------- setup, settings and the connection badge ----------

function openSetup(step?: "conformity" | "account" | "aws" | "role" | "done"): void {
  state.screen = "wizard";
  document.querySelector<HTMLElement>("[data-testid=demo-badge]")!.hidden = true;
  void openWizard(
    app,
    {
      onDone: () => {
        void refreshSetup().then(() => startConfigured());
      },
      onDemo: () => startDemo(),
      onChange: () => void refreshSetup(),
    },
    step,
  );
}

async function refreshSetup(): Promise<void> {
  try {
    state.setup = await api.setupStatus();
  } catch {
    /* the badge says "not set up" */
  }
  void refreshConnection();
}

let connectionSeq = 0;

async function refreshConnection(): Promise<void> {
  const seq = ++connectionSeq;
  state.checking = true;
  renderBadge();
  try {
    const c = await api.connectionStatus();
    if (seq === connectionSeq) state.connection = c;
  } catch {
    if (seq === connectionSeq) state.connection = null;
  }
  if (seq === connectionSeq) state.checking = false;
  renderBadge();
  if (state.screen === "settings") renderSettings();
}

function renderBadge(): void {
  const badge = document.querySelector<HTMLButtonElement>("[data-testid=connection-badge]");
  if (!badge) return;
  const view = badgeView(state.connection, state.checking, state.setup?.settings.product);
  badge.textContent = view.text;
  badge.className = `conn-badge ${view.tone}`;
  badge.hidden = false;
  badge.onclick = () => {
    state.screen = "settings";
    renderSettings();
    void refreshConnection();
  };
}

function partRow(label: string, p: PartStatus | undefined, testid: string): HTMLElement {
  const tone = !p ? "muted" : p.state === "ok" ? "ok" : p.state === "failed" ? "bad" : "muted";
  const word = !p ? "checking…" : p.state === "ok" ? "works" : p.state === "failed" ? "fails" : "not set up";
  return h(
    "tr",
    { testid },
    h("th", {}, label),
    h("td", {}, h("span", { class: `flag ${tone}` }, word)),
    h("td", { class: "small" }, p?.detail ?? ""),
  );
}

function renderSettings(): void {
  const c = state.connection;
  // Before the first setup there is nothing to check: say what setting up gives instead of a
  // table of parts that are all "not set up".
  const firstRun = !state.setup?.settings.setup_done;
  replace(
    app,
    h(
      "section",
      { class: "settings", testid: "settings-screen" },
      h("h1", {}, "Connection"),
      firstRun
        ? h(
            "p",
            { testid: "first-run" },
            "wa-sync is not set up yet. The guided setup takes you from your API key to the account, the AWS " +
              "workload and a role that may write its notes, one step at a time; the demo needs none of it.",
          )
        : h(
            "table",
            { class: "summary-table", testid: "connection-parts" },
            h(
              "tbody",
              {},
              partRow(productName(state.setup?.settings.product), c?.conformity, "conn-conformity"),
              partRow("Workload", c?.workload, "conn-workload"),
              partRow("Role", c?.role, "conn-role"),
            ),
          ),
      !firstRun && state.checking ? h("p", { class: "muted small" }, "Checking with live calls…") : null,
      h(
        "div",
        { class: "run-buttons" },
        firstRun
          ? h("button", { class: "primary", testid: "first-setup", onclick: () => openSetup() }, "Set up")
          : h("button", { class: "primary", testid: "rerun-setup", onclick: () => openSetup("conformity") }, "Run the setup again"),
        firstRun ? null : h("button", { testid: "recheck", onclick: () => void refreshConnection() }, "Check again"),
        state.setup?.settings.account
          ? h("button", { testid: "settings-preview", onclick: () => startConfigured() }, "Preview")
          : null,
        h("button", { testid: "settings-demo", onclick: () => startDemo() }, "Demo"),
      ),
      h("p", { class: "muted small" }, `Settings file (no secrets): ${state.setup?.settings_path ?? ""}`),
    ),
  );
}

// ---------- preview screen skeleton ----------

const sections = {
  tags: h("div", { class: "card tags", testid: "tag-builder" }),
  run: h("div", { class: "card run", testid: "run-panel" }),
  summary: h("div", { class: "summary", testid: "summary" }),
  chart: h("div", { class: "card chart-card" }),
  leftOut: h("div", { class: "card", testid: "left-out" }),
  restore: h("div", { class: "card", testid: "restore-panel" }),
  questions: h("div", { class: "card questions", testid: "question-list" }),
  detail: h("div", { class: "card detail", testid: "question-detail" }),
};

function banner(): HTMLElement {
  if (state.mode === "configured") {
    const s = state.setup?.settings;
    return h(
      "div",
      { class: "configured-banner", testid: "configured-banner" },
      h("strong", {}, s?.account?.name ?? productName(s?.product)),
      s?.product === "vision-one" ? ` (Vision One Cloud Posture)` : "",
      s?.aws?.workload_name
        ? ` \u2192 workload \u201c${s.aws.workload_name}\u201d (${s.aws.region})${s.role?.role_arn && s.role.writer !== "hosted" ? ", through role " + (s.role.role_arn.split("/").pop() ?? "") : ""}. Preview reads; only Push writes, after a backup.`
        : " \u2014 no workload set up: the preview shows the notes without comparing them.",
      s?.product === "vision-one" ? h("div", { class: "muted small", testid: "visionone-beta-banner" }, VISION_ONE_BETA) : null,
    );
  }
  return h(
    "div",
    { class: "demo-banner", testid: "demo-banner" },
    h("strong", {}, "DEMO DATA"),
    ` \u2014 checks of ${state.info?.demo_account_name ?? "the demo account"}, notes of the simulated ` +
      `\u201c${state.info?.demo_workload_name ?? "demo workload"}\u201d kept on this computer. Nothing is sent anywhere.`,
  );
}

function renderPreviewScreen(): void {
  replace(
    app,
    banner(),
    h("div", { class: "controls" }, sections.tags, sections.run),
    sections.summary,
    h(
      "div",
      { class: "grid" },
      h("div", { class: "col-left" }, sections.chart, sections.leftOut, sections.restore),
      h("div", { class: "col-right" }, sections.questions),
    ),
    sections.detail,
  );
  renderTags();
  renderRun();
  renderReport();
  void refreshBackups();
}

// ---------- tag filter builder ----------

let matchSeq = 0;

/** Vision One matches whole key::value tags only, so its help differs from Conformity's. */
function visionOneConfigured(): boolean {
  return state.mode === "configured" && state.setup?.settings.product === "vision-one";
}

/** The configured account's count comes from its API (one or two requests); the demo's is local. */
async function refreshMatchCount(): Promise<void> {
  const seq = ++matchSeq;
  const live = state.mode === "configured";
  if (live) {
    state.matchCount = null;
    renderTags();
  }
  try {
    const count = await api.tagMatchCount(state.chips, live ? { kind: "configured" } : { kind: "demo" });
    if (seq === matchSeq) {
      state.matchCount = count;
      if (live) state.chipError = null;
    }
  } catch (e) {
    if (seq === matchSeq) state.chipError = toAppError(e).message;
  }
  renderTags();
}

/** The count follows the chips at once; the preview (and so Push) waits for the user. */
function chipsChanged(): void {
  void refreshMatchCount();
  renderRun();
}

/** "4,886 of 7,000 demo checks match", or the configured account's count in its product. */
function matchCountText(): string {
  const count = state.matchCount;
  if (state.mode === "demo") {
    return count ? `${fmt(count.matching)} of ${fmt(count.total)} demo checks match` : "counting\u2026";
  }
  const product = productName(state.setup?.settings.product);
  if (count) return `${fmt(count.matching)} of ${fmt(count.total)} checks in ${product} match`;
  return state.chipError ? `${product} cannot count these tags.` : `counting in ${product}\u2026`;
}

function renderTags(): void {
  const input = h("input", {
    type: "text",
    placeholder: "Environment::production",
    "aria-label": "Tag",
    testid: "tag-input",
    spellcheck: "false",
  });
  const add = () => {
    const value = input.value;
    const problem = tagProblem(value, visionOneConfigured());
    if (problem) {
      state.chipError = `Cannot add \u201c${value}\u201d: ${problem}.`;
      renderTags();
      return;
    }
    state.chipError = null;
    state.chips = addChip(state.chips, value);
    chipsChanged();
  };
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") add();
  });
  replace(
    sections.tags,
    h("h3", {}, "Tag filter"),
    h(
      "div",
      { class: "chips", testid: "tag-chips" },
      state.chips.length === 0 ? h("span", { class: "muted" }, "No tags: every check is used.") : null,
      ...state.chips.map((chip) =>
        h(
          "span",
          { class: "chip", testid: "tag-chip", title: chipKind(chip) },
          chip,
          h(
            "button",
            {
              class: "chip-x",
              "aria-label": `Remove ${chip}`,
              onclick: () => {
                state.chips = state.chips.filter((c) => c !== chip);
                state.chipError = null;
                chipsChanged();
              },
            },
            "\u00d7",
          ),
        ),
      ),
    ),
    h("div", { class: "tag-add" }, input, h("button", { testid: "tag-add", onclick: add }, "Add tag")),
    state.chipError ? h("p", { class: "error", testid: "tag-error" }, state.chipError) : null,
    h(
      "p",
      { class: "count", testid: "tag-match-count" },
      matchCountText(),
    ),
    h("p", { class: "help", testid: "tag-help" }, visionOneConfigured() ? TAG_HELP_VISION_ONE : TAG_HELP),
  );
}

// ---------- running ----------

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

async function runPreview(): Promise<void> {
  if (state.runId !== null) return;
  const runId = state.nextRunId++;
  state.runId = runId;
  state.error = null;
  state.progress = "Starting\u2026";
  if (state.chipError) {
    state.chipError = null;
    renderTags();
  }
  renderRun();
  try {
    const report = await api.preview(
      request(runId),
      (e) => {
        state.progress = describeProgress(e);
        renderRun();
      },
    );
    state.report = report;
    state.pushed = null;
    state.exported = null;
    const first = report.questions.find((q) => q.status === "would-change");
    if (!state.selected || !report.questions.some((q) => q.question_id === state.selected)) {
      state.selected = first?.question_id ?? null;
    }
  } catch (e) {
    state.error = toAppError(e);
  } finally {
    state.runId = null;
  }
  renderRun();
  renderReport();
}

function request(runId: number) {
  const source = state.mode === "configured" ? { kind: "configured" as const } : { kind: "demo" as const };
  return { run_id: runId, source, filter_tags: state.chips, notes_mode: "replace-block" };
}

function pushTarget(): string | null {
  if (state.mode === "demo") return "the demo workload";
  const name = state.setup?.settings.aws?.workload_name;
  return name ? `\u201c${name}\u201d` : null;
}

async function push(): Promise<void> {
  if (state.runId !== null || !state.report) return;
  await writeNotes((runId, onEvent) =>
    api.push({ preview: request(runId), opted_out: [...state.optedOut] }, onEvent),
  );
}

/** One push run (the first one or a retry): progress while it writes, then the result. */
async function writeNotes(
  start: (runId: number, onEvent: (e: ProgressEvent) => void) => Promise<PreviewReport>,
): Promise<void> {
  const runId = state.nextRunId++;
  state.runId = runId;
  state.error = null;
  state.pushing = { done: 0, total: 0 };
  state.progress = "Backing up the current notes\u2026";
  state.exported = null;
  renderRun();
  try {
    const result = await start(runId, (e) => {
      if (e.kind === "written") state.pushing = { done: e.done, total: e.total };
      state.progress = describeProgress(e);
      renderRun();
    });
    state.report = result;
    state.pushed = result;
  } catch (e) {
    state.error = toAppError(e);
  } finally {
    state.runId = null;
    state.pushing = null;
  }
  renderRun();
  renderReport();
  void refreshBackups();
}

function renderPushResult(r: PreviewReport): HTMLElement {
  const o = pushOutcome(r);
  const retry = retryCount(o);
  const row = (label: string, n: number, testid?: string) =>
    h("tr", testid ? { testid } : {}, h("td", {}, label), h("td", { class: "num" }, n));
  return h(
    "div",
    { class: "push-result", testid: "push-result" },
    h("h4", {}, "Push result"),
    o.notWritten.length
      ? h(
          "p",
          { class: "warning small", testid: "push-cancelled" },
          `Cancelled: ${counted(o.written.length, "question")} written before the cancel, ${o.notWritten.length} not written.`,
        )
      : null,
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        row("Written", o.written.length, "push-written"),
        row("Unchanged", o.unchanged.length),
        row("Left out by you", o.leftOut.length),
        o.notWritten.length ? row("Not written (cancelled)", o.notWritten.length, "push-not-written") : null,
        o.changed.length ? row("Edited meanwhile: not written", o.changed.length, "push-changed") : null,
        row("Failed", o.failed.length, "push-failed"),
        ...o.failed.map((q) => h("tr", { class: "error" }, h("td", {}, q.number), h("td", { class: "small" }, q.error ?? ""))),
        ...o.changed.map((q) =>
          h("tr", { class: "error" }, h("td", {}, q.number), h("td", { class: "small" }, "edited by someone else after the preview read it: preview again")),
        ),
      ),
    ),
    o.changed.length
      ? h(
          "p",
          { class: "warning small", testid: "push-preview-again" },
          `${counted(o.changed.length, "question")} changed in the workload since the preview: preview again to include the edits.`,
        )
      : null,
    retry
      ? h(
          "button",
          { testid: "retry-failed", title: "Previews again, backs up the notes, then writes only these questions", onclick: () => void retryFailed() },
          o.notWritten.length ? `Write the ${retry} left` : `Retry the ${retry} failed`,
        )
      : null,
    r.backup
      ? h(
          "p",
          { class: "muted small", testid: "push-backup" },
          `Backup of the notes before: ${r.backup} `,
          h("button", { class: "link", testid: "push-restore", onclick: () => void askRestore(r.backup!) }, "Restore…"),
        )
      : null,
    exportControl("result"),
  );
}

async function retryFailed(): Promise<void> {
  if (state.runId !== null || !state.pushed) return;
  await writeNotes((runId, onEvent) => api.retryFailed(runId, onEvent));
}

// ---------- export ----------

/** "Export report" as [format] → the Rust side opens the native save dialog and writes the file. */
function exportControl(of: ReportOf): HTMLElement {
  const select = h(
    "select",
    { testid: `export-format-${of}`, "aria-label": "Report format", disabled: state.exporting },
    ...EXPORT_FORMATS.map((f) => h("option", { value: f.format, selected: f.format === state.exportFormat }, f.label)),
  );
  select.addEventListener("change", () => {
    state.exportFormat = select.value as ExportFormat;
  });
  const done = state.exported?.of === of ? state.exported : null;
  return h(
    "div",
    { class: "export", testid: `export-${of}` },
    h(
      "button",
      {
        testid: `export-report-${of}`,
        disabled: state.exporting || state.runId !== null,
        title: of === "result" ? "The push result: what was written, unchanged or failed" : "The preview: every pillar, question and rule",
        onclick: () => void exportReport(of),
      },
      state.exporting ? "Exporting\u2026" : "Export report",
    ),
    " as ",
    select,
    done ? h("p", { class: done.ok ? "ok small" : "error small", testid: `export-done-${of}` }, done.text) : null,
  );
}

async function exportReport(of: ReportOf): Promise<void> {
  if (state.exporting) return;
  const format = state.exportFormat;
  const f = EXPORT_FORMATS.find((x) => x.format === format)!;
  state.exported = null;
  state.exporting = true;
  renderRun();
  try {
    // The Rust side opens the save dialog and writes where the user chose; null: cancelled.
    const done = await api.exportReport(format, exportFileName(format, of, new Date()), of);
    if (done) {
      const saved = `Saved the ${f.label} report (${fmt(done.bytes)} bytes) to ${done.path}`;
      state.exported = { of, ok: true, text: done.warnings.length ? `${saved}. ${done.warnings.join(" ")}` : saved };
    }
  } catch (e) {
    const err = toAppError(e);
    state.exported = { of, ok: false, text: `${err.message} (${err.code})` };
  } finally {
    state.exporting = false;
  }
  renderRun();
}

function renderRun(): void {
  const running = state.runId !== null;
  const t = state.report ? totals(state.report, state.optedOut) : null;
  const target = pushTarget();
  // A push previews again with the current chips; it must not write what the user has not seen.
  const stale = !!state.report && !sameChips(state.report.filter_tags, state.chips);
  const canPush = !!state.info?.can_push && !!target && !!t && t.wouldChange > 0 && !running && !stale;
  replace(
    sections.run,
    h("h3", {}, "Preview and push"),
    h("p", { class: "muted small" }, "Preview counts the checks and shows each question's new notes; nothing is written until you push."),
    h(
      "div",
      { class: "run-buttons" },
      h("button", { class: "primary", testid: "run-preview", disabled: running, onclick: () => void runPreview() }, running && !state.pushing ? "Running\u2026" : "Run preview"),
      h(
        "button",
        { class: "push", testid: "push", disabled: !canPush, onclick: () => void push() },
        t && target && !stale ? `Push ${t.wouldChange} to ${target}` : "Push",
      ),
      running
        ? h("button", { testid: "cancel-preview", onclick: () => void api.cancel(state.runId!) }, "Cancel")
        : null,
    ),
    running
      ? state.pushing && state.pushing.total > 0
        ? h("progress", { testid: "progress", max: state.pushing.total, value: state.pushing.done })
        : h("progress", { testid: "progress" })
      : null,
    h("p", { class: "progress-text", testid: "progress-text" }, state.progress),
    stale && !running
      ? h("p", { class: "warning small", testid: "preview-stale" }, "The tags changed since this preview: run the preview again to see what a push would write.")
      : null,
    state.error
      ? h("p", { class: "error", testid: "preview-error" }, `${state.error.message} (${state.error.code})`)
      : null,
    state.report && !state.pushed && !running ? exportControl("preview") : null,
    state.pushed && !running ? renderPushResult(state.pushed) : null,
  );
}

// ---------- restore ----------

async function refreshBackups(): Promise<void> {
  try {
    const all = await api.listBackups();
    const configured = state.setup?.settings.aws?.workload_arn;
    state.backups = all.filter((b) =>
      state.mode === "configured" ? b.workload_arn === configured : b.workload_name === state.info?.demo_workload_name,
    );
    state.restoreError = null;
  } catch (e) {
    state.restoreError = toAppError(e);
  }
  renderRestore();
}

async function askRestore(path: string): Promise<void> {
  state.restoreResult = null;
  try {
    state.restorePlan = await api.restorePlan(path);
    state.restoreError = null;
  } catch (e) {
    state.restoreError = toAppError(e);
  }
  renderRestore();
}

async function doRestore(path: string): Promise<void> {
  try {
    state.restoreResult = await api.restore(path, () => {});
    state.restorePlan = null;
    state.restoreError = null;
    state.pushed = null;
  } catch (e) {
    state.restoreError = toAppError(e);
  }
  renderRestore();
  void refreshBackups();
  void runPreview();
}

/** What a backup was taken before, as the screens name it ("a push", "a restore"). */
function backupReason(reason: string): string {
  return reason === "sync" ? "a push" : `a ${reason}`;
}

function renderRestore(): void {
  const plan = state.restorePlan;
  const result = state.restoreResult;
  replace(
    sections.restore,
    h("h3", {}, "Restore from a backup"),
    state.backups.length === 0
      ? h("p", { class: "muted", testid: "no-backups" }, "No backups yet: every push backs up the notes it replaces.")
      : h(
          "table",
          { class: "backups", testid: "backup-list" },
          h("thead", {}, h("tr", {}, h("th", {}, "Taken"), h("th", {}, "Before"), h("th", { class: "num" }, "Questions"), h("th", {}, ""))),
          h(
            "tbody",
            {},
            ...state.backups.map((b, i) =>
              h(
                "tr",
                { testid: `backup-${i}` },
                h("td", {}, b.created_at.replace("T", " ").replace("Z", " UTC")),
                h("td", {}, backupReason(b.reason)),
                h("td", { class: "num" }, b.changed_questions),
                h("td", {}, h("button", { testid: `restore-${i}`, onclick: () => void askRestore(b.path) }, "Restore\u2026")),
              ),
            ),
          ),
        ),
    plan
      ? h(
          "div",
          { class: "confirm", testid: "restore-confirm" },
          plan.put_back.length === 0
            ? h("p", {}, "The workload's notes are already as in this backup: nothing to put back.")
            : h("p", {}, h("strong", {}, counted(plan.put_back.length, "question")), ` ${plan.put_back.length === 1 ? "gets its" : "get their"} notes from ${plan.created_at} back:`),
          h(
            "ul",
            { class: "put-back" },
            ...plan.put_back.map((q) => {
              const d = diffStats(lineDiff(q.notes_now, q.notes_restored));
              return h(
                "li",
                {},
                q.title,
                " ",
                h("span", { class: "muted small" }, `(+${d.added} \u2212${d.removed} lines${q.notes_restored === "" ? "; back to empty" : ""})`),
              );
            }),
          ),
          plan.kept.length
            ? h(
                "p",
                { class: "small", testid: "restore-kept" },
                `Left as they are, since someone else's text is in them now: ${plan.kept.join(", ")}.`,
              )
            : null,
          h(
            "div",
            { class: "run-buttons" },
            h("button", { class: "primary", testid: "restore-confirm-yes", disabled: plan.put_back.length === 0, onclick: () => void doRestore(plan.path) }, "Put these notes back"),
            h("button", { testid: "restore-confirm-no", onclick: () => { state.restorePlan = null; renderRestore(); } }, "Cancel"),
          ),
        )
      : null,
    result
      ? h(
          "p",
          { class: "ok", testid: "restore-result" },
          `Restored ${counted(result.questions.filter((q) => q.status === "written").length, "question")}` +
            (result.questions.some((q) => q.status === "failed") ? `; ${result.questions.filter((q) => q.status === "failed").length} failed` : "") +
            ". The notes it replaced were backed up too.",
        )
      : null,
    state.restoreError ? h("p", { class: "error", testid: "restore-error" }, state.restoreError.message) : null,
    state.mode === "demo"
      ? h(
          "p",
          { class: "small" },
          h("button", { class: "link", testid: "reset-demo", onclick: () => void api.resetDemo().then(() => runPreview()) }, "Reset the demo workload"),
        )
      : null,
  );
}

// ---------- report ----------

function renderReport(): void {
  const r = state.report;
  if (!r) {
    replace(sections.summary);
    replace(sections.chart, h("h3", {}, "Pillars"), h("p", { class: "muted" }, "Run a preview to see the pillars."));
    replace(sections.leftOut);
    replace(sections.questions);
    replace(sections.detail);
    return;
  }
  const t = totals(r, state.optedOut);
  replace(
    sections.summary,
    stat("Checks read", r.checks.fetched, "checks-fetched"),
    stat("Counted", r.checks.counted, "checks-counted"),
    stat("Left out", Object.values(r.checks.left_out).reduce((a, b) => a + Number(b), 0), "checks-left-out"),
    t.written ? stat("Written", t.written, "total-written", "done") : null,
    stat("Would change", t.wouldChange, "total-would-change"),
    stat("Unchanged", t.unchanged, "total-unchanged"),
    stat("Need a human answer", t.notCovered, "total-not-covered", "human"),
    t.optedOut ? stat("Left out by you", t.optedOut, "total-opted-out") : null,
    t.failed ? stat("Cannot write", t.failed, "total-failed", "error") : null,
  );
  renderChart(r);
  renderLeftOut(r);
  renderQuestions(r);
  renderDetail(r);
}

function stat(label: string, value: number | bigint, testid: string, tone = ""): HTMLElement {
  return h(
    "div",
    { class: `stat ${tone}`, testid },
    h("span", { class: "stat-value" }, fmt(value)),
    h("span", { class: "stat-label" }, label),
  );
}

function renderChart(r: PreviewReport): void {
  const canvas = h("canvas", { testid: "pillar-chart", "aria-label": "Checks per pillar by risk level", role: "img" });
  replace(
    sections.chart,
    h("h3", {}, "Pillars"),
    h("p", { class: "muted small" }, "Failures and successes by risk level. Score = successes / total."),
    h("div", { class: "chart-box" }, canvas),
    h(
      "table",
      { class: "scores", testid: "pillar-scores" },
      h("thead", {}, h("tr", {}, h("th", {}, "Pillar"), h("th", {}, "Successes"), h("th", {}, "Failures"), h("th", {}, "Score"))),
      h(
        "tbody",
        {},
        ...r.pillars.map((p) =>
          h(
            "tr",
            { testid: `pillar-${p.pillar_id}` },
            h("td", {}, pillarName(p.pillar_id)),
            h("td", { class: "num" }, fmt(p.successes)),
            h("td", { class: "num" }, fmt(p.failures)),
            h("td", { class: "num" }, formatScore(score(Number(p.successes), Number(p.failures)))),
          ),
        ),
      ),
    ),
  );
  drawPillarChart(canvas, r.pillars);
}

function renderLeftOut(r: PreviewReport): void {
  const rows = leftOutRows(r.checks.left_out);
  replace(
    sections.leftOut,
    h("h3", {}, "Left out of the counts"),
    h(
      "table",
      { class: "left-out" },
      h(
        "tbody",
        {},
        ...rows.map((row) =>
          h(
            "tr",
            { testid: `left-out-${row.key}` },
            h("td", {}, row.label),
            h("td", { class: "num" }, fmt(row.count)),
            h("td", { class: "muted small" }, row.reason),
          ),
        ),
      ),
    ),
    r.unmapped_rules.length
      ? h(
          "details",
          { testid: "unmapped-rules" },
          h("summary", {}, `${r.unmapped_rules.length} unmapped rules`),
          h(
            "table",
            {},
            h(
              "tbody",
              {},
              ...r.unmapped_rules.map((u) =>
                h(
                  "tr",
                  {},
                  h("td", { class: "mono" }, u.rule_id),
                  h("td", { class: "num" }, fmt(u.checks)),
                  h("td", { class: "muted small" }, u.reason),
                ),
              ),
            ),
          ),
        )
      : null,
    ...r.warnings.map((w) => h("p", { class: "warning", testid: "warning" }, w)),
  );
}

function renderQuestions(r: PreviewReport): void {
  const groups = groupByPillar(r.questions);
  const filter = h(
    "select",
    { testid: "pillar-filter", "aria-label": "Pillar" },
    h("option", { value: "all" }, "All pillars"),
    ...PILLARS.map((p) => h("option", { value: p.id }, p.name)),
  );
  filter.value = state.pillarFilter;
  filter.addEventListener("change", () => {
    state.pillarFilter = filter.value;
    renderQuestions(r);
  });
  const body: HTMLElement[] = [];
  for (const [pillarId, questions] of groups) {
    if (state.pillarFilter !== "all" && state.pillarFilter !== pillarId) continue;
    body.push(h("tr", { class: "group" }, h("td", { colspan: 6 }, pillarName(pillarId))));
    for (const q of questions) body.push(questionRow(q));
  }
  replace(
    sections.questions,
    h("div", { class: "list-head" }, h("h3", {}, "Questions"), filter),
    h(
      "div",
      { class: "list-scroll" },
      h(
        "table",
        { class: "qtable" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { title: "Untick to leave a question's notes as they are" }, "Write"),
            h("th", {}, "Question"),
            h("th", { class: "num" }, "OK"),
            h("th", { class: "num" }, "Fail"),
            h("th", {}, "Status"),
          ),
        ),
        h("tbody", {}, ...body),
      ),
    ),
  );
}

function questionRow(q: QuestionReport): HTMLElement {
  const opted = state.optedOut.has(q.question_id);
  const view = statusView(q.status, opted);
  const box = h("input", {
    type: "checkbox",
    testid: `opt-${q.question_id}`,
    "aria-label": `Write ${q.number}`,
    checked: canOptOut(q) && !opted,
    disabled: !canOptOut(q),
  });
  box.addEventListener("click", (ev) => ev.stopPropagation());
  box.addEventListener("change", () => {
    if (box.checked) state.optedOut.delete(q.question_id);
    else state.optedOut.add(q.question_id);
    renderReport();
    renderRun();
  });
  const row = h(
    "tr",
    {
      class: `qrow ${state.selected === q.question_id ? "selected" : ""} ${opted ? "opted" : ""}`,
      testid: `question-row-${q.question_id}`,
      "data-status": q.status,
      tabindex: 0,
    },
    h("td", {}, box),
    h("td", {}, h("span", { class: "qnum" }, q.number), " ", q.title),
    h("td", { class: "num" }, q.status === "not-covered" ? "\u2013" : fmt(q.successes)),
    h("td", { class: "num" }, q.status === "not-covered" ? "\u2013" : fmt(q.failures)),
    h("td", {}, h("span", { class: `pill ${view.tone}`, testid: "status" }, view.label)),
  );
  const select = () => {
    state.selected = q.question_id;
    if (state.report) {
      renderQuestions(state.report);
      renderDetail(state.report);
    }
    sections.detail.scrollIntoView({ block: "nearest", behavior: "smooth" });
  };
  row.addEventListener("click", select);
  row.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") select();
  });
  return row;
}

function renderDetail(r: PreviewReport): void {
  const q = r.questions.find((x) => x.question_id === state.selected);
  if (!q) {
    replace(sections.detail, h("p", { class: "muted" }, "Select a question to compare its notes."));
    return;
  }
  const view = statusView(q.status, state.optedOut.has(q.question_id));
  // A written question's notes are now the new ones; the diff still shows what the push changed.
  const written = q.status === "written";
  const before = q.current_notes ?? "";
  const next = q.notes ?? before;
  const current = written ? next : before;
  const diff = lineDiff(before, next);
  const stats = diffStats(diff);
  const breakdown = h(
    "table",
    { class: "risk-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Risk"), h("th", { class: "num" }, "Successes"), h("th", { class: "num" }, "Failures"))),
    h(
      "tbody",
      {},
      ...RISKS.map((risk) =>
        h(
          "tr",
          {},
          h("td", {}, risk.label),
          h("td", { class: "num" }, fmt(q.by_risk[risk.key].successes)),
          h("td", { class: "num" }, fmt(q.by_risk[risk.key].failures)),
        ),
      ),
    ),
  );
  replace(
    sections.detail,
    h(
      "div",
      { class: "detail-head" },
      h("h3", {}, `${q.number} ${q.title}`),
      h("span", { class: `pill ${view.tone}` }, view.label),
    ),
    q.status === "not-covered"
      ? h(
          "p",
          { class: "human-note", testid: "needs-human" },
          "No Conformity rule informs this question. It needs a human answer; wa-sync leaves its notes alone.",
        )
      : null,
    q.error ? h("p", { class: "error" }, q.error) : null,
    q.status !== "not-covered"
      ? h(
          "div",
          { class: "detail-meta" },
          breakdown,
          h(
            "div",
            {},
            h("h4", {}, "Rules to review"),
            q.rule_ids_to_review.length
              ? h("p", { class: "mono small" }, q.rule_ids_to_review.join(", "))
              : h("p", { class: "muted" }, "None: no counted failures."),
          ),
        )
      : null,
    h(
      "div",
      { class: "notes-cols" },
      h(
        "div",
        { class: "notes-col" },
        h("h4", {}, written ? "Current notes (as written)" : "Current notes"),
        h(
          "pre",
          { class: "notes", testid: "current-notes" },
          q.current_notes === undefined && !written
            ? "(no workload read: the current notes are shown as empty)"
            : current || "(empty)",
        ),
      ),
      h(
        "div",
        { class: "notes-col" },
        h("h4", {}, written ? "What the push changed  " : "New notes  ", h("span", { class: "muted small", testid: "diff-stats" }, `+${stats.added} \u2212${stats.removed} lines`)),
        h(
          "pre",
          { class: "notes diff", testid: "diff" },
          ...diff.map((line) =>
            h(
              "span",
              { class: `dl ${line.op}`, "data-op": line.op },
              `${line.op === "add" ? "+ " : line.op === "del" ? "\u2212 " : "  "}${line.text}`,
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------- start ----------

async function main(): Promise<void> {
  try {
    state.info = await api.appInfo();
    document.querySelector("[data-testid=lens-info]")!.textContent =
      `lens ${state.info.lens} ${state.info.lens_version} \u00b7 mapping reviewed ${state.info.mapping_reviewed} \u00b7 v${state.info.version}`;
  } catch (e) {
    replace(app, h("p", { class: "error", testid: "fatal" }, toAppError(e).message));
    return;
  }
  await refreshSetup();
  if (state.info.start_demo) startDemo();
  else if (!state.setup?.settings.setup_done) openSetup();
  else renderStart();
}

void main();
