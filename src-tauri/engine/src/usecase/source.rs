//! Opening a check source from configuration, the same way for both faces: which product,
//! its base URL (a URL wins over a region), its key (through [`Keys`]: the environment or the
//! keychain, bound to the host it was verified with) and its request-rate ceiling. Also the
//! reads that need only an opened client: tag match counts, the accounts, the external ID.

use crate::checks::{demo, TagFilter};
use crate::conformity::{base_url_for_region, ClientOptions, ConformityClient};
use crate::keychain::{self, ApiKey, KeyKind};
use crate::preview::{self, Source, TagMatchCount};
use crate::source::Account;
use crate::visionone::{self, VisionOneClient, VisionOneOptions};
use crate::{Error, Field, Result};
use std::path::PathBuf;
use url::Url;

/// Where a product's API keys come from. The CLI uses [`SystemKeys`]; the app its own store
/// (the same keychain, or memory in tests).
pub trait Keys {
    /// The face's error type, so a face keeps its own kinds of key failure (the app's "saved
    /// for another host").
    type Error: From<Error>;

    /// The key to send to `base`; a stored key only when it was verified with that base URL.
    fn key_for(&self, product: KeyKind, base: &Url) -> Result<ApiKey, Self::Error>;
}

/// The product's environment variable, else the keychain's key for that host.
pub struct SystemKeys;

impl Keys for SystemKeys {
    type Error = Error;

    fn key_for(&self, product: KeyKind, base: &Url) -> Result<ApiKey> {
        keychain::load_for(product, base)
    }
}

/// How to reach one product's API: its URL (wins) or its region, and an optional hard ceiling
/// in requests per second (`None` or 0: adapt to the service's 429s).
#[derive(Clone, Debug, Default)]
pub struct Endpoint {
    pub url: Option<String>,
    pub region: Option<String>,
    pub requests_per_second: Option<f64>,
}

