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
        AppError::new(ErrorCode::of(&e), e.to_string())
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
            (Error::BadInput(text()), ErrorCode::BadInput),
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
}
