// Typed calls into the Rust side. Every command rejects with an AppError ({code, message}).

import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { Coverage } from "./bindings/Coverage";
import type { PreviewReport } from "./bindings/PreviewReport";
import type { PreviewRequest } from "./bindings/PreviewRequest";
import type { SourceRequest } from "./bindings/SourceRequest";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { TagMatchCount } from "./bindings/TagMatchCount";
import type { PushRequest } from "./bindings/PushRequest";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { RestorePlan } from "./bindings/RestorePlan";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { ConformityEndpoint } from "./bindings/ConformityEndpoint";
import type { ConformityConnection } from "./bindings/ConformityConnection";
import type { KeyStatus } from "./bindings/KeyStatus";
import type { AccountView } from "./bindings/AccountView";
import type { Settings } from "./bindings/Settings";
import type { AwsProfile } from "./bindings/AwsProfile";
import type { WorkloadList } from "./bindings/WorkloadList";
import type { Writer } from "./bindings/Writer";
import type { IamPlan } from "./bindings/IamPlan";
import type { IamCreated } from "./bindings/IamCreated";
import type { IamExported } from "./bindings/IamExported";
import type { VerifyView } from "./bindings/VerifyView";
import type { ConnectionStatus } from "./bindings/ConnectionStatus";
import type { ExportDone } from "./bindings/ExportDone";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { ReportOf } from "./bindings/ReportOf";
import type { Product } from "./bindings/Product";
import type { VisionOneEndpoint } from "./bindings/VisionOneEndpoint";
import type { VisionOneConnection } from "./bindings/VisionOneConnection";

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
  appInfo: () => invoke<AppInfo>("app_info"),
  mappingCoverage: () => invoke<Coverage>("mapping_coverage"),
  /** The demo's count; `configured` with Vision One: the live count from Vision One. */
  tagMatchCount: (tags: string[], source: SourceRequest) => invoke<TagMatchCount>("tag_match_count", { tags, source }),
  preview: (request: PreviewRequest, onProgress: (e: ProgressEvent) => void) =>
    invoke<PreviewReport>("preview", { request, onProgress: channel(onProgress) }),
  push: (request: PushRequest, onProgress: (e: ProgressEvent) => void) =>
    invoke<PreviewReport>("push", { request, onProgress: channel(onProgress) }),
  listBackups: () => invoke<BackupInfo[]>("list_backups"),
  restorePlan: (path: string) => invoke<RestorePlan>("restore_plan", { path }),
  restore: (path: string, onProgress: (e: ProgressEvent) => void) =>
    invoke<RestoreReport>("restore", { path, onProgress: channel(onProgress) }),
  resetDemo: () => invoke<null>("reset_demo"),
  /** Pushes again only the questions that failed in the last push (the Rust side knows which). */
  retryFailed: (runId: number, onProgress: (e: ProgressEvent) => void) =>
    invoke<PreviewReport>("retry_failed", { runId, onProgress: channel(onProgress) }),
  /**
   * The Rust side opens the save dialog (proposing `fileName`), then writes the report it rebuilds
   * from its own preview or push result. null: the user cancelled the dialog.
   */
  exportReport: (format: ExportFormat, fileName: string, of: ReportOf) =>
    invoke<ExportDone | null>("export_report", { request: { format, file_name: fileName, of } }),
  cancel: (runId: number) => invoke<boolean>("cancel", { runId }),

  // The guided setup. The API key goes in once (conformityConnect) and never comes back.
  setupStatus: () => invoke<SetupStatus>("setup_status"),
  conformityConnect: (endpoint: ConformityEndpoint, apiKey: string | null) =>
    invoke<ConformityConnection>("conformity_connect", { endpoint, apiKey }),
  conformityForgetKey: () => invoke<KeyStatus>("conformity_forget_key"),
  conformityExternalId: () => invoke<string>("conformity_external_id"),
  conformityAccounts: () => invoke<AccountView[]>("conformity_accounts"),
  chooseProduct: (product: Product) => invoke<Settings>("choose_product", { product }),
  // Vision One: the key goes in once (visionOneConnect) and never comes back, as for Conformity.
  visionOneConnect: (endpoint: VisionOneEndpoint, apiKey: string | null) =>
    invoke<VisionOneConnection>("visionone_connect", { endpoint, apiKey }),
  visionOneForgetKey: () => invoke<KeyStatus>("visionone_forget_key"),
  visionOneAccounts: () => invoke<AccountView[]>("visionone_accounts"),
  setExternalId: (externalId: string | null) => invoke<Settings>("set_external_id", { externalId }),
  chooseAccount: (accountId: string) => invoke<Settings>("choose_account", { accountId }),
  awsProfiles: () => invoke<AwsProfile[]>("aws_profiles"),
  awsWorkloads: (profile: string | null, region: string) => invoke<WorkloadList>("aws_workloads", { profile, region }),
  chooseWorkload: (profile: string | null, region: string, workloadArn: string) =>
    invoke<Settings>("choose_workload", { profile, region, workloadArn }),
  iamPlan: (writer: Writer, roleName: string) => invoke<IamPlan>("iam_plan", { writer, roleName }),
  /** With `adopt`, takes over a role or policy of that name that wa-sync did not make (after the user confirmed). */
  iamCreate: (writer: Writer, roleName: string, adopt = false) => invoke<IamCreated>("iam_create", { writer, roleName, adopt }),
  /** The Rust side opens the folder dialog and writes the files there; null: the user cancelled. */
  iamExport: (writer: Writer, roleName: string) => invoke<IamExported | null>("iam_export", { writer, roleName }),
  setRoleArn: (writer: Writer, roleArn: string) => invoke<Settings>("set_role_arn", { writer, roleArn }),
  iamVerify: () => invoke<VerifyView>("iam_verify"),
  finishSetup: () => invoke<Settings>("finish_setup"),
  connectionStatus: () => invoke<ConnectionStatus>("connection_status"),
};
