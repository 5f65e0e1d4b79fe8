//! One error type for the whole engine. Every variant has a stable `code` that the command line
//! maps to an exit status and the desktop app branches on, and a message that says what is wrong
//! and how to fix it. Messages never contain secrets: the types that hold secrets do not
//! implement `Display` with their contents.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user typed or passed in is malformed; nothing was sent anywhere. `field`
    /// says which input, when one does, so each face can name it its own way (the CLI by its
    /// flag, the app by its form field's label); `problem` names neither.
    #[error("{problem}")]
    BadInput {
        field: Option<Field>,
        problem: String,
    },
    /// No API key is configured.
    #[error("{0}")]
    MissingKey(String),
    /// The service refused the key or its role (HTTP 401/403).
    #[error("{0}")]
    Auth(String),
    /// The service kept answering 429/5xx after every retry.
    #[error("{0}")]
    Unavailable(String),
    /// The service does not know the thing asked for (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The service answered with an error that retrying will not fix.
    #[error("{0}")]
    Api(String),
    /// The response did not have the documented shape.
    #[error("{0}")]
    BadResponse(String),
    /// The network failed (DNS, connect, TLS, timeout).
    #[error("{0}")]
    Network(String),
    /// The OS keychain could not be used.
    #[error("{0}")]
    Keychain(String),
    /// Reading or writing a local file failed.
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// Stable identifier for programs (the app's UI, `--json` output).
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadInput { .. } => "bad_input",
            Error::MissingKey(_) => "missing_key",
            Error::Auth(_) => "auth",
            Error::Unavailable(_) => "unavailable",
            Error::NotFound(_) => "not_found",
            Error::Api(_) => "api",
            Error::BadResponse(_) => "bad_response",
            Error::Network(_) => "network",
            Error::Keychain(_) => "keychain",
            Error::Io(_) => "io",
        }
    }

    /// True when the error is the user's input and nothing was sent: exit status 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::BadInput { .. } | Error::MissingKey(_))
    }

    /// Bad input that is no one field's (a combination, or a file's content).
    pub fn bad_input(problem: impl fmt::Display) -> Self {
        Error::BadInput {
            field: None,
            problem: problem.to_string(),
        }
    }

    /// Bad input in `field`; `problem` says what is wrong with it without naming it.
    pub fn bad_field(field: Field, problem: impl fmt::Display) -> Self {
        Error::BadInput {
            field: Some(field),
            problem: problem.to_string(),
        }
    }

    /// The input a bad-input error is about, if it is one field's.
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::BadInput { field, .. } => *field,
            _ => None,
        }
    }

    pub fn io(what: impl fmt::Display, err: std::io::Error) -> Self {
        Error::Io(format!("{what}: {err}"))
    }
}

/// An input a [`Error::BadInput`] can be about. The CLI maps each to its flag, the app to its
/// form field's label; [`Field::name`] is the stable name for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    AccountId,
    FilterTag,
    NotesMode,
    ConformityUrl,
    ConformityRegion,
    ConformityRps,
    VisionOneUrl,
    VisionOneRegion,
    VisionOneRps,
    WorkloadArn,
    RoleArn,
    RoleName,
    ExternalId,
    Trust,
    Profile,
    AwsRegion,
    BackupDir,
    OutputFile,
    /// Taking over an IAM role or policy wa-sync did not make.
    Adopt,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::AccountId,
        Field::FilterTag,
        Field::NotesMode,
        Field::ConformityUrl,
        Field::ConformityRegion,
        Field::ConformityRps,
        Field::VisionOneUrl,
        Field::VisionOneRegion,
        Field::VisionOneRps,
        Field::WorkloadArn,
        Field::RoleArn,
        Field::RoleName,
        Field::ExternalId,
        Field::Trust,
        Field::Profile,
        Field::AwsRegion,
        Field::BackupDir,
        Field::OutputFile,
        Field::Adopt,
    ];

    /// A stable snake_case name (`filter_tag`), for logs and programs.
    pub fn name(self) -> &'static str {
        match self {
            Field::AccountId => "account_id",
            Field::FilterTag => "filter_tag",
            Field::NotesMode => "notes_mode",
            Field::ConformityUrl => "conformity_url",
            Field::ConformityRegion => "conformity_region",
            Field::ConformityRps => "conformity_rps",
            Field::VisionOneUrl => "visionone_url",
            Field::VisionOneRegion => "visionone_region",
            Field::VisionOneRps => "visionone_rps",
            Field::WorkloadArn => "workload_arn",
            Field::RoleArn => "role_arn",
            Field::RoleName => "role_name",
            Field::ExternalId => "external_id",
            Field::Trust => "trust",
            Field::Profile => "profile",
            Field::AwsRegion => "aws_region",
            Field::BackupDir => "backup_dir",
            Field::OutputFile => "output_file",
            Field::Adopt => "adopt",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_error_shows_only_its_problem_and_keeps_its_field() {
        let e = Error::bad_field(Field::FilterTag, "bad tag filter \"a,b\"");
        assert_eq!(e.to_string(), "bad tag filter \"a,b\"");
        assert_eq!(e.field(), Some(Field::FilterTag));
        assert_eq!(e.code(), "bad_input");
        assert!(e.is_bad_input());
        assert_eq!(Error::bad_input("x").field(), None);
    }

    #[test]
    fn field_names_are_distinct() {
        let names: std::collections::HashSet<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Field::ALL.len());
    }
}