impl Endpoint {
    fn given(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    fn rate_ceiling(&self, field: Field) -> Result<f64> {
        match self.requests_per_second {
            None => Ok(0.0),
            Some(rps) if rps.is_finite() && rps >= 0.0 => Ok(rps),
            Some(_) => Err(Error::bad_field(
                field,
                "the ceiling must be a number of requests per second (e.g. 2), or 0 or nothing \
                 to let wa-sync adapt to the service",
            )),
        }
    }

    /// Conformity's base URL; fails before any request.
    pub fn conformity_base(&self) -> Result<Url> {
        let text =
            match (Self::given(&self.url), Self::given(&self.region)) {
                (Some(url), _) => url.to_string(),
                (None, Some(region)) => base_url_for_region(region)?,
                (None, None) => return Err(Error::bad_field(
                    Field::ConformityRegion,
                    "no Conformity API given: choose its region (e.g. us-1) or give its API URL",
                )),
            };
        crate::url::parse_api_url(&text, Field::ConformityUrl)
    }

    /// Vision One's base URL; fails before any request.
    pub fn vision_one_base(&self) -> Result<Url> {
        visionone::resolve_base_url(Self::given(&self.url), Self::given(&self.region))
    }

    /// A Conformity client with its key; fails before any request.
    pub fn conformity_client<K: Keys + ?Sized>(
        &self,
        keys: &K,
    ) -> Result<ConformityClient, K::Error> {
        let base = self.conformity_base()?;
        let requests_per_second = self.rate_ceiling(Field::ConformityRps)?;
        let key = keys.key_for(KeyKind::Conformity, &base)?;
        let options = ClientOptions {
            requests_per_second,
            ..ClientOptions::default()
        };
        Ok(ConformityClient::new(base, key, options)?)
    }

    /// A Vision One client with its key; fails before any request.
    pub fn vision_one_client<K: Keys + ?Sized>(
        &self,
        keys: &K,
    ) -> Result<VisionOneClient, K::Error> {
        let base = self.vision_one_base()?;
        let requests_per_second = self.rate_ceiling(Field::VisionOneRps)?;
        let key = keys.key_for(KeyKind::VisionOne, &base)?;
        let options = VisionOneOptions {
            requests_per_second,
            ..VisionOneOptions::default()
        };
        Ok(VisionOneClient::new(base, key, options)?)
    }
}

/// Both products' endpoints as configured (flags and environment, or the app's settings).
#[derive(Clone, Debug, Default)]
pub struct ApiConfig {
    pub conformity: Endpoint,
    pub vision_one: Endpoint,
}

/// Where the checks come from.
#[derive(Clone, Debug)]
pub enum SourceConfig {
    /// The built-in demo account's checks (`account_id`: shown as the account; default the
    /// demo's own).
    Demo { account_id: Option<String> },
    /// Saved Conformity `/checks` pages, and optionally the account's rule settings.
    Files {
        checks: Vec<PathBuf>,
        rule_settings: Option<PathBuf>,
    },
    /// A product's API, for one of its accounts.
    Api {
        product: KeyKind,
        account_id: String,
    },
}

/// A check source opened from configuration, owning the API client it reads through.
pub enum OpenedSource {
    Demo {
        account_id: String,
    },
    Files {
        checks: Vec<PathBuf>,
        rule_settings: Option<PathBuf>,
    },
    Conformity {
        client: ConformityClient,
        account_id: String,
    },
    VisionOne {
        client: VisionOneClient,
        account_id: String,
    },
}

impl OpenedSource {
    /// Checks everything (the account ID, the tag filter the product must express, the
    /// endpoint, the key) before any request.
    pub fn open<K: Keys + ?Sized>(
        config: SourceConfig,
        api: &ApiConfig,
        tags: &TagFilter,
        keys: &K,
    ) -> Result<Self, K::Error> {
        Ok(match config {
            SourceConfig::Demo { account_id } => {
                if let Some(id) = &account_id {
                    crate::checks::validate_account_id(id)?;
                }
                OpenedSource::Demo {
                    account_id: account_id.unwrap_or_else(|| demo::ACCOUNT_ID.to_string()),
                }
            }
            SourceConfig::Files {
                checks,
                rule_settings,
            } => {
                if checks.is_empty() {
                    return Err(Error::bad_input(
                        "no saved checks file given: choose at least one",
                    )
                    .into());
                }
                OpenedSource::Files {
                    checks,
                    rule_settings,
                }
            }
            SourceConfig::Api {
                product,
                account_id,
            } => {
                crate::checks::validate_account_id(&account_id)?;
                match product {
                    KeyKind::Conformity => OpenedSource::Conformity {
                        client: api.conformity.conformity_client(keys)?,
                        account_id,
                    },
                    KeyKind::VisionOne => {
                        // A tag filter Vision One cannot express fails here, not mid-download.
                        VisionOneClient::checks_filter(&account_id, tags)?;
                        OpenedSource::VisionOne {
                            client: api.vision_one.vision_one_client(keys)?,
                            account_id,
                        }
                    }
                }
            }
        })
    }

    /// The engine's view of it, for a preview or a count.
    pub fn source(&self) -> Source<'_> {
        match self {
            OpenedSource::Demo { .. } => Source::Demo,
            OpenedSource::Files {
                checks,
                rule_settings,
            } => Source::Files {
                checks: checks.clone(),
                rule_settings: rule_settings.clone(),
            },
            OpenedSource::Conformity { client, account_id } => Source::Conformity {
                client,
                account_id: account_id.clone(),
            },
            OpenedSource::VisionOne { client, account_id } => Source::VisionOne {
                client,
                account_id: account_id.clone(),
            },
        }
    }

    /// The account the checks belong to; saved files do not say.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            OpenedSource::Files { .. } => None,
            OpenedSource::Demo { account_id }
            | OpenedSource::Conformity { account_id, .. }
            | OpenedSource::VisionOne { account_id, .. } => Some(account_id),
        }
    }

    /// The Conformity client, when the checks come from Conformity's API.
    pub fn conformity(&self) -> Option<&ConformityClient> {
        match self {
            OpenedSource::Conformity { client, .. } => Some(client),
            _ => None,
        }
    }
}

