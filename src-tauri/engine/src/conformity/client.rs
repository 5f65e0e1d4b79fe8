use super::model::{
    self, AccountsResponse, ExternalIdResponse, RuleSettingsResponse, ServicesResponse,
};
use crate::checks::{Check, Progress, RiskLevel, RuleSettings, TagFilter};
use crate::http::pacing::MAX_CONCURRENCY;
use crate::http::retry::RetryPolicy;
use crate::http::{Transport, TransportOptions, MAX_BODY_BYTES};
use crate::keychain::ApiKey;
use crate::source::{Account, FetchStats};
use crate::{Error, Result};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::{header, Method, StatusCode, Url};
use serde::Serialize;
use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

const CONTENT_TYPE: &str = "application/vnd.api+json";
/// Largest page the API serves.
const PAGE_SIZE: u64 = 1000;
/// `/checks` serves at most this many results for one query, however it is paged.
pub const RESULT_CAP: u64 = 10_000;

#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    /// A hard ceiling in requests per second; 0 for none: the pacing then adapts to the
    /// service's 429s (see [`crate::http::pacing`]).
    pub requests_per_second: f64,
    pub timeout: Duration,
    /// Answers larger than this are refused.
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            retry: RetryPolicy::default(),
            requests_per_second: 0.0,
            timeout: Duration::from_secs(30),
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

/// Conformity's answer to a hosted sync request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostedSyncAnswer {
    pub status: Option<String>,
    pub request_id: Option<String>,
    pub message: Option<String>,
}

pub struct ConformityClient {
    transport: Transport,
    base: Url,
    key: ApiKey,
}

/// One query of the partitioned download: the filters that narrow it.
#[derive(Clone, Debug, Default)]
struct Partition {
    filters: Vec<(&'static str, String)>,
    /// Which split comes next if this part is still over the cap.
    depth: usize,
}

/// One page of one partition's query.
struct PageJob {
    part: Arc<Partition>,
    number: u64,
}

impl ConformityClient {
    pub fn new(base: Url, key: ApiKey, options: ClientOptions) -> Result<Self> {
        let transport = Transport::new(
            "Conformity",
            &base,
            TransportOptions {
                retry: options.retry,
                requests_per_second: options.requests_per_second,
                timeout: options.timeout,
                throttle_wait: None,
                max_body_bytes: options.max_body_bytes,
            },
        )?;
        Ok(ConformityClient {
            transport,
            base,
            key,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.transport.requests_sent()
    }

    /// Sends one request, retrying 429 and 5xx, and maps failures to messages that say what to do.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Vec<u8>> {
        let url = crate::url::join(&self.base, path);
        let advice =
            "wait a few minutes and try again, or set a lower requests-per-second ceiling for Conformity";
        let answer = self
            .transport
            .send(&url, path, advice, |http| {
                let request = http
                    .request(method.clone(), url.clone())
                    .query(query)
                    .header(
                        header::AUTHORIZATION,
                        format!("ApiKey {}", self.key.expose()),
                    )
                    .header(header::CONTENT_TYPE, CONTENT_TYPE)
                    .header(header::ACCEPT, "application/vnd.api+json, application/json");
                match body {
                    Some(body) => request.body(body.to_string()),
                    None => request,
                }
            })
            .await?;
        answer.map_err(|a| api_error(a.status, path, &a.body))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        let bytes = self.send(Method::GET, path, query, None).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::BadResponse(format!(
                "Conformity's answer to {path} is not in the documented shape: {e}"
            ))
        })
    }

    /// The organisation's external ID (never cached: Conformity says it may change).
    pub async fn external_id(&self) -> Result<String> {
        let response: ExternalIdResponse = self.get_json("/organisation/external-id", &[]).await?;
        Ok(response.data.id)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let response: AccountsResponse = self.get_json("/accounts", &[]).await?;
        Ok(response
            .data
            .into_vec()
            .into_iter()
            .map(|a| Account {
                id: a.id,
                name: a.attributes.name,
                aws_account_id: a.attributes.aws_account_id.and_then(|v| match v {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Number(n) => Some(format!("{n:0>12}")),
                    _ => None,
                }),
                cloud_type: a.attributes.cloud_type,
                environment: a.attributes.environment,
            })
            .collect())
    }

