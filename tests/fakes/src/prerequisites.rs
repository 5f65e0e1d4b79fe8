//! Tests that need something from outside the repository (an unlocked keychain, moto's server,
//! poppler's tools, fonts) skip with a notice on a developer's machine that lacks it, but fail
//! where it must be present: in CI (`CI` set, as CI services do) or when the variable
//! `WA_SYNC_REQUIRE_<WHAT>` is set (`make test-rust` sets them all), so a missing tool can never
//! turn a test into one that passes without checking anything.

/// What a test needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prerequisite {
    /// An unlocked Secret Service keychain (`WA_SYNC_KEYCHAIN_TESTS=1` says one is).
    Keychain,
    /// moto's `moto_server` (`WA_SYNC_MOTO_SERVER` or the PATH).
    Moto,
    /// poppler-utils: `pdftoppm`, `pdftotext`, `pdffonts`.
    Poppler,
    /// The fonts the Makefile installs: DejaVu Sans and Droid Sans Fallback.
    Fonts,
}

impl Prerequisite {
    /// The variable that makes this prerequisite required.
    pub fn require_variable(self) -> &'static str {
        match self {
            Prerequisite::Keychain => "WA_SYNC_REQUIRE_KEYCHAIN",
            Prerequisite::Moto => "WA_SYNC_REQUIRE_MOTO",
            Prerequisite::Poppler => "WA_SYNC_REQUIRE_POPPLER",
            Prerequisite::Fonts => "WA_SYNC_REQUIRE_FONTS",
        }
    }

    /// Whether a test lacking it must fail rather than skip.
    pub fn required(self) -> bool {
        let on = |name: &str| {
            std::env::var(name).is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
        };
        on("CI") || on(self.require_variable())
    }
}

/// Called by a test that cannot run here because `what` is missing (`how` says how to provide
/// it): panics when the prerequisite is required, else prints a notice so the skip is visible.
pub fn missing(what: Prerequisite, how: &str) {
    let message = format!("{what:?} is missing: {how}");
    if what.required() {
        panic!(
            "{message}\n(required because CI or {} is set; this test must not pass without checking)",
            what.require_variable()
        );
    }
    eprintln!(
        "SKIPPED: {message} (set {} to make this a failure)",
        what.require_variable()
    );
}
