use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::{TypeVisitor, TS};

/// File name → the text ts-rs generates, for a type and everything it refers to.
#[derive(Default)]
struct Generated(BTreeMap<String, String>);

impl TypeVisitor for Generated {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let Some(path) = T::output_path() else {
            return;
        };
        let name = path
            .file_name()
            .expect("bindings have file names")
            .to_string_lossy()
            .into_owned();
        if self.0.contains_key(&name) {
            return;
        }
        let text = same_folder_imports(&T::export_to_string().expect("ts-rs renders the type"));
        self.0.insert(name, text);
        T::visit_dependencies(self);
    }
}

/// Every binding lands in ui/src/bindings, but ts-rs words an import between the app's types
/// and the engine's (whose `export_to` is relative to another crate) as a path up and back down
/// to that folder: `./Name` is what it means.
fn same_folder_imports(text: &str) -> String {
    const FOLDER: &str = "ui/src/bindings/";
    text.lines()
        .map(
            |line| match (line.strip_prefix("import type "), line.find(FOLDER)) {
                (Some(_), Some(at)) if line.contains("from \"../") => {
                    let start = line.find("from \"").expect("an import's source") + "from \"".len();
                    format!("{}./{}", &line[..start], &line[at + FOLDER.len()..])
                }
                _ => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// Every type that crosses the bridge (what the commands take and return, and the events);
/// their dependencies are followed from here.
fn generated() -> BTreeMap<String, String> {
    use crate::{aws, diagnostics, error, keys, settings, setup, types};
    use wa_sync_engine::{mapping::coverage, preview, sync};
    let mut all = Generated::default();
    // The engine's reports.
    all.visit::<preview::PreviewReport>();
    all.visit::<preview::TagMatchCount>();
    all.visit::<coverage::Coverage>();
    all.visit::<sync::BackupInfo>();
    all.visit::<sync::RestoreReport>();
    // The app's own types.
    all.visit::<diagnostics::Diagnostics>();
    all.visit::<error::AppError>();
    all.visit::<error::ErrorCode>();
    all.visit::<keys::KeySource>();
    all.visit::<keys::KeyStatus>();
    all.visit::<types::AppInfo>();
    all.visit::<types::CheckFiles>();
    all.visit::<types::ExportDone>();
    all.visit::<types::ExportFormat>();
    all.visit::<types::ExportRequest>();
    all.visit::<types::PlanEvent>();
    all.visit::<types::PlanRunRequest>();
    all.visit::<types::PlanView>();
    all.visit::<types::PreviewRequest>();
    all.visit::<types::ProgressEvent>();
    all.visit::<types::PushRequest>();
    all.visit::<types::ReportOf>();
    all.visit::<types::RestorePlan>();
    all.visit::<types::RestoreQuestionView>();
    all.visit::<types::SourceRequest>();
    all.visit::<settings::AccountChoice>();
    all.visit::<settings::AwsChoice>();
    all.visit::<settings::ConformityEndpoint>();
    all.visit::<settings::Product>();
    all.visit::<settings::RoleChoice>();
    all.visit::<settings::Settings>();
    all.visit::<settings::VisionOneEndpoint>();
    all.visit::<settings::Writer>();
    all.visit::<setup::accounts::AccountView>();
    all.visit::<aws::AwsProfile>();
    all.visit::<setup::source::ConformityConnection>();
    all.visit::<setup::status::ConnectionStatus>();
    all.visit::<setup::role::IamCreated>();
    all.visit::<setup::role::IamExported>();
    all.visit::<setup::role::IamPlan>();
    all.visit::<setup::status::PartState>();
    all.visit::<setup::status::PartStatus>();
    all.visit::<setup::status::Regions>();
    all.visit::<setup::status::SetupStatus>();
    all.visit::<setup::verify::VerifyCheckView>();
    all.visit::<setup::verify::VerifyView>();
    all.visit::<setup::source::VisionOneConnection>();
    all.visit::<setup::workloads::WorkloadList>();
    all.visit::<setup::workloads::WorkloadView>();
    all.0
}

#[test]
fn bindings_are_what_the_rust_types_generate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    let generated = generated();
    let committed: BTreeMap<String, String> = std::fs::read_dir(&dir)
        .expect("ui/src/bindings exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ts"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&path).expect("a readable binding"),
            )
        })
        .collect();

    if std::env::var_os("WA_SYNC_WRITE_BINDINGS").is_some() {
        for name in committed.keys().filter(|n| !generated.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }

    let mut stale: Vec<String> = Vec::new();
    for (name, text) in &generated {
        match committed.get(name) {
            None => stale.push(format!("{name}: missing")),
            Some(old) if old != text => stale.push(format!("{name}: differs")),
            Some(_) => {}
        }
    }
    for name in committed.keys().filter(|n| !generated.contains_key(*n)) {
        stale.push(format!(
            "{name}: no Rust type generates it (remove it, or add its type to `generated()` in src-tauri/src/tests/bindings.rs)"
        ));
    }
    assert!(
        stale.is_empty(),
        "ui/src/bindings is out of date with the Rust types:\n  {}\nRegenerate with \
         `WA_SYNC_WRITE_BINDINGS=1 cargo test -p wa-sync-app --lib bindings` and commit the result.",
        stale.join("\n  ")
    );
}
