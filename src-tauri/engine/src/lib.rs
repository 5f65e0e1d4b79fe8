//! The wa-sync engine: everything between Conformity's checks and a Well-Architected review's
//! notes, with no GUI dependency, so the command line and the desktop app share one tested core.
//!
//! The modules follow the data's path:
//! [`conformity`] (the API client) → [`checks`] (one record per check, whatever its source) →
//! [`mapping`] (which questions a rule informs) → [`summary`] (counting) → [`notes`] (the text
//! and where it goes). [`preview`] runs that path end to end; [`sync`] writes the notes safely;
//! [`usecase`] holds the operations both faces (the CLI and the app) call.

pub mod atomic_file;
pub mod checks;
pub mod conformity;
pub mod credentials;
pub mod error;
pub mod history;
pub mod http;
pub mod iam;
pub mod keychain;
pub mod mapping;
pub mod notes;
pub mod paths;
pub mod plan;
pub mod preview;
pub mod report;
pub mod source;
pub mod summary;
pub mod sync;
pub mod time;
pub mod url;
pub mod usecase;
pub mod visionone;
pub mod wellarchitected;

pub use error::{Error, Field, Result};

/// The version recorded in backups and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
