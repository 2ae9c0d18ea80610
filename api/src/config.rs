//! Configuration from `CANYU_*` environment variables, with defaults that run on a fresh
//! machine. A bad value stops start-up with one sentence naming the variable.

use std::{net::SocketAddr, time::Duration};

use chrono_tz::Tz;

use poem_openapi::Enum;

use crate::enums;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// The most PostgreSQL connections an instance holds (SQLite always has one). Few beat
    /// many: a connection past what the server's cores can run only queues inside it.
    pub database_connections: u32,
    /// `None`: the in-process cache.
    pub redis_url: Option<String>,
    /// Prefix of every cache key, so several installations (or tests) can share one Redis.
    pub redis_prefix: String,
    pub bind: SocketAddr,
    /// The portal's address as people reach it (`https://canyu.example.gov.cn`), for links
    /// that leave the portal: the URL in a check-in QR code.
    pub public_url: String,
    /// The district's time zone, for display and working-day rules.
    pub timezone: Tz,
    pub session_ttl: Duration,
    /// How long after an event who signed up for it is kept.
    pub retention: Duration,
    /// Password hashes computed at once (each takes a core and about 19 MiB).
    pub password_slots: usize,
    /// The shortest consultation window, even with a published reason for one under 30 days.
    pub min_consultation: chrono::Duration,
    /// Whether webhooks may call loopback and private addresses (a development setting).
    pub webhooks_to_internal: bool,
    /// How often survey counts the cache missed are caught up (figures exact within it).
    pub survey_reconcile_every: Duration,
    /// The bases on which the district accepts public representatives, checked when a
    /// resident applies (e.g. living or working in the district).
    pub representative_eligibility: Vec<Eligibility>,
    /// How long before an open day starts its door opens for check-in (until it ends).
    pub checkin_opens_before: chrono::Duration,
}

/// The bases on which a person may represent the district (the meetings area's); which of
/// them the district accepts is its configuration (`GET /representatives/eligibility`).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Eligibility {
    LivesInDistrict,
    WorksInDistrict,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/canyu.db?mode=rwc";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, thiserror::Error)]
