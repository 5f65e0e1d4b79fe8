//! tauri-build for the root layout: the app's capabilities live in `src-tauri/capabilities`, and
//! every app command is declared here so that Tauri's permission system knows it (a command not
//! granted by a capability cannot be called).

/// The commands of `src/commands/` and `src/setup/`; keep in step with `tauri::generate_handler!` in `lib.rs`.
const COMMANDS: &[&str] = &[
    "preview",
    "cancel",
    "mapping_coverage",
    "tag_match_count",
    "app_info",
    "push",
    "list_backups",
    "restore_plan",
    "restore",
    "reset_demo",
    "retry_failed",
    "export_report",
    "choose_checks_files",
    // The Workloads screen (src/commands/plan.rs).
    "plan_show",
    "plan_choose_file",
    "plan_save_target",
    "plan_remove_target",
    "demo_plan",
    "plan_run",
    // The guided setup (src/setup/).
    "setup_status",
    "conformity_connect",
    "conformity_forget_key",
    "conformity_external_id",
    "conformity_accounts",
    "choose_product",
    "visionone_connect",
    "visionone_forget_key",
    "visionone_accounts",
    "set_external_id",
    "choose_account",
    "aws_profiles",
    "aws_workloads",
    "choose_workload",
    "iam_plan",
    "iam_create",
    "iam_export",
    "set_role_arn",
    "iam_verify",
    "finish_setup",
    "connection_status",
    // src/diagnostics.rs
    "diagnostics",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
