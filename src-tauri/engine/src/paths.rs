//! Where wa-sync keeps its files on this machine: the data directory (backups, the demo
//! workload).

use crate::{Error, Field, Result};
use std::path::PathBuf;

/// `<user data dir>/wa-sync` ($XDG_DATA_HOME/wa-sync or ~/.local/share/wa-sync on Linux,
/// ~/Library/Application Support/wa-sync on macOS, %APPDATA%\wa-sync on Windows).
pub fn data_dir() -> Result<PathBuf> {
    dirs::data_dir().map(|d| d.join("wa-sync")).ok_or_else(|| {
        Error::bad_field(
            Field::BackupDir,
            "cannot tell where your data directory is (no HOME?); choose a backup directory",
        )
    })
}

/// Where backups go unless told otherwise.
pub fn default_backup_dir() -> Result<PathBuf> {
    Ok(data_dir()?.join("backups"))
}
