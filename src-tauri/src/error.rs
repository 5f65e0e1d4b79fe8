//! The one error type every command returns, serialised as `{code, message}`. The code is an
//! [`ErrorCode`], exported to TypeScript, so the UI branches on a closed set of strings that the
//! type checker knows: the engine's stable codes (`Error::code()`), plus the app's own. Messages
//! never hold secrets (the engine guarantees that for its errors; the app adds none that could).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

/// What kind of failure an [`AppError`] is. The wire strings are the engine's codes where the
/// engine has one, so the app and the command line name a failure alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../ui/src/bindings/")]
pub enum ErrorCode {
    /// Something the user typed or chose is wrong; nothing was sent or written.
    BadInput,
    /// No API key is saved for the product.
    MissingKey,
    /// The service refused the key, or AWS the credentials or role.
    Auth,
    /// The service kept answering 429/5xx after every retry.
    Unavailable,
    /// The service, or the app's own list, does not know the thing asked for.
    NotFound,
    /// The service answered with an error of its own.
    Api,
    /// The service's answer could not be read.
    BadResponse,
    /// The service could not be reached.
    Network,
    /// The OS keychain failed.
    Keychain,
    /// A file could not be read or written.
    Io,
    /// The user stopped the run; nothing more was changed.
    Cancelled,
    /// The run ID is already in use by a run going on.
    Busy,
    /// A saved key was verified with another host than the one asked for: it is not sent there.
    KeyHost,
    /// The AWS profile signs in through IAM Identity Center and its login has expired.
    SsoLogin,
    /// Something in the app itself failed (a dialog or a background task stopped).
    Internal,
}

impl ErrorCode {
    /// The wire string (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadInput => "bad_input",
            ErrorCode::MissingKey => "missing_key",
            ErrorCode::Auth => "auth",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Api => "api",
            ErrorCode::BadResponse => "bad_response",
            ErrorCode::Network => "network",
            ErrorCode::Keychain => "keychain",
            ErrorCode::Io => "io",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Busy => "busy",
            ErrorCode::KeyHost => "key_host",
            ErrorCode::SsoLogin => "sso_login",
            ErrorCode::Internal => "internal",
        }
    }

    /// The app's code for an engine error: the engine's own, one for one.
    pub fn of(e: &wa_sync_engine::Error) -> Self {
        use wa_sync_engine::Error;
        // `{ .. }` matches whatever the variants carry; a new variant fails to compile here.
        match e {
            Error::BadInput { .. } => ErrorCode::BadInput,
            Error::MissingKey { .. } => ErrorCode::MissingKey,
            Error::Auth { .. } => ErrorCode::Auth,
            Error::Unavailable { .. } => ErrorCode::Unavailable,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Api { .. } => ErrorCode::Api,
            Error::BadResponse { .. } => ErrorCode::BadResponse,
            Error::Network { .. } => ErrorCode::Network,
            Error::Keychain { .. } => ErrorCode::Keychain,
            Error::Io { .. } => ErrorCode::Io,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
        }
    }

    pub fn cancelled() -> Self {
        AppError::new(
            ErrorCode::Cancelled,
            "the run was cancelled; nothing was changed",
        )
    }
}

impl From<wa_sync_engine::Error> for AppError {
    fn from(e: wa_sync_engine::Error) -> Self {
        let message = match &e {
            wa_sync_engine::Error::BadInput {
                field: Some(field),
                problem,
            } => format!("{}: {problem}", field_label(*field)),
            other => other.to_string(),
        };
        AppError::new(ErrorCode::of(&e), message)
    }
}

