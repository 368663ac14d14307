//! External configuration under IBM's names: credentials files and environment variables.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{BasicAuth, BearerToken, CloudPakAuthenticator, IamAuthenticator, NoAuth};
use crate::config::{Config, ConfigBuilder, RetryPolicy};
use crate::error::{Error, Result};

/// Names of the credentials file looked for in the working and the home directory.
const CREDENTIALS_FILE_NAME: &str = "ibm-credentials.env";

/// Keys whose values never appear in messages.
const SECRET_KEYS: &[&str] = &["APIKEY", "PASSWORD", "BEARER_TOKEN", "CLIENT_SECRET"];

/// Looks up one variable.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where [`Config::from_source`] reads configuration: a variable lookup (the process
/// environment for [`ConfigSource::system`]) and the credentials files tried in order.
///
/// Keys, each prefixed with the service name and `_` (`ASSISTANT_URL`, …):
///
/// | key | meaning |
/// | --- | --- |
/// | `URL` | service URL |
/// | `AUTH_TYPE` | `iam`, `bearerToken`, `basic`, `cp4d` or `noAuth` (any case); `iam` when only `APIKEY` is set |
/// | `APIKEY` | IAM API key (or Cloud Pak for Data API key, or basic `apikey:<key>`) |
/// | `AUTH_URL` | IAM URL (default `https://iam.cloud.ibm.com`), Cloud Pak for Data URL (required) |
/// | `BEARER_TOKEN` | token for `bearerToken` |
/// | `USERNAME`, `PASSWORD` | for `basic` and `cp4d` |
/// | `CLIENT_ID`, `CLIENT_SECRET` | IAM client credentials (both or neither) |
/// | `SCOPE` | IAM scope |
/// | `DISABLE_SSL` | `true` skips TLS verification of the service |
/// | `AUTH_DISABLE_SSL` | `true` skips TLS verification of the token service |
/// | `ENABLE_GZIP` | `true` compresses request bodies |
/// | `ENABLE_RETRIES` | `true` retries failed calls |
/// | `MAX_RETRIES` | retries at most (default 4) |
/// | `RETRY_INTERVAL` | longest wait between retries, in seconds (default 30) |
pub struct ConfigSource {
    env: Lookup,
    files: Option<Vec<PathBuf>>,
}

impl fmt::Debug for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigSource")
            .field("files", &self.files())
            .finish_non_exhaustive()
    }
}

impl ConfigSource {
    /// This process: its environment variables, and the files `IBM_CREDENTIALS_FILE`,
    /// `./ibm-credentials.env` and `~/ibm-credentials.env`.
    pub fn system() -> Self {
        ConfigSource::from_lookup(|name| std::env::var(name).ok())
    }

    /// Variables from `lookup` instead of the environment; the file list is worked out from
    /// it as for [`ConfigSource::system`] (`IBM_CREDENTIALS_FILE`, then the working
    /// directory, then `HOME` or `USERPROFILE`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        ConfigSource {
            env: Arc::new(lookup),
            files: None,
        }
    }

    /// Variables from a map.
    pub fn from_map<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map: BTreeMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        ConfigSource::from_lookup(move |name| map.get(name).cloned())
    }

    /// Replaces the credentials files tried, in order (an empty list reads none).
    pub fn with_files(mut self, files: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        self.files = Some(files.into_iter().map(Into::into).collect());
        self
    }

    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.is_empty())
    }

    /// The credentials files to try, in order, and whether each was named explicitly.
    fn files(&self) -> Vec<(PathBuf, bool)> {
        if let Some(files) = &self.files {
            return files.iter().map(|f| (f.clone(), true)).collect();
        }
        let mut files = Vec::new();
        if let Some(named) = self.var("IBM_CREDENTIALS_FILE") {
            files.push((PathBuf::from(named), true));
        }
        if let Ok(cwd) = std::env::current_dir() {
            files.push((cwd.join(CREDENTIALS_FILE_NAME), false));
        }
        if let Some(home) = self.var("HOME").or_else(|| self.var("USERPROFILE")) {
            files.push((Path::new(&home).join(CREDENTIALS_FILE_NAME), false));
        }
        files
    }
}

