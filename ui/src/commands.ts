// Every command the Rust side offers, with what it takes and what it answers, in one table: `call`
// only accepts a name listed here, so a renamed or misspelt command is a type error, not a runtime
// "unknown command". Argument names are the camelCase Tauri expects; the types are the generated
// bindings.

import { type Channel, invoke } from "@tauri-apps/api/core";
import type { AccountView } from "./bindings/AccountView";
import type { AppInfo } from "./bindings/AppInfo";
import type { AwsProfile } from "./bindings/AwsProfile";
import type { BackupInfo } from "./bindings/BackupInfo";
import type { CheckFiles } from "./bindings/CheckFiles";
import type { ConformityConnection } from "./bindings/ConformityConnection";
import type { ConformityEndpoint } from "./bindings/ConformityEndpoint";
import type { ConnectionStatus } from "./bindings/ConnectionStatus";
import type { Coverage } from "./bindings/Coverage";
import type { Diagnostics } from "./bindings/Diagnostics";
import type { ExportDone } from "./bindings/ExportDone";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { IamCreated } from "./bindings/IamCreated";
import type { IamExported } from "./bindings/IamExported";
import type { IamPlan } from "./bindings/IamPlan";
import type { KeyStatus } from "./bindings/KeyStatus";
import type { PlanEvent } from "./bindings/PlanEvent";
import type { PlanRunRequest } from "./bindings/PlanRunRequest";
import type { PlanView } from "./bindings/PlanView";
import type { PreviewReport } from "./bindings/PreviewReport";
import type { PreviewRequest } from "./bindings/PreviewRequest";
import type { Product } from "./bindings/Product";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { PushRequest } from "./bindings/PushRequest";
import type { RestorePlan } from "./bindings/RestorePlan";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { Settings } from "./bindings/Settings";
import type { SetupStatus } from "./bindings/SetupStatus";
import type { SourceRequest } from "./bindings/SourceRequest";
import type { TagMatchCount } from "./bindings/TagMatchCount";
import type { Target } from "./bindings/Target";
import type { TargetOutcome } from "./bindings/TargetOutcome";
import type { VerifyView } from "./bindings/VerifyView";
import type { VisionOneConnection } from "./bindings/VisionOneConnection";
import type { VisionOneEndpoint } from "./bindings/VisionOneEndpoint";
import type { WorkloadList } from "./bindings/WorkloadList";
import type { Writer } from "./bindings/Writer";

type NoArgs = Record<string, never>;
type Progress = Channel<ProgressEvent>;

/** Command name → its arguments and its answer. */
export interface Commands {
  app_info: { args: NoArgs; result: AppInfo };
  mapping_coverage: { args: NoArgs; result: Coverage };
  diagnostics: { args: NoArgs; result: Diagnostics };
  tag_match_count: { args: { tags: string[]; source: SourceRequest }; result: TagMatchCount };
  preview: { args: { request: PreviewRequest; onProgress: Progress }; result: PreviewReport };
  push: { args: { request: PushRequest; onProgress: Progress }; result: PreviewReport };
  retry_failed: { args: { runId: number; onProgress: Progress }; result: PreviewReport };
  cancel: { args: { runId: number }; result: boolean };
  list_backups: { args: NoArgs; result: BackupInfo[] };
  restore_plan: { args: { path: string }; result: RestorePlan };
  restore: { args: { path: string; onProgress: Progress }; result: RestoreReport };
  reset_demo: { args: NoArgs; result: null };
  /** Opens the file dialog for exported checks (no screen uses it yet); null: the user cancelled. */
  choose_checks_files: { args: { ruleSettings: boolean }; result: CheckFiles | null };
  export_report: { args: { request: ExportRequest }; result: ExportDone | null };
  plan_show: { args: NoArgs; result: PlanView };
  /** The Rust side opens the dialog; null: the user cancelled. */
  plan_choose_file: { args: NoArgs; result: PlanView | null };
  plan_save_target: { args: { target: Target; previousName: string | null }; result: PlanView };
  plan_remove_target: { args: { name: string }; result: PlanView };
  demo_plan: { args: NoArgs; result: PlanView };
  plan_run: { args: { request: PlanRunRequest; onProgress: Channel<PlanEvent> }; result: TargetOutcome[] };
  setup_status: { args: NoArgs; result: SetupStatus };
  conformity_connect: { args: { endpoint: ConformityEndpoint; apiKey: string | null }; result: ConformityConnection };
  conformity_forget_key: { args: NoArgs; result: KeyStatus };
  conformity_external_id: { args: NoArgs; result: string };
  conformity_accounts: { args: NoArgs; result: AccountView[] };
  choose_product: { args: { product: Product }; result: Settings };
  visionone_connect: { args: { endpoint: VisionOneEndpoint; apiKey: string | null }; result: VisionOneConnection };
  visionone_forget_key: { args: NoArgs; result: KeyStatus };
  visionone_accounts: { args: NoArgs; result: AccountView[] };
  set_external_id: { args: { externalId: string | null }; result: Settings };
  choose_account: { args: { accountId: string }; result: Settings };
  aws_profiles: { args: NoArgs; result: AwsProfile[] };
  aws_workloads: { args: { profile: string | null; region: string }; result: WorkloadList };
  choose_workload: { args: { profile: string | null; region: string; workloadArn: string }; result: Settings };
  iam_plan: { args: { writer: Writer; roleName: string }; result: IamPlan };
  iam_create: { args: { writer: Writer; roleName: string; adopt: boolean }; result: IamCreated };
  iam_export: { args: { writer: Writer; roleName: string }; result: IamExported | null };
  set_role_arn: { args: { writer: Writer; roleArn: string }; result: Settings };
  iam_verify: { args: NoArgs; result: VerifyView };
  finish_setup: { args: NoArgs; result: Settings };
  connection_status: { args: NoArgs; result: ConnectionStatus };
}

export type Command = keyof Commands;

/** Calls a listed command; a command without arguments takes none. */
export function call<C extends Command>(
  command: C,
  ...args: Commands[C]["args"] extends NoArgs ? [] : [Commands[C]["args"]]
): Promise<Commands[C]["result"]> {
  return invoke<Commands[C]["result"]>(command, args[0]);
}