    /// The account's rule settings: which rules are enabled (defaults included, so rules that
    /// are off until configured are known) and the risk levels the account configured. Defaults
    /// carry each rule's default risk level, which must not flatten the levels of rules that rate
    /// resources differently, so the configured levels are read separately.
    pub async fn rule_settings(&self, account_id: &str) -> Result<RuleSettings> {
        let path = format!("/accounts/{}/settings/rules", path_segment(account_id));
        let read = |query: Vec<(&'static str, String)>| {
            let path = path.clone();
            async move {
                match self.get_json::<RuleSettingsResponse>(&path, &query).await {
                    Ok(response) => Ok(response.into_settings()),
                    // Conformity answers 404 when nothing is configured.
                    Err(Error::NotFound(_)) => Ok(RuleSettings::new()),
                    Err(e) => Err(e),
                }
            }
        };
        let mut settings = read(vec![("includeDefaults", "true".into())]).await?;
        for setting in settings.values_mut() {
            setting.risk_level = None;
        }
        settings.extend(read(Vec::new()).await?);
        Ok(settings)
    }

    /// Rule titles from `GET /services` (AWS rules only).
    pub async fn rules(&self) -> Result<Vec<crate::mapping::RuleInfo>> {
        let response: ServicesResponse = self.get_json("/services", &[]).await?;
        Ok(response
            .included
            .into_iter()
            .filter(|r| r.kind.is_empty() || r.kind == "rules")
            .filter(|r| r.attributes.provider.as_deref().is_none_or(|p| p == "aws"))
            .map(|r| crate::mapping::RuleInfo {
                title: r.attributes.title.or(r.attributes.name).unwrap_or_default(),
                categories: r.attributes.categories,
                rule_id: r.id,
            })
            .collect())
    }

    /// The AWS service IDs (`EC2`, `CloudTrail`, …) that `filter[services]` takes.
    pub async fn service_ids(&self) -> Result<Vec<String>> {
        let response: ServicesResponse = self.get_json("/services", &[]).await?;
        Ok(response
            .data
            .into_iter()
            .filter(|s| {
                s.attributes
                    .as_ref()
                    .and_then(|a| a.provider.as_deref())
                    .is_none_or(|p| p == "aws")
            })
            .map(|s| s.id)
            .collect())
    }

    /// Streams every check of the account that matches the tag filter into `on_check`, page by
    /// page, splitting queries over the 10,000-result cap by status, then risk level, then
    /// service (the service list is fetched only if that last split is needed).
    ///
    /// Pages are fetched several at a time: once a query's first page states `meta.total`, its
    /// other pages, and the parts of a split query, are all requested at once and the shared
    /// pacing decides how many fly. Each page is counted as it arrives and then dropped, so
    /// memory holds at most the pages in flight.
    pub async fn for_each_check(
        &self,
        account_id: &str,
        tags: &TagFilter,
        progress: &dyn Progress,
        on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    ) -> Result<FetchStats> {
        let base = checks_query(account_id, tags);
        let requests_before = self.requests_sent();
        let mut stats = FetchStats::default();
        let mut available: Option<u64> = None;
        let mut services: Vec<String> = Vec::new();
        let fetch = |page: PageJob| {
            let mut query = base.clone();
            query.extend(page.part.filters.iter().cloned());
            query.push(("page[size]", PAGE_SIZE.to_string()));
            query.push(("page[number]", page.number.to_string()));
            async move {
                let bytes = self.send(Method::GET, "/checks", &query, None).await?;
                Ok::<_, Error>((page, bytes))
            }
        };
        let mut queue = VecDeque::from([PageJob {
            part: Arc::new(Partition::default()),
            number: 0,
        }]);
        let mut in_flight = FuturesUnordered::new();
        // Pages that arrived while the service list was being fetched.
        let mut arrived = VecDeque::new();
        loop {
            while in_flight.len() < MAX_CONCURRENCY as usize {
                let Some(job) = queue.pop_front() else { break };
                in_flight.push(fetch(job));
            }
            let answer = match arrived.pop_front() {
                Some(answer) => answer,
                None => match in_flight.next().await {
                    Some(answer) => answer,
                    None => break,
                },
            };
            let (job, bytes) = answer?;
            if job.number > 0 {
                let read = self.count_page(&bytes, on_check)?;
                stats.fetched += read;
                progress.checks_fetched(stats.fetched, available.unwrap_or(stats.fetched));
                continue;
            }
            let part = job.part;
            let total = page_total(&bytes)?;
            // The unsplit query is the only one at first, so its total comes first.
            available.get_or_insert(total);
            if total > RESULT_CAP {
                if part.depth == SERVICE_DEPTH && services.is_empty() {
                    services = self
                        .service_ids_while_polling(&mut in_flight, &mut arrived)
                        .await?;
                }
                if let Some(children) = split(&part, &services) {
                    stats.splits += 1;
                    queue.extend(children.into_iter().map(|child| PageJob {
                        part: Arc::new(child),
                        number: 0,
                    }));
                    continue;
                }
            }
            let read = self.count_page(&bytes, on_check)?;
            stats.fetched += read;
            progress.checks_fetched(stats.fetched, available.unwrap_or(total));
            queue.extend(later_pages(&part, total, read));
        }
        stats.available = available.unwrap_or(0);
        stats.requests = self.requests_sent() - requests_before;
        Ok(stats)
    }