/// The keys of one service from one source.
struct Properties {
    prefix: String,
    origin: String,
    values: BTreeMap<String, String>,
}

impl Properties {
    fn key(&self, name: &str) -> String {
        format!("{}_{name}", self.prefix)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn require(&self, name: &str, why: &str) -> Result<&str> {
        self.get(name).ok_or_else(|| {
            Error::Configuration(format!(
                "{} is required {why} ({})",
                self.key(name),
                self.origin
            ))
        })
    }

    fn bool(&self, name: &str) -> Result<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(self.invalid(name, "is not `true` or `false`")),
            },
        }
    }

    fn number(&self, name: &str) -> Result<Option<u64>> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| self.invalid(name, "is not a whole number"))
            })
            .transpose()
    }

    fn invalid(&self, name: &str, why: &str) -> Error {
        let shown = if SECRET_KEYS.contains(&name) {
            String::new()
        } else {
            format!("=`{}`", self.get(name).unwrap_or_default())
        };
        Error::Configuration(format!("{}{shown} {why} ({})", self.key(name), self.origin))
    }
}

/// Normalises a service name as IBM does: upper case, `-` as `_`.
fn normalise(service_name: &str) -> String {
    service_name.trim().to_ascii_uppercase().replace('-', "_")
}

/// Reads the `KEY=value` lines of a credentials file: `#` comments and blank lines are
/// skipped, an `export ` prefix and quotes around the value are dropped.
pub(crate) fn parse_credentials(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|q| {
                value
                    .strip_prefix(*q)
                    .and_then(|v| v.strip_suffix(*q))
                    .filter(|_| value.len() >= 2)
            })
            .unwrap_or(value);
        out.insert(key.trim().to_owned(), value.to_owned());
    }
    out
}

/// The keys of `prefix` in a map of all keys.
fn select(all: &BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    let start = format!("{prefix}_");
    all.iter()
        .filter_map(|(k, v)| k.strip_prefix(&start).map(|k| (k.to_owned(), v.clone())))
        .collect()
}

const KNOWN_KEYS: &[&str] = &[
    "URL",
    "APIKEY",
    "AUTH_TYPE",
    "AUTH_URL",
    "BEARER_TOKEN",
    "USERNAME",
    "PASSWORD",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "SCOPE",
    "DISABLE_SSL",
    "AUTH_DISABLE_SSL",
    "ENABLE_GZIP",
    "ENABLE_RETRIES",
    "MAX_RETRIES",
    "RETRY_INTERVAL",
];

/// The first source holding keys of the service, each source tried with each of its names
/// in turn.
fn find(names: &[&str], source: &ConfigSource) -> Result<Properties> {
    let prefixes: Vec<String> = names.iter().map(|name| normalise(name)).collect();
    let Some(service) = prefixes.first() else {
        return Err(Error::Configuration(
            "no service name to read the configuration under".into(),
        ));
    };
    for (path, named) in source.files() {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => continue,
            Err(e) => {
                return Err(Error::Configuration(format!(
                    "cannot read the credentials file {} (IBM_CREDENTIALS_FILE): {e}",
                    path.display()
                )));
            }
        };
        let all = parse_credentials(&text);
        for prefix in &prefixes {
            let values = select(&all, prefix);
            if !values.is_empty() {
                return Ok(Properties {
                    prefix: prefix.clone(),
                    origin: format!("in {}", path.display()),
                    values,
                });
            }
        }
    }
    for prefix in &prefixes {
        let values: BTreeMap<String, String> = KNOWN_KEYS
            .iter()
            .filter_map(|k| {
                source
                    .var(&format!("{prefix}_{k}"))
                    .map(|v| ((*k).to_owned(), v))
            })
            .collect();
        if !values.is_empty() {
            return Ok(Properties {
                prefix: prefix.clone(),
                origin: "in the environment".into(),
                values,
            });
        }
    }
    Err(Error::Configuration(format!(
        "no configuration for {service}: set {service}_APIKEY (or {service}_AUTH_TYPE and its \
         credentials) in the environment or in an ibm-credentials.env file"
    )))
}

