//! The guided first-time setup: the product (Conformity or Vision One), its connection (region or
//! URL, API key tested live and kept in the OS keychain), Conformity's external ID, the account,
//! AWS profile/region/workload, the IAM role (documents, create or update, export, verify), and
//! the connection badge. With Vision One the Conformity-only parts fall away: no organisation
//! external ID (the user may choose one for the role, or none), no hosted sync to trust.
//!
//! The API key crosses the bridge once, from the UI into `conformity_connect`; nothing this
//! module returns contains it (only where it comes from and its last four characters), and no
//! error message carries it (the engine's `ApiKey` has no `Display`, and its errors never quote it).
//!
//! One module per step of the wizard: [`source`] (product, endpoint and key), [`accounts`],
//! [`external_id`] (Vision One), [`workloads`] (AWS profile, region, workload), [`role`] (the IAM
//! documents, create, export, or a role made elsewhere), [`verify`], and [`status`] (where the
//! wizard opens, its end, and the connection badge).

pub mod accounts;
pub mod external_id;
pub mod role;
pub mod source;
pub mod status;
pub mod verify;
pub mod workloads;

/// The role name the wizard proposes (the command line's default too).
pub const DEFAULT_ROLE_NAME: &str = "WaSyncWellArchitectedNotes";