    /// The service list, fetched while the pages in flight go on being polled: they hold places
    /// in the pacing, so leaving them unpolled could make this request wait for a place forever.
    async fn service_ids_while_polling<F: Future>(
        &self,
        in_flight: &mut FuturesUnordered<F>,
        arrived: &mut VecDeque<F::Output>,
    ) -> Result<Vec<String>> {
        let service_ids = self.service_ids();
        tokio::pin!(service_ids);
        loop {
            tokio::select! {
                ids = &mut service_ids => return ids,
                Some(answer) = in_flight.next() => arrived.push_back(answer),
            }
        }
    }

    /// How many checks of the account the tag filter selects: `meta.total` of a one-check
    /// page, one request whatever the size (the 10,000 cap limits reading, not counting).
    pub async fn count_checks(&self, account_id: &str, tags: &TagFilter) -> Result<u64> {
        let mut query = checks_query(account_id, tags);
        query.push(("page[size]", "1".to_string()));
        query.push(("page[number]", "0".to_string()));
        let first = self.send(Method::GET, "/checks", &query, None).await?;
        page_total(&first)
    }

    fn count_page(
        &self,
        bytes: &[u8],
        on_check: &mut (dyn FnMut(&Check<'_>) + Send),
    ) -> Result<u64> {
        model::visit_checks_page(bytes, None, &mut |check| on_check(check))
            .map_err(|e| Error::BadResponse(format!("Conformity /checks: {e}")))
    }

    /// Asks Conformity's own service to write the notes (`POST /well-architected-tool/sync`).
    pub async fn hosted_sync(
        &self,
        account_id: &str,
        role_arn: &str,
        workload_arn: &str,
        tags: &TagFilter,
    ) -> Result<HostedSyncAnswer> {
        let mut meta = serde_json::json!({
            "accountId": account_id,
            "roleArn": role_arn,
            "workloadArn": workload_arn,
        });
        if !tags.is_empty() {
            meta["filterTags"] = serde_json::json!(tags.values());
        }
        let bytes = self
            .send(
                Method::POST,
                "/well-architected-tool/sync",
                &[],
                Some(&serde_json::json!({ "meta": meta })),
            )
            .await?;
        let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let field = |name: &str| answer["meta"][name].as_str().map(str::to_string);
        Ok(HostedSyncAnswer {
            status: field("status"),
            request_id: field("requestId"),
            message: field("message"),
        })
    }
}

/// The `/checks` query of an account's checks that carry the tags.
fn checks_query(account_id: &str, tags: &TagFilter) -> Vec<(&'static str, String)> {
    let mut query = vec![("accountIds", account_id.to_string())];
    if let Some(value) = tags.query_value() {
        query.push(("filter[filterTags]", value));
    }
    query
}

/// The pages a query's total still needs after its first, at the size the first page came in
/// (`first_read` checks), up to the result cap.
fn later_pages(part: &Arc<Partition>, total: u64, first_read: u64) -> Vec<PageJob> {
    let readable = total.min(RESULT_CAP);
    if first_read == 0 || first_read >= readable {
        return Vec::new();
    }
    (1..readable.div_ceil(first_read))
        .map(|number| PageJob {
            part: Arc::clone(part),
            number,
        })
        .collect()
}

/// `meta.total` of a `/checks` page.
fn page_total(bytes: &[u8]) -> Result<u64> {
    #[derive(serde::Deserialize)]
    struct Head {
        meta: Option<model::ChecksMeta>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| {
        Error::BadResponse(format!(
            "Conformity /checks: not in the documented shape: {e}"
        ))
    })?;
    head.meta.and_then(|m| m.total).ok_or_else(|| {
        Error::BadResponse("Conformity /checks: the response has no meta.total".into())
    })
}

/// The depth at which a query is split by service.
const SERVICE_DEPTH: usize = 2;

/// The next split of a query that is over the cap, or `None` when no filter is left to split by.
fn split(part: &Partition, services: &[String]) -> Option<Vec<Partition>> {
    let (name, values): (&'static str, Vec<String>) = match part.depth {
        0 => ("filter[statuses]", vec!["SUCCESS".into(), "FAILURE".into()]),
        1 => (
            "filter[riskLevels]",
            RiskLevel::DESCENDING
                .iter()
                .map(|r| r.api_name().to_string())
                .collect(),
        ),
        SERVICE_DEPTH if !services.is_empty() => ("filter[services]", services.to_vec()),
        _ => return None,
    };
    Some(
        values
            .into_iter()
            .map(|value| {
                let mut filters = part.filters.clone();
                filters.push((name, value));
                Partition {
                    filters,
                    depth: part.depth + 1,
                }
            })
            .collect(),
    )
}

/// Account IDs go into URL paths; anything but the documented characters is refused earlier,
/// this only guards against a slash slipping through.
fn path_segment(id: &str) -> String {
    id.replace('/', "%2F")
}

/// Turns an error answer into a message that names the likely cause.
fn api_error(status: StatusCode, path: &str, body: &[u8]) -> Error {
    let detail = error_detail(body);
    let code = status.as_u16();
    match code {
        401 | 403 => Error::Auth(format!(
            "Conformity refused the API key for {path} (HTTP {code}{}): the key is wrong, expired, \
             for another region, or its role lacks access{}. Check the key and region in Conformity \
             (Administration > API Keys)",
            detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default(),
            if path.contains("well-architected-tool") { " (hosted sync needs an ADMIN key and a role and workload in the account's AWS account)" } else { "" }
        )),
        404 => Error::NotFound(format!(
            "Conformity does not know {path} (HTTP 404){}; check the account ID with `wa-sync accounts`",
            detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
        )),
        _ => Error::Api(format!(
            "Conformity answered HTTP {code} for {path}{}",
            detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
        )),
    }
}

/// The human part of Conformity's error bodies, whichever of its shapes it uses.
fn error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if let Some(message) = value["Message"].as_str().or(value["message"].as_str()) {
        return Some(message.to_string());
    }
    let parts: Vec<String> = value["errors"]
        .as_array()?
        .iter()
        .filter_map(|e| {
            let text = e["details"]
                .as_str()
                .or(e["detail"].as_str())
                .or(e["message"].as_str())?;
            Some(match e["source"]["pointer"].as_str() {
                Some(pointer) => format!("{text} ({pointer})"),
                None => text.to_string(),
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_in_every_documented_shape() {
        assert_eq!(
            error_detail(br#"{"Message":"User is not authorized"}"#).unwrap(),
            "User is not authorized"
        );
        assert_eq!(
            error_detail(br#"{"errors":[{"status":422,"source":{"pointer":"/meta/roleArn"},"details":"bad role"}]}"#).unwrap(),
            "bad role (/meta/roleArn)"
        );
        assert_eq!(
            error_detail(br#"{"errors":[{"status":500,"detail":"Internal"}]}"#).unwrap(),
            "Internal"
        );
        assert_eq!(error_detail(b"<html>"), None);
        let err = api_error(
            StatusCode::UNAUTHORIZED,
            "/accounts",
            br#"{"errors":[{"status":401,"message":"Unauthorized"}]}"#,
        );
        assert_eq!(err.code(), "auth");
        assert!(err.to_string().contains("API key"));
    }

    #[test]
    fn splits_go_status_then_risk_then_service() {
        let services = vec!["EC2".to_string(), "S3".to_string()];
        let first = split(&Partition::default(), &services).unwrap();
        assert_eq!(first.len(), 2);
        let second = split(&first[0], &services).unwrap();
        assert_eq!(second.len(), 5);
        assert_eq!(
            second[4].filters,
            [
                ("filter[statuses]", "SUCCESS".into()),
                ("filter[riskLevels]", "LOW".into())
            ]
        );
        let third = split(&second[0], &services).unwrap();
        assert_eq!(third.len(), 2);
        assert!(split(&third[0], &services).is_none());
    }
}