fn load(names: &[&str], source: &ConfigSource) -> Result<Config> {
    let props = find(names, source)?;
    let mut builder = Config::builder();
    if let Some(url) = props.get("URL") {
        if url::Url::parse(url.trim_end_matches('/')).is_err() {
            return Err(props.invalid("URL", "is not a valid URL"));
        }
        builder = builder.service_url(url);
    }
    builder = builder
        .disable_ssl_verification(props.bool("DISABLE_SSL")?)
        .gzip(props.bool("ENABLE_GZIP")?);
    let max_retries = props.number("MAX_RETRIES")?;
    let interval = props.number("RETRY_INTERVAL")?;
    if props.bool("ENABLE_RETRIES")? {
        let max_retries = match max_retries {
            Some(n) => {
                u32::try_from(n).map_err(|_| props.invalid("MAX_RETRIES", "is too large"))?
            }
            None => RetryPolicy::DEFAULT_MAX_RETRIES,
        };
        let interval = interval
            .map(Duration::from_secs)
            .unwrap_or(RetryPolicy::DEFAULT_MAX_INTERVAL);
        builder = builder.retries(max_retries, interval);
    }
    builder = authenticator(&props, builder)?;
    builder.build().map_err(|e| match e {
        Error::Configuration(m) => Error::Configuration(format!("{m} ({})", props.origin)),
        other => other,
    })
}

impl Config {
    /// Reads the configuration of a service the way IBM's SDKs do: from the file named by
    /// `IBM_CREDENTIALS_FILE`, `./ibm-credentials.env`, `~/ibm-credentials.env`, then the
    /// environment; the first that holds any key of the service wins. `names` are the
    /// service's name (such as `["ASSISTANT"]`) and then older names, each read in a source
    /// when the ones before it have no keys there. See [`ConfigSource`] for the keys.
    pub fn from_env(names: &[&str]) -> Result<Config> {
        Config::from_source(names, &ConfigSource::system())
    }

    /// Like [`Config::from_env`], reading from `source` instead of this process (for tests,
    /// or configuration kept elsewhere).
    pub fn from_source(names: &[&str], source: &ConfigSource) -> Result<Config> {
        load(names, source)
    }
}

