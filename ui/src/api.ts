// The Rust side's commands as functions the screens call, over the typed table in commands.ts.
// Every command rejects with an AppError ({code, message}).

import { Channel } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { ConformityEndpoint } from "./bindings/ConformityEndpoint";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { PlanEvent } from "./bindings/PlanEvent";
import type { PlanRunRequest } from "./bindings/PlanRunRequest";
import type { PreviewRequest } from "./bindings/PreviewRequest";
import type { Product } from "./bindings/Product";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { PushRequest } from "./bindings/PushRequest";
import type { ReportOf } from "./bindings/ReportOf";
import type { SourceRequest } from "./bindings/SourceRequest";
import type { Target } from "./bindings/Target";
import type { VisionOneEndpoint } from "./bindings/VisionOneEndpoint";
import type { Writer } from "./bindings/Writer";
import { call } from "./commands";

function channel(onProgress: (e: ProgressEvent) => void): Channel<ProgressEvent> {
  const ch = new Channel<ProgressEvent>();
  ch.onmessage = onProgress;
  return ch;
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any rejection as an AppError, so the UI has one shape to show. */
export function toAppError(e: unknown): AppError {
  if (e instanceof Error) return { code: "internal", message: e.message };
  if (isAppError(e)) return { code: e.code, message: String(e.message) };
  return { code: "internal", message: String(e) };
}

export const api = {
  appInfo: () => call("app_info"),
  /** Version, OS and the last log lines, redacted on the Rust side. */
  diagnostics: () => call("diagnostics"),
  mappingCoverage: () => call("mapping_coverage"),
  /** The demo's count; `configured` with Vision One: the live count from Vision One. */
  tagMatchCount: (tags: string[], source: SourceRequest) => call("tag_match_count", { tags, source }),
  preview: (request: PreviewRequest, onProgress: (e: ProgressEvent) => void) =>
    call("preview", { request, onProgress: channel(onProgress) }),
  push: (request: PushRequest, onProgress: (e: ProgressEvent) => void) =>
    call("push", { request, onProgress: channel(onProgress) }),
  listBackups: () => call("list_backups"),
  restorePlan: (path: string) => call("restore_plan", { path }),
  restore: (path: string, onProgress: (e: ProgressEvent) => void) =>
    call("restore", { path, onProgress: channel(onProgress) }),
  resetDemo: () => call("reset_demo"),
  /** Pushes again only the questions that failed in the last push (the Rust side knows which). */
  retryFailed: (runId: number, onProgress: (e: ProgressEvent) => void) =>
    call("retry_failed", { runId, onProgress: channel(onProgress) }),
  /**
   * The Rust side opens the save dialog (proposing `fileName`), then writes the report it rebuilds
   * from its own preview or push result. null: the user cancelled the dialog.
   */
  exportReport: (format: ExportFormat, fileName: string, of: ReportOf) =>
    call("export_report", { request: { format, file_name: fileName, of } }),
  cancel: (runId: number) => call("cancel", { runId }),

  // The Workloads screen: the plan file the command line runs, edited in place.
  planShow: () => call("plan_show"),
  planChooseFile: () => call("plan_choose_file"),
  planSaveTarget: (target: Target, previousName: string | null) => call("plan_save_target", { target, previousName }),
  planRemoveTarget: (name: string) => call("plan_remove_target", { name }),
  demoPlan: () => call("demo_plan"),
  planRun: (request: PlanRunRequest, onEvent: (e: PlanEvent) => void) => {
    const ch = new Channel<PlanEvent>();
    ch.onmessage = onEvent;
    return call("plan_run", { request, onProgress: ch });
  },

  // The guided setup. The API key goes in once (conformityConnect) and never comes back.
  setupStatus: () => call("setup_status"),
  conformityConnect: (endpoint: ConformityEndpoint, apiKey: string | null) =>
    call("conformity_connect", { endpoint, apiKey }),
  conformityForgetKey: () => call("conformity_forget_key"),
  conformityExternalId: () => call("conformity_external_id"),
  conformityAccounts: () => call("conformity_accounts"),
  chooseProduct: (product: Product) => call("choose_product", { product }),
  // Vision One: the key goes in once (visionOneConnect) and never comes back, as for Conformity.
  visionOneConnect: (endpoint: VisionOneEndpoint, apiKey: string | null) =>
    call("visionone_connect", { endpoint, apiKey }),
  visionOneForgetKey: () => call("visionone_forget_key"),
  visionOneAccounts: () => call("visionone_accounts"),
  setExternalId: (externalId: string | null) => call("set_external_id", { externalId }),
  chooseAccount: (accountId: string) => call("choose_account", { accountId }),
  awsProfiles: () => call("aws_profiles"),
  awsWorkloads: (profile: string | null, region: string) => call("aws_workloads", { profile, region }),
  chooseWorkload: (profile: string | null, region: string, workloadArn: string) =>
    call("choose_workload", { profile, region, workloadArn }),
  iamPlan: (writer: Writer, roleName: string) => call("iam_plan", { writer, roleName }),
  /** With `adopt`, takes over a role or policy of that name that wa-sync did not make (after the user confirmed). */
  iamCreate: (writer: Writer, roleName: string, adopt = false) => call("iam_create", { writer, roleName, adopt }),
  /** The Rust side opens the folder dialog and writes the files there; null: the user cancelled. */
  iamExport: (writer: Writer, roleName: string) => call("iam_export", { writer, roleName }),
  setRoleArn: (writer: Writer, roleArn: string) => call("set_role_arn", { writer, roleArn }),
  iamVerify: () => call("iam_verify"),
  finishSetup: () => call("finish_setup"),
  connectionStatus: () => call("connection_status"),
};
