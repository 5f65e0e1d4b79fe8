//! Carries the folders named after the app's previous bundle identifier over to the current one.
//!
//! Tauri names the webview's data folder (WebKit's local storage, cookies and caches) and the
//! app's own config and cache folders after `identifier` in tauri.conf.json. When the identifier
//! changed from the placeholder `com.example.wa-sync`, those folders would have been left behind
//! and the app would start as if new; moving them keeps what the user had. The demo workload,
//! backups and settings live in folders named `wa-sync`, which the identifier does not touch.
//!
//! This runs before Tauri creates the window, since the window creates the new data folder.

use std::io;
use std::path::{Path, PathBuf};

/// The identifier wa-sync shipped with before it had one of its own.
pub const PREVIOUS_IDENTIFIER: &str = "com.example.wa-sync";

/// What happened to one previous folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Moved {
        from: PathBuf,
        to: PathBuf,
    },
    /// Both exist: the current one is in use, so the previous one is left alone.
    KeptBoth {
        previous: PathBuf,
        current: PathBuf,
    },
}

/// Moves each `<base>/PREVIOUS_IDENTIFIER` to `<base>/identifier` in the user's data, config and
/// cache folders, where it exists and the new one does not. Failures are logged, never fatal:
/// the app works with fresh folders too.
pub fn from_previous_identifier(identifier: &str) {
    let bases: Vec<PathBuf> = [
        dirs::data_local_dir(),
        dirs::config_dir(),
        dirs::cache_dir(),
    ]
    .into_iter()
    .flatten()
    .collect();
    for result in move_folders(&bases, PREVIOUS_IDENTIFIER, identifier) {
        match result {
            Ok(Outcome::Moved { from, to }) => {
                tracing::info!("moved {} to {}", from.display(), to.display())
            }
            Ok(Outcome::KeptBoth { previous, current }) => tracing::info!(
                "{} is left as it is: {} is already in use",
                previous.display(),
                current.display()
            ),
            Err((from, e)) => {
                tracing::warn!("could not move {}: {e}; starting fresh", from.display())
            }
        }
    }
}

/// The work of [`from_previous_identifier`] for any set of base folders; one result per base
/// folder that has a previous folder.
pub fn move_folders(
    bases: &[PathBuf],
    previous: &str,
    current: &str,
) -> Vec<Result<Outcome, (PathBuf, io::Error)>> {
    if previous == current {
        return Vec::new();
    }
    bases
        .iter()
        .filter(|base| base.join(previous).is_dir())
        .map(|base| move_folder(&base.join(previous), &base.join(current)))
        .collect()
}

fn move_folder(from: &Path, to: &Path) -> Result<Outcome, (PathBuf, io::Error)> {
    if to.exists() {
        return Ok(Outcome::KeptBoth {
            previous: from.to_path_buf(),
            current: to.to_path_buf(),
        });
    }
    std::fs::rename(from, to).map_err(|e| (from.to_path_buf(), e))?;
    Ok(Outcome::Moved {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: &str = "io.github.wa-sync.desktop";

    #[test]
    fn the_previous_folders_move_with_their_contents() {
        let home = tempfile::tempdir().unwrap();
        let data = home.path().join("share");
        let config = home.path().join("config");
        let storage = data.join(PREVIOUS_IDENTIFIER).join("localstorage");
        std::fs::create_dir_all(&storage).unwrap();
        std::fs::write(storage.join("tauri.sqlite"), "demo state").unwrap();
        std::fs::create_dir_all(config.join(PREVIOUS_IDENTIFIER)).unwrap();

        let results = move_folders(&[data.clone(), config.clone()], PREVIOUS_IDENTIFIER, NEW);

        assert_eq!(results.len(), 2);
        assert!(results
            .iter()
            .all(|r| matches!(r, Ok(Outcome::Moved { .. }))));
        assert_eq!(
            std::fs::read_to_string(data.join(NEW).join("localstorage/tauri.sqlite")).unwrap(),
            "demo state"
        );
        assert!(!data.join(PREVIOUS_IDENTIFIER).exists());
        assert!(config.join(NEW).is_dir());
        assert!(!config.join(PREVIOUS_IDENTIFIER).exists());
    }

    #[test]
    fn a_current_folder_in_use_is_never_replaced() {
        let home = tempfile::tempdir().unwrap();
        let base = home.path().to_path_buf();
        std::fs::create_dir_all(base.join(PREVIOUS_IDENTIFIER)).unwrap();
        std::fs::write(base.join(PREVIOUS_IDENTIFIER).join("old"), "old").unwrap();
        std::fs::create_dir_all(base.join(NEW)).unwrap();
        std::fs::write(base.join(NEW).join("new"), "new").unwrap();

        let results = move_folders(std::slice::from_ref(&base), PREVIOUS_IDENTIFIER, NEW);

        assert!(matches!(results[..], [Ok(Outcome::KeptBoth { .. })]));
        assert_eq!(
            std::fs::read_to_string(base.join(NEW).join("new")).unwrap(),
            "new"
        );
        assert!(!base.join(NEW).join("old").exists());
        assert!(base.join(PREVIOUS_IDENTIFIER).join("old").exists());
    }

    #[test]
    fn nothing_to_move_when_there_is_no_previous_folder() {
        let home = tempfile::tempdir().unwrap();
        let results = move_folders(&[home.path().to_path_buf()], PREVIOUS_IDENTIFIER, NEW);
        assert!(results.is_empty());
        assert!(!home.path().join(NEW).exists());
    }

    #[test]
    fn the_shipped_identifier_is_no_longer_the_placeholder() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        let identifier = config["identifier"].as_str().unwrap();
        assert_ne!(identifier, PREVIOUS_IDENTIFIER);
        assert!(!identifier.contains("example"), "{identifier}");
    }
}