fn authenticator(props: &Properties, builder: ConfigBuilder) -> Result<ConfigBuilder> {
    let auth_type = match props.get("AUTH_TYPE") {
        Some(t) => t.to_ascii_lowercase(),
        None if props.get("APIKEY").is_some() => "iam".into(),
        None if props.get("BEARER_TOKEN").is_some() => "bearertoken".into(),
        None if props.get("USERNAME").is_some() => "basic".into(),
        None => {
            return Err(Error::Configuration(format!(
                "{} or {} is required to choose how to authenticate ({})",
                props.key("APIKEY"),
                props.key("AUTH_TYPE"),
                props.origin
            )));
        }
    };
    let annotate = |e: Error, key: &str| match e {
        Error::Configuration(m) => {
            Error::Configuration(format!("{m} ({}, {})", props.key(key), props.origin))
        }
        other => other,
    };
    Ok(match auth_type.as_str() {
        "iam" => {
            let mut iam = IamAuthenticator::builder(props.require("APIKEY", "for IAM")?)
                .disable_ssl_verification(props.bool("AUTH_DISABLE_SSL")?);
            if let Some(url) = props.get("AUTH_URL") {
                iam = iam.url(url);
            }
            match (props.get("CLIENT_ID"), props.get("CLIENT_SECRET")) {
                (None, None) => {}
                (Some(id), Some(secret)) => iam = iam.client_id_and_secret(id, secret),
                (Some(_), None) => {
                    return Err(Error::Configuration(format!(
                        "{} is set, so {} is required ({})",
                        props.key("CLIENT_ID"),
                        props.key("CLIENT_SECRET"),
                        props.origin
                    )));
                }
                (None, Some(_)) => {
                    return Err(Error::Configuration(format!(
                        "{} is set, so {} is required ({})",
                        props.key("CLIENT_SECRET"),
                        props.key("CLIENT_ID"),
                        props.origin
                    )));
                }
            }
            if let Some(scope) = props.get("SCOPE") {
                iam = iam.scope(scope);
            }
            builder.authenticator(iam.build().map_err(|e| annotate(e, "AUTH_URL"))?)
        }
        "bearertoken" => builder.authenticator(BearerToken::new(
            props.require("BEARER_TOKEN", "for bearerToken")?,
        )),
        "basic" => {
            let basic = match (props.get("USERNAME"), props.get("APIKEY")) {
                (Some(user), _) => BasicAuth::new(user, props.require("PASSWORD", "for basic")?),
                (None, Some(key)) => BasicAuth::api_key(key),
                (None, None) => {
                    return Err(Error::Configuration(format!(
                        "{} and {} (or {}) are required for basic ({})",
                        props.key("USERNAME"),
                        props.key("PASSWORD"),
                        props.key("APIKEY"),
                        props.origin
                    )));
                }
            };
            builder.authenticator(basic.map_err(|e| annotate(e, "USERNAME"))?)
        }
        "cp4d" => {
            let url = props.require("AUTH_URL", "for cp4d")?;
            let user = props.require("USERNAME", "for cp4d")?;
            let cp4d = match (props.get("PASSWORD"), props.get("APIKEY")) {
                (Some(password), _) => CloudPakAuthenticator::with_password(url, user, password),
                (None, Some(key)) => CloudPakAuthenticator::with_api_key(url, user, key),
                (None, None) => {
                    return Err(Error::Configuration(format!(
                        "{} or {} is required for cp4d ({})",
                        props.key("PASSWORD"),
                        props.key("APIKEY"),
                        props.origin
                    )));
                }
            };
            let cp4d = cp4d.disable_ssl_verification(props.bool("AUTH_DISABLE_SSL")?);
            builder.authenticator(cp4d.build().map_err(|e| annotate(e, "AUTH_URL"))?)
        }
        "noauth" => builder.authenticator(NoAuth),
        _ => {
            return Err(props.invalid(
                "AUTH_TYPE",
                "is not one of iam, bearerToken, basic, cp4d, noAuth",
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_files_are_read_as_ibm_writes_them() {
        let text = "# comment\n\nexport A_URL=\"https://x\"\nA_APIKEY='k=v'\n  A_SCOPE = s  \nnot a pair\nA_EMPTY=\nA_QUOTE=\"\n";
        let parsed = parse_credentials(text);
        let expected: BTreeMap<String, String> = [
            ("A_URL", "https://x"),
            ("A_APIKEY", "k=v"),
            ("A_SCOPE", "s"),
            ("A_EMPTY", ""),
            ("A_QUOTE", "\""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(parsed, expected);
    }

    #[test]
    fn each_name_is_tried_in_turn_and_normalised() {
        let source = ConfigSource::from_map([
            ("OLD_NAME_AUTH_TYPE", "noAuth"),
            ("OLD_NAME_URL", "https://old.example.com"),
        ])
        .with_files(Vec::<PathBuf>::new());
        let config = Config::from_source(&["my-service", "old-name"], &source).unwrap();
        assert_eq!(config.service_url(), Some("https://old.example.com"));
        // Only the names given are read: no other prefix stands in.
        let err = Config::from_source(&["my-service"], &source).unwrap_err();
        assert!(
            err.to_string().contains("no configuration for MY_SERVICE"),
            "{err}"
        );
        assert!(Config::from_source(&[], &source).is_err());
    }

    #[test]
    fn a_bad_value_names_its_key_and_never_quotes_a_secret() {
        // The message of the error that `vars` alone (no credentials file) make for `svc`.
        let refusal = |vars: &[(&str, &str)]| {
            let source =
                ConfigSource::from_map(vars.iter().copied()).with_files(Vec::<PathBuf>::new());
            let err = Config::from_source(&["svc"], &source).unwrap_err();
            err.to_string()
        };
        let err = refusal(&[
            ("SVC_AUTH_TYPE", "sorcery"),
            ("SVC_APIKEY", "hunter2"),
            ("SVC_MAX_RETRIES", "many"),
        ]);
        assert!(
            err.contains("SVC_MAX_RETRIES=`many` is not a whole number"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
        let err = refusal(&[("SVC_AUTH_TYPE", "sorcery"), ("SVC_APIKEY", "hunter2")]);
        assert!(
            err.contains("SVC_AUTH_TYPE=`sorcery` is not one of"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
}