#[error("{name} is not valid ({value:?}): {reason}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    reason: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url =
            lookup("CANYU_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::new(
                "CANYU_DATABASE_URL",
                &database_url,
                "use sqlite://PATH or postgres://USER@HOST/DB",
            ));
        }
        let redis_url = lookup("CANYU_REDIS_URL");
        if let Some(url) = &redis_url {
            if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
                return Err(ConfigError::new(
                    "CANYU_REDIS_URL",
                    url,
                    "use redis://HOST:PORT",
                ));
            }
        }
        let bind = parse(
            "CANYU_BIND",
            lookup("CANYU_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            "use HOST:PORT, e.g. 127.0.0.1:8080",
        )?;
        let public_url = lookup("CANYU_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "CANYU_PUBLIC_URL",
                &public_url,
                "use the portal's address, e.g. https://canyu.example.gov.cn",
            ));
        }
        let checkin_minutes: u32 = parse(
            "CANYU_CHECKIN_OPENS_BEFORE_MINUTES",
            lookup("CANYU_CHECKIN_OPENS_BEFORE_MINUTES").unwrap_or_else(|| "120".into()),
            "use a whole number of minutes from 0 to 1440",
        )?;
        if checkin_minutes > 1440 {
            return Err(ConfigError::new(
                "CANYU_CHECKIN_OPENS_BEFORE_MINUTES",
                &checkin_minutes.to_string(),
                "use a whole number of minutes from 0 to 1440",
            ));
        }
        let timezone = parse(
            "CANYU_TIMEZONE",
            lookup("CANYU_TIMEZONE").unwrap_or_else(|| "Asia/Shanghai".into()),
            "use an IANA zone name such as Asia/Shanghai",
        )?;
        let session_hours: u64 = parse(
            "CANYU_SESSION_TTL_HOURS",
            lookup("CANYU_SESSION_TTL_HOURS").unwrap_or_else(|| "720".into()),
            "use a whole number of hours",
        )?;
        let retention_days: u64 = parse(
            "CANYU_RETENTION_DAYS",
            lookup("CANYU_RETENTION_DAYS").unwrap_or_else(|| "90".into()),
            "use a whole number of days",
        )?;
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let database_connections: u32 = parse(
            "CANYU_DATABASE_CONNECTIONS",
            lookup("CANYU_DATABASE_CONNECTIONS").unwrap_or_else(|| (2 * cores).max(4).to_string()),
            "use a whole number of at least 1",
        )?;
        let password_slots: usize = parse(
            "CANYU_PASSWORD_SLOTS",
            lookup("CANYU_PASSWORD_SLOTS").unwrap_or_else(|| cores.to_string()),
            "use a whole number of at least 1",
        )?;
        let min_consultation_days: u32 = parse(
            "CANYU_MIN_CONSULTATION_DAYS",
            lookup("CANYU_MIN_CONSULTATION_DAYS").unwrap_or_else(|| "7".into()),
            "use a whole number of days from 1 to 30",
        )?;
        if !(1..=30).contains(&min_consultation_days) {
            return Err(ConfigError::new(
                "CANYU_MIN_CONSULTATION_DAYS",
                &min_consultation_days.to_string(),
                "use a whole number of days from 1 to 30",
            ));
        }
        let webhooks_to_internal = parse(
            "CANYU_WEBHOOKS_TO_INTERNAL",
            lookup("CANYU_WEBHOOKS_TO_INTERNAL").unwrap_or_else(|| "false".into()),
            "use true or false",
        )?;
        let reconcile_secs: u64 = parse(
            "CANYU_SURVEY_RECONCILE_SECS",
            lookup("CANYU_SURVEY_RECONCILE_SECS").unwrap_or_else(|| "30".into()),
            "use a whole number of seconds of at least 1",
        )?;
        let eligibility = lookup("CANYU_REPRESENTATIVE_ELIGIBILITY")
            .unwrap_or_else(|| "lives_in_district,works_in_district".into());
        let representative_eligibility = eligibility
            .split(',')
            .map(|basis| enums::parse::<Eligibility>(basis.trim()).ok())
            .collect::<Option<Vec<_>>>()
            .filter(|bases| !bases.is_empty())
            .ok_or_else(|| {
                ConfigError::new(
                    "CANYU_REPRESENTATIVE_ELIGIBILITY",
                    &eligibility,
                    "list lives_in_district and/or works_in_district, separated by commas",
                )
            })?;
        Ok(Self {
            checkin_opens_before: chrono::Duration::minutes(i64::from(checkin_minutes)),
            public_url,
            representative_eligibility,
            survey_reconcile_every: Duration::from_secs(reconcile_secs.max(1)),
            webhooks_to_internal,
            min_consultation: chrono::Duration::days(i64::from(min_consultation_days)),
            password_slots: password_slots.max(1),
            retention: Duration::from_secs(retention_days * 24 * 3600),
            database_url,
            database_connections: database_connections.max(1),
            redis_url,
            redis_prefix: lookup("CANYU_REDIS_PREFIX").unwrap_or_else(|| "canyu:".into()),
            bind,
            timezone,
            session_ttl: Duration::from_secs(session_hours * 3600),
        })
    }
}

fn parse<T: std::str::FromStr>(
    name: &'static str,
    value: String,
    reason: &str,
) -> Result<T, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| ConfigError::new(name, &value, reason))
}

impl ConfigError {
    fn new(name: &'static str, value: &str, reason: &str) -> Self {
        Self {
            name,
            value: value.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_run_on_a_fresh_machine() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.bind.to_string(), DEFAULT_BIND);
        assert_eq!(config.timezone, chrono_tz::Asia::Shanghai);
        assert!(config.redis_url.is_none());
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.checkin_opens_before, chrono::Duration::hours(2));
    }

    #[test]
    fn the_public_address_and_the_door_are_settings() {
        let set = config(&[
            ("CANYU_PUBLIC_URL", "https://canyu.example.gov.cn/"),
            ("CANYU_CHECKIN_OPENS_BEFORE_MINUTES", "30"),
        ])
        .unwrap();
        assert_eq!(set.public_url, "https://canyu.example.gov.cn");
        assert_eq!(set.checkin_opens_before, chrono::Duration::minutes(30));
        for (name, value) in [
            ("CANYU_PUBLIC_URL", "canyu.example.gov.cn"),
            ("CANYU_CHECKIN_OPENS_BEFORE_MINUTES", "1441"),
            ("CANYU_CHECKIN_OPENS_BEFORE_MINUTES", "-5"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        let err = config(&[("CANYU_TIMEZONE", "Mars/Olympus")]).unwrap_err();
        assert!(
            err.to_string().starts_with("CANYU_TIMEZONE is not valid"),
            "{err}"
        );
        let err = config(&[("CANYU_BIND", "nowhere")]).unwrap_err();
        assert!(err.to_string().contains("CANYU_BIND"), "{err}");
        let err = config(&[("CANYU_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(err.to_string().contains("CANYU_DATABASE_URL"), "{err}");
    }
}
