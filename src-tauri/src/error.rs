//! The one error type every command returns, serialised as `{code, message}`. Codes are the
//! engine's stable codes (`Error::code()`), plus `cancelled` for a run the user stopped and
//! `busy` for a run ID already in use. Messages never hold secrets (the engine guarantees that
//! for its errors; the app adds none that could).

use serde::Serialize;
use ts_rs::TS;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "../ui/src/bindings/")]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn cancelled() -> Self {
        AppError::new("cancelled", "the run was cancelled; nothing was changed")
    }
}

impl From<wa_sync_engine::Error> for AppError {
    fn from(e: wa_sync_engine::Error) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AppError {}

pub type AppResult<T> = Result<T, AppError>;
