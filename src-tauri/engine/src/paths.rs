//! Where wa-sync keeps its files on this machine: the data directory (backups, the demo
//! workload).

use crate::{Error, Result};
use std::path::PathBuf;

/// `<user data dir>/wa-sync` ($XDG_DATA_HOME/wa-sync or ~/.local/share/wa-sync on Linux,
/// ~/Library/Application Support/wa-sync on macOS, %APPDATA%\wa-sync on Windows).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir().map(|d| d.join("wa-sync")).ok_or_else(|| {
        Error::bad_input(
            "cannot tell where your data directory is (no HOME?); pass --backup-dir DIR",
        )
    })
}

/// Where backups go unless told otherwise.
pub fn default_backup_dir() -> Result<PathBuf> {
    Ok(data_dir()?.join("backups"))
}
