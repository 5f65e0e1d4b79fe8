//! The native file dialogs, opened from Rust (tauri-plugin-dialog's Rust API), so the webview
//! never names a path: the export, the IAM files and the checks-files source use only what the
//! user picked. Behind a trait, because `tauri::test` has no real dialog: the command tests
//! answer them with [`ScriptedDialogs`].

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a dialog shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogRequest {
    pub title: String,
    /// The folder it opens in.
    pub start_dir: PathBuf,
    /// The suggested file name (save dialogs).
    pub file_name: Option<String>,
    /// A filter's label and its extensions.
    pub filter: Option<(String, Vec<String>)>,
}

/// A native dialog. Each call blocks until the user answers: call it off the async runtime.
pub trait Dialogs: Send + Sync {
    /// The file to save to; `None` when the user cancels.
    fn save_file(&self, request: &DialogRequest) -> Option<PathBuf>;
    /// A folder; `None` when the user cancels.
    fn pick_folder(&self, request: &DialogRequest) -> Option<PathBuf>;
    /// Files to open; `None` when the user cancels.
    fn pick_files(&self, request: &DialogRequest, multiple: bool) -> Option<Vec<PathBuf>>;
}

/// The folder a dialog opens in: the last one the user chose, else their Documents folder (else
/// their home).
pub fn start_dir(last: Option<&str>) -> PathBuf {
    last.map(PathBuf::from)
        .filter(|p| p.is_dir())
        .or_else(dirs::document_dir)
        .filter(|p| p.is_dir())
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir)
}

/// The native dialogs of a running app.
pub struct NativeDialogs(pub tauri::AppHandle);

impl NativeDialogs {
    fn builder(
        &self,
        request: &DialogRequest,
    ) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
        use tauri::Manager;
        use tauri_plugin_dialog::DialogExt;
        let mut builder = self
            .0
            .dialog()
            .file()
            .set_title(&request.title)
            .set_directory(&request.start_dir);
        if let Some(window) = self.0.get_webview_window("main") {
            builder = builder.set_parent(&window);
        }
        if let Some(name) = &request.file_name {
            builder = builder.set_file_name(name);
        }
        if let Some((label, extensions)) = &request.filter {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            builder = builder.add_filter(label, &extensions);
        }
        builder
    }
}

fn local(path: tauri_plugin_dialog::FilePath) -> Option<PathBuf> {
    path.into_path().ok()
}

impl Dialogs for NativeDialogs {
    fn save_file(&self, request: &DialogRequest) -> Option<PathBuf> {
        self.builder(request).blocking_save_file().and_then(local)
    }
    fn pick_folder(&self, request: &DialogRequest) -> Option<PathBuf> {
        self.builder(request).blocking_pick_folder().and_then(local)
    }
    fn pick_files(&self, request: &DialogRequest, multiple: bool) -> Option<Vec<PathBuf>> {
        let builder = self.builder(request);
        if multiple {
            builder
                .blocking_pick_files()
                .map(|files| files.into_iter().filter_map(local).collect())
        } else {
            builder
                .blocking_pick_file()
                .and_then(local)
                .map(|p| vec![p])
        }
    }
}

/// Dialogs answered from a script, for the command tests: each call takes the next answer
/// (`None`: the user cancelled) and records what it was asked.
#[derive(Default)]
pub struct ScriptedDialogs {
    answers: Mutex<VecDeque<Option<Vec<PathBuf>>>>,
    asked: Mutex<Vec<DialogRequest>>,
}

impl ScriptedDialogs {
    /// The user will pick `path` (or cancel, with `None`) in the next dialog.
    pub fn answer(&self, path: Option<&Path>) {
        self.answers
            .lock()
            .expect("answers lock")
            .push_back(path.map(|p| vec![p.to_path_buf()]));
    }

    /// The user will pick these files in the next dialog.
    pub fn answer_files(&self, paths: &[PathBuf]) {
        self.answers
            .lock()
            .expect("answers lock")
            .push_back(Some(paths.to_vec()));
    }

    /// What the dialogs were asked, in order.
    pub fn asked(&self) -> Vec<DialogRequest> {
        self.asked.lock().expect("asked lock").clone()
    }

    fn next(&self, request: &DialogRequest) -> Option<Vec<PathBuf>> {
        self.asked.lock().expect("asked lock").push(request.clone());
        self.answers
            .lock()
            .expect("answers lock")
            .pop_front()
            .expect("a scripted answer for every dialog the test opens")
    }
}

impl Dialogs for ScriptedDialogs {
    fn save_file(&self, request: &DialogRequest) -> Option<PathBuf> {
        self.next(request).and_then(|v| v.into_iter().next())
    }
    fn pick_folder(&self, request: &DialogRequest) -> Option<PathBuf> {
        self.next(request).and_then(|v| v.into_iter().next())
    }
    fn pick_files(&self, request: &DialogRequest, _multiple: bool) -> Option<Vec<PathBuf>> {
        self.next(request)
    }
}
