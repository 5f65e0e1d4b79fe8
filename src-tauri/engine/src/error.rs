//! One error type for the whole engine. Every variant has a stable `code` that the command line
//! maps to an exit status and the desktop app branches on, and a message that says what is wrong
//! and how to fix it. Messages never contain secrets: the types that hold secrets do not
//! implement `Display` with their contents.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user typed or passed in is malformed; nothing was sent anywhere.
    #[error("{0}")]
    BadInput(String),
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
            Error::BadInput(_) => "bad_input",
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
        matches!(self, Error::BadInput(_) | Error::MissingKey(_))
    }

    pub fn bad_input(message: impl fmt::Display) -> Self {
        Error::BadInput(message.to_string())
    }

    pub fn io(what: impl fmt::Display, err: std::io::Error) -> Self {
        Error::Io(format!("{what}: {err}"))
    }
}