/// How many checks `tags` selects out of all the source's: the APIs count with their own tag
/// matching, saved files and the demo are counted with Conformity's semantics.
pub async fn count(source: &OpenedSource, tags: &TagFilter) -> Result<TagMatchCount> {
    preview::count_matching(&source.source(), tags).await
}

/// The product's accounts.
pub async fn accounts<K: Keys + ?Sized>(
    product: KeyKind,
    api: &ApiConfig,
    keys: &K,
) -> Result<Vec<Account>, K::Error> {
    Ok(match product {
        KeyKind::Conformity => api.conformity.conformity_client(keys)?.accounts().await?,
        KeyKind::VisionOne => api.vision_one.vision_one_client(keys)?.accounts().await?,
    })
}

/// The Conformity organisation's external ID (Vision One has none).
pub async fn external_id<K: Keys + ?Sized>(api: &ApiConfig, keys: &K) -> Result<String, K::Error> {
    Ok(api
        .conformity
        .conformity_client(keys)?
        .external_id()
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoKeys;
    impl Keys for NoKeys {
        type Error = Error;
        fn key_for(&self, product: KeyKind, _base: &Url) -> Result<ApiKey> {
            Err(Error::MissingKey(format!("no {} key", product.product())))
        }
    }

    fn api_source(product: KeyKind, account_id: &str) -> SourceConfig {
        SourceConfig::Api {
            product,
            account_id: account_id.into(),
        }
    }

    #[test]
    fn bad_input_is_named_by_field_before_any_key_is_looked_up() {
        let tags = TagFilter::default();
        let api = ApiConfig::default();
        let open = |config, api: &ApiConfig| {
            OpenedSource::open(config, api, &tags, &NoKeys)
                .err()
                .expect("an error")
        };
        let err = open(api_source(KeyKind::Conformity, "a b"), &api);
        assert_eq!(err.field(), Some(Field::AccountId));
        let err = open(api_source(KeyKind::Conformity, "acc-1"), &api);
        assert_eq!(err.field(), Some(Field::ConformityRegion));
        let err = open(api_source(KeyKind::VisionOne, "acc-1"), &api);
        assert_eq!(err.field(), Some(Field::VisionOneRegion));

        let mut api = ApiConfig::default();
        api.conformity.region = Some("us-1".into());
        api.conformity.requests_per_second = Some(-1.0);
        let err = open(api_source(KeyKind::Conformity, "acc-1"), &api);
        assert_eq!(err.field(), Some(Field::ConformityRps));
        api.conformity.url = Some("http://example.com/api".into());
        let err = open(api_source(KeyKind::Conformity, "acc-1"), &api);
        assert_eq!(err.field(), Some(Field::ConformityUrl));
        for err in [
            open(api_source(KeyKind::Conformity, "a b"), &api),
            open(api_source(KeyKind::VisionOne, "acc-1"), &api),
        ] {
            assert!(!err.to_string().contains("--"), "{err}");
        }
    }

    #[test]
    fn a_valid_configuration_asks_for_the_key_of_its_host() {
        let mut api = ApiConfig::default();
        api.vision_one.region = Some("uk".into());
        let err = OpenedSource::open(
            api_source(KeyKind::VisionOne, "acc-1"),
            &api,
            &TagFilter::default(),
            &NoKeys,
        )
        .err()
        .expect("no key");
        assert_eq!(err.code(), "missing_key");
        assert_eq!(err.to_string(), "no Vision One key");
    }

    #[test]
    fn the_demo_is_its_own_account_unless_told_otherwise() {
        let open = |account_id: Option<&str>| {
            OpenedSource::open(
                SourceConfig::Demo {
                    account_id: account_id.map(str::to_string),
                },
                &ApiConfig::default(),
                &TagFilter::default(),
                &NoKeys,
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(open(None).account_id(), Some(demo::ACCOUNT_ID));
        assert_eq!(open(Some("mine")).account_id(), Some("mine"));
    }
}