/// The label of the form field (or choice) where the user gives `field` in the app, so bad input
/// reads as being about what they see (the engine names no field, the CLI its flag).
pub fn field_label(field: wa_sync_engine::Field) -> &'static str {
    use wa_sync_engine::Field;
    match field {
        Field::AccountId => "Account",
        Field::FilterTag => "Tag filter",
        Field::NotesMode => "Notes",
        Field::ConformityUrl => "Conformity API URL",
        Field::ConformityRegion => "Conformity region",
        Field::ConformityRps => "Conformity request rate",
        Field::VisionOneUrl => "Vision One API URL",
        Field::VisionOneRegion => "Vision One region",
        Field::VisionOneRps => "Vision One request rate",
        Field::WorkloadArn => "AWS workload",
        Field::RoleArn => "Role ARN",
        Field::RoleName => "Role name",
        Field::ExternalId => "External ID",
        Field::Trust => "Who writes the notes",
        Field::Profile => "AWS profile",
        Field::AwsRegion => "AWS region",
        Field::BackupDir => "Backups folder",
        Field::OutputFile => "Report file",
        Field::Adopt => "Take over",
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    const EVERY_CODE: [(ErrorCode, &str); 15] = [
        (ErrorCode::BadInput, "bad_input"),
        (ErrorCode::MissingKey, "missing_key"),
        (ErrorCode::Auth, "auth"),
        (ErrorCode::Unavailable, "unavailable"),
        (ErrorCode::NotFound, "not_found"),
        (ErrorCode::Api, "api"),
        (ErrorCode::BadResponse, "bad_response"),
        (ErrorCode::Network, "network"),
        (ErrorCode::Keychain, "keychain"),
        (ErrorCode::Io, "io"),
        (ErrorCode::Cancelled, "cancelled"),
        (ErrorCode::Busy, "busy"),
        (ErrorCode::KeyHost, "key_host"),
        (ErrorCode::SsoLogin, "sso_login"),
        (ErrorCode::Internal, "internal"),
    ];

    /// The UI and its tests match these strings: renaming a variant must fail here.
    #[test]
    fn every_code_keeps_its_wire_string() {
        for (code, wire) in EVERY_CODE {
            assert_eq!(serde_json::to_value(code).unwrap(), wire, "{code:?}");
            assert_eq!(code.as_str(), wire, "{code:?}");
            let back: ErrorCode = serde_json::from_value(wire.into()).unwrap();
            assert_eq!(back, code);
        }
        // The TypeScript union lists the same strings, no more.
        let ts = <ErrorCode as ts_rs::TS>::inline();
        assert_eq!(ts.matches('"').count(), 2 * EVERY_CODE.len(), "{ts}");
        for (_, wire) in EVERY_CODE {
            assert!(
                ts.contains(&format!("\"{wire}\"")),
                "{wire} missing in {ts}"
            );
        }
    }

    /// Each engine error keeps the engine's code, so the app and the command line agree.
    #[test]
    fn engine_errors_keep_their_code() {
        use wa_sync_engine::Error;
        let text = || "what went wrong".to_string();
        let engine = [
            (Error::bad_input(text()), ErrorCode::BadInput),
            (Error::MissingKey(text()), ErrorCode::MissingKey),
            (Error::Auth(text()), ErrorCode::Auth),
            (Error::Unavailable(text()), ErrorCode::Unavailable),
            (Error::NotFound(text()), ErrorCode::NotFound),
            (Error::Api(text()), ErrorCode::Api),
            (Error::BadResponse(text()), ErrorCode::BadResponse),
            (Error::Network(text()), ErrorCode::Network),
            (Error::Keychain(text()), ErrorCode::Keychain),
            (Error::Io(text()), ErrorCode::Io),
        ];
        for (e, expected) in engine {
            let engine_code = e.code();
            let app = super::AppError::from(e);
            assert_eq!(app.code, expected);
            // What the UI receives is what the command line prints.
            assert_eq!(serde_json::to_value(app.code).unwrap(), engine_code);
            assert_eq!(app.message, "what went wrong");
        }
    }

    /// Bad input about one field is worded with that field's label, never a CLI flag.
    #[test]
    fn bad_input_names_the_form_field() {
        let err = wa_sync_engine::checks::TagFilter::parse(&["a,b"]).unwrap_err();
        let app = super::AppError::from(wa_sync_engine::Error::from(err));
        assert_eq!(app.code, ErrorCode::BadInput);
        assert!(
            app.message.starts_with("Tag filter: bad tag filter"),
            "{}",
            app.message
        );
        assert!(!app.message.contains("--"), "{}", app.message);
        let err = wa_sync_engine::checks::validate_account_id("a b").unwrap_err();
        assert!(super::AppError::from(err)
            .message
            .starts_with("Account: bad account ID"));
        for field in wa_sync_engine::Field::ALL {
            let label = super::field_label(field);
            assert!(!label.is_empty() && !label.starts_with('-'), "{field:?}");
        }
    }
}
