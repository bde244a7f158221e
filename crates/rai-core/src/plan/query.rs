//! SPEC §4, §5, §8, §11: reading a raw query string into a [`Query`], with
//! the exact 400 texts, first bad parameter first.

use crate::error::{Error, Result};
use crate::messages;
use crate::model::parse_locale;
use crate::model::Pattern;
use crate::model::{parse_guid, parse_language, parse_query_bool, parse_timestamp, round_up_quarter, Guid, Millis};
use crate::model::{parse_zone, TimeCategory};
use crate::schema::{
    ColumnId, Endpoint, EndpointDecl, Flag, Param, Show, DEFAULT_INCLUDE, DEFAULT_LIMIT, FILL_VALUES, MAX_LIMIT,
    MAX_PERCENTILES, MAX_THRESHOLDS, MAX_THRESHOLD_SECS,
};
use crate::schema::{CHANNELS, TYPES, TYPE_CHANNEL};
use chrono_tz::Tz;
use icu_locale_core::Locale;

/// A parsed, validated query for one endpoint: the parameters' values,
/// before planning. Built only by parsing, so it is always valid.
#[derive(Debug, Clone)]
pub struct Query {
    pub(crate) decl: &'static EndpointDecl,
    /// Range start (rounded where the endpoint rounds).
    pub(crate) start: Millis,
    /// Range end, exclusive (None = unbounded).
    pub(crate) end: Option<Millis>,
    pub(crate) category: TimeCategory,
    pub(crate) zone: Tz,
    /// language (lower case), if any.
    pub(crate) language: Option<String>,
    /// Id lists per column (unions of repeats).
    pub(crate) ids: Vec<(ColumnId, Vec<Guid>)>,
    /// Allowed contact types from channelType (None = all).
    pub(crate) types: Option<[bool; 6]>,
    /// Show-flags, resolved with defaults.
    pub(crate) flags: [bool; Flag::COUNT],
    /// fill=zero.
    pub(crate) fill: bool,
    /// serviceLevelThresholds, in seconds, distinct, in the order given.
    pub(crate) thresholds: Vec<u32>,
    /// percentiles (1–99), distinct, in the order given.
    pub(crate) percentiles: Vec<u8>,
    /// The derived metrics asked for (bit N: the endpoint's metric N).
    pub(crate) derived: u64,
    /// The 0/1/2 inclusion parameters given, per boolean column.
    pub(crate) includes: Vec<(ColumnId, u8)>,
    /// Field filters: field index → patterns (OR); fields AND.
    pub(crate) filters: Vec<(usize, Vec<Pattern>)>,
    /// Sort keys: field index, descending.
    pub(crate) sort: Vec<(usize, bool)>,
    /// Collation locale (None = root).
    pub(crate) locale: Option<Locale>,
    pub(crate) offset: u64,
    /// Rows to return (≤ [`MAX_LIMIT`]).
    pub(crate) limit: u64,
}

impl Query {
    /// Whether a flag is on.
    pub fn flag(&self, f: Flag) -> bool {
        self.flags[f as usize]
    }

    /// Whether field `i` is part of the returned rows.
    pub fn shows(&self, i: usize) -> bool {
        match self.decl.fields[i].show {
            Show::Always => true,
            Show::If(f) => self.flag(f),
            Show::Unless(f) => !self.flag(f),
            Show::TimeCategory => self.category != TimeCategory::Null,
            Show::Derived(n) => self.derived & (1 << n) != 0,
        }
    }

    /// Parses a raw query string (HTML form encoding) for `endpoint`.
    /// `default_language` applies when the query has no language.
    pub fn parse(endpoint: Endpoint, raw: &str, default_language: Option<&str>) -> Result<Query> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.trim_start_matches('?').as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Query::from_pairs(
            endpoint,
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            default_language,
        )
    }

    /// Builds a query from decoded (name, value) pairs in order.
    pub fn from_pairs<'a>(
        endpoint: Endpoint,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        default_language: Option<&str>,
    ) -> Result<Query> {
        let decl = endpoint.decl();
        let mut q = Query {
            decl,
            start: 0,
            end: None,
            category: TimeCategory::Null,
            zone: Tz::UTC,
            language: None,
            ids: Vec::new(),
            types: None,
            flags: [false; Flag::COUNT],
            fill: false,
            thresholds: Vec::new(),
            percentiles: Vec::new(),
            derived: 0,
            includes: Vec::new(),
            filters: Vec::new(),
            sort: Vec::new(),
            locale: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
        };
        let mut seen: Vec<&'static str> = Vec::new();
        let mut flags_given = [None::<bool>; Flag::COUNT];
        let (mut start, mut end) = (None::<Millis>, None::<Millis>);
        let mut sorts: Vec<String> = Vec::new();
        let mut language = None;
        // Each pair is read by `one`; an error names the pair's parameter.
        let mut one = |name: &str, value: &str| -> Result<()> {
            if name.is_empty() && !value.is_empty() {
                return Err(Error::query(messages::invalid_field("")));
            }
            if value.is_empty() {
                return Ok(());
            }
            let Some(param) = decl.param(name) else {
                let field = decl
                    .field(name)
                    .filter(|&i| decl.fields[i].kind.filterable())
                    .ok_or_else(|| Error::query(messages::invalid_field(name)))?;
                let pattern = Pattern::new(value);
                match q.filters.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, ps)) => ps.push(pattern),
                    None => q.filters.push((field, vec![pattern])),
                }
                return Ok(());
            };
            let first = !seen.contains(&param.name());
            if first {
                seen.push(param.name());
            }
            let invalid = || Error::query(messages::invalid_value(param.name(), value));
            match param {
                Param::StartTime | Param::EndTime => {
                    let t = parse_timestamp(value).ok_or_else(invalid)?;
                    let t = if decl.rounded { round_up_quarter(t) } else { t };
                    let slot = if param == Param::StartTime {
                        &mut start
                    } else {
                        &mut end
                    };
                    if first {
                        *slot = Some(t);
                    }
                }
                Param::TimeCategory => {
                    let c = TimeCategory::parse(value).ok_or_else(invalid)?;
                    if first {
                        q.category = c;
                    }
                }
                Param::TimeZone => {
                    let z = parse_zone(value).ok_or_else(invalid)?;
                    if first {
                        q.zone = z;
                    }
                }
                Param::Language => {
                    let l = parse_language(value).ok_or_else(invalid)?;
                    if first {
                        language = Some(l);
                    }
                }
                Param::Ids(_, col) => {
                    let mut list = Vec::new();
                    for tok in value.split(',') {
                        list.push(parse_guid(tok).ok_or_else(|| Error::query(messages::invalid_guid(tok)))?);
                    }
                    match q.ids.iter_mut().find(|(x, _)| *x == col) {
                        Some((_, v)) => v.extend(list),
                        None => q.ids.push((col, list)),
                    }
                }
                Param::ChannelType => {
                    let mut mask = q.types.unwrap_or([false; 6]);
                    for tok in value.split(',') {
                        let ch = CHANNELS.iter().position(|c| c.eq_ignore_ascii_case(tok));
                        let ty = TYPES.iter().position(|c| c.eq_ignore_ascii_case(tok));
                        match (ch, ty) {
                            (Some(c), _) => {
                                for (t, m) in mask.iter_mut().enumerate() {
                                    if TYPE_CHANNEL[t] as usize == c {
                                        *m = true;
                                    }
                                }
                            }
                            (None, Some(t)) => mask[t] = true,
                            (None, None) => {
                                return Err(Error::query(messages::invalid_channel_type(tok)));
                            }
                        }
                    }
                    q.types = Some(mask);
                }
                Param::Flag(flag, _) | Param::Require(flag, _, _) => {
                    let b = parse_query_bool(value).ok_or_else(invalid)?;
                    if first {
                        flags_given[flag as usize] = Some(b);
                    }
                }
                Param::Include(_, col) => {
                    let v = match value {
                        "0" => 0,
                        "1" => 1,
                        "2" => 2,
                        _ => return Err(invalid()),
                    };
                    if first && v != DEFAULT_INCLUDE {
                        q.includes.push((col, v));
                    }
                }
                Param::Offset | Param::Limit => {
                    if !value.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(invalid());
                    }
                    let n = value
                        .bytes()
                        .fold(0u64, |acc, b| acc.saturating_mul(10).saturating_add((b - b'0') as u64));
                    if first {
                        if param == Param::Offset {
                            q.offset = n;
                        } else {
                            q.limit = n.min(MAX_LIMIT);
                        }
                    }
                }
                Param::Thresholds => add_distinct(
                    &mut q.thresholds,
                    value,
                    1..=MAX_THRESHOLD_SECS,
                    MAX_THRESHOLDS,
                    messages::invalid_threshold,
                )?,
                Param::Percentiles => add_distinct(
                    &mut q.percentiles,
                    value,
                    1..=99,
                    MAX_PERCENTILES,
                    messages::invalid_percentile,
                )?,
                Param::Fill => {
                    let v = FILL_VALUES
                        .iter()
                        .position(|f| f.eq_ignore_ascii_case(value))
                        .ok_or_else(invalid)?;
                    if first {
                        q.fill = v == 1;
                    }
                }
                Param::Derived => {
                    for tok in value.split(',') {
                        let n = decl
                            .derived
                            .iter()
                            .position(|m| m.name == tok)
                            .ok_or_else(|| Error::query(messages::invalid_derived(tok)))?;
                        q.derived |= 1 << n;
                    }
                }
                Param::Sort => sorts.push(value.to_string()),
            }
            Ok(())
        };
        for (name, value) in pairs {
            one(name, value).map_err(|e| e.with_parameter(name))?;
        }
        let missing = |name: &str| Error::query(messages::missing_parameter(name)).with_parameter(name);
        q.start = start.ok_or_else(|| missing("startTime"))?;
        if decl.end_required && end.is_none() {
            return Err(missing("endTime"));
        }
        if let Some(e) = end {
            if e < q.start {
                return Err(Error::query(messages::END_BEFORE_START).with_parameter("endTime"));
            }
        }
        q.end = end;
        for (f, d) in decl.params.iter().filter_map(|p| p.flag()) {
            q.flags[f as usize] = flags_given[f as usize].unwrap_or(d);
        }
        q.language = language.or_else(|| default_language.map(|l| l.to_ascii_lowercase()));
        let mut chosen = None;
        for s in &sorts {
            let parsed = q.parse_sort(s).map_err(|e| e.with_parameter("sort"))?;
            if chosen.is_none() {
                chosen = Some(parsed);
            }
        }
        let (keys, locale) = chosen.unwrap_or_default();
        q.sort = keys;
        q.locale = locale;
        if q.sort.is_empty() {
            if let Some(i) = decl.field(decl.default_sort) {
                q.sort.push((i, false));
            }
        }
        Ok(q)
    }

    /// The fields past the declared ones, in output order: per threshold
    /// its three fields, then per summarised duration one field per
    /// percentile.
    pub(crate) fn extras(&self) -> Vec<(&'static str, Extra)> {
        let mut out = Vec::new();
        if let Some(t) = self.decl.thresholds {
            for &secs in &self.thresholds {
                for (part, name) in threshold_names(t.prefix, secs).into_iter().enumerate() {
                    out.push((name, Extra::Threshold { secs, part }));
                }
            }
        }
        for (metric, m) in self.decl.percentiles.iter().enumerate() {
            for &p in &self.percentiles {
                out.push((percentile_name(p, m.suffix), Extra::Percentile { p, metric }));
            }
        }
        out
    }

    /// An extra field asked for by name, as a field index past the
    /// declared ones: `len + its position in [`Query::extras`]`.
    fn extra_field(&self, name: &str) -> Option<usize> {
        let i = self.extras().iter().position(|(n, _)| *n == name)?;
        Some(self.decl.fields.len() + i)
    }

    /// Parses one `sort` value: keys (`-` = descending) and `LOCALE-xx` tokens.
    #[allow(clippy::type_complexity)]
    fn parse_sort(&self, s: &str) -> Result<(Vec<(usize, bool)>, Option<Locale>)> {
        let mut keys: Vec<(usize, bool)> = Vec::new();
        let mut locale = None;
        for tok in s.split(',') {
            if tok.len() >= 7 && tok.is_char_boundary(7) && tok[..7].eq_ignore_ascii_case("LOCALE-") {
                let tag = &tok[7..];
                locale = Some(parse_locale(tag).ok_or_else(|| Error::query(messages::invalid_locale(tag)))?);
                continue;
            }
            let (name, desc) = match tok.strip_prefix('-') {
                Some(n) => (n, true),
                None => (tok, false),
            };
            let i = self
                .decl
                .field(name)
                .filter(|&i| self.shows(i))
                .or_else(|| self.extra_field(name))
                .ok_or_else(|| Error::query(messages::invalid_sort_field(name)))?;
            if !keys.iter().any(|(k, _)| *k == i) {
                keys.push((i, desc));
            }
        }
        Ok((keys, locale))
    }
}

/// Adds the comma-separated whole numbers of `value` to `list`: each in
/// `range`, written in ASCII digits only, a repeat counted once, at most
/// `max` in all; the first bad token (or the first past `max`) is the error.
fn add_distinct<T: std::str::FromStr + PartialOrd + Copy>(
    list: &mut Vec<T>,
    value: &str,
    range: std::ops::RangeInclusive<T>,
    max: usize,
    invalid: fn(&str) -> String,
) -> Result<()> {
    for tok in value.split(',') {
        let n = tok
            .parse::<T>()
            .ok()
            .filter(|n| range.contains(n) && tok.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| Error::query(invalid(tok)))?;
        if !list.contains(&n) {
            if list.len() == max {
                return Err(Error::query(invalid(tok)));
            }
            list.push(n);
        }
    }
    Ok(())
}

/// A field past the declared ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    /// Part 0 (ratio), 1 (numerator) or 2 (denominator) of threshold `secs`.
    Threshold { secs: u32, part: usize },
    /// Percentile `p` of the endpoint's summarised duration number `metric`.
    Percentile { p: u8, metric: usize },
}

/// Interns a name made at query time: each distinct one is made once, and
/// the callers bound how many there can be.
fn intern(key: String) -> &'static str {
    use std::sync::{LazyLock, Mutex};
    static NAMES: LazyLock<Mutex<ahash::AHashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let Ok(mut set) = NAMES.lock() else {
        return Box::leak(key.into_boxed_str());
    };
    match set.get(key.as_str()) {
        Some(s) => s,
        None => {
            let s: &'static str = Box::leak(key.into_boxed_str());
            set.insert(s);
            s
        }
    }
}

/// The field of percentile `p` of a duration (`p90QueuingDuration`): at
/// most 99 per duration.
pub(crate) fn percentile_name(p: u8, suffix: &'static str) -> &'static str {
    intern(format!("p{p}{suffix}"))
}

/// The three field names of threshold `secs` (`serviceLevel20s`, `…Numerator`,
/// `…Denominator`), made once per distinct value: at most
/// [`MAX_THRESHOLD_SECS`] sets per prefix, so the memory is bounded.
pub(crate) fn threshold_names(prefix: &'static str, secs: u32) -> [&'static str; 3] {
    let base = format!("{prefix}{secs}s");
    [
        intern(base.clone()),
        intern(format!("{base}Numerator")),
        intern(format!("{base}Denominator")),
    ]
}

/// The instant of a retention request's query string (`before=…`, SPEC
/// §10), read as a GET query is: pairs with an empty value are skipped,
/// every repeat of `before` is validated and the first counts, any other
/// name is an invalid field.
pub fn retention_before(raw: &str) -> Result<Millis> {
    let mut first = None;
    for (k, v) in form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
        if v.is_empty() {
            continue;
        }
        if k != "before" {
            return Err(Error::query(messages::invalid_field(&k)).with_parameter(&k));
        }
        let t = parse_timestamp(&v)
            .ok_or_else(|| Error::query(messages::invalid_value("before", &v)).with_parameter("before"))?;
        first.get_or_insert(t);
    }
    first.ok_or_else(|| Error::query(messages::missing_parameter("before")).with_parameter("before"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(e: Endpoint, q: &str) -> String {
        match Query::parse(e, q, None) {
            Ok(_) => "OK".into(),
            Err(e) => e.to_string(),
        }
    }
    const CH: Endpoint = Endpoint::ContactHistory;
    const S: &str = "startTime=2019-01-01T00:00:00Z&endTime=2019-01-02T00:00:00Z";

    #[test]
    fn error_texts() {
        assert_eq!(err(CH, "endTime=2019-01-01"), "Missing parameter: 'startTime'");
        assert_eq!(err(CH, "startTime=2019-01-01"), "Missing parameter: 'endTime'");
        assert_eq!(err(Endpoint::ContactStatistic, "startTime=2019-01-01"), "OK");
        assert_eq!(err(CH, "startTime=x&endTime=y"), "Invalid startTime: 'x'");
        assert_eq!(
            err(CH, "startTime=2019-01-02&endTime=2019-01-01"),
            "endTime is before startTime"
        );
        assert_eq!(
            err(CH, &format!("{S}&queueId=2B8ED95B0EC911E79675005056A75D9")),
            "Invalid GUID: '2B8ED95B0EC911E79675005056A75D9'"
        );
        assert_eq!(
            err(CH, &format!("{S}&queueId=249CEA29B6494EF1B1D16D23FE70E702,")),
            "Invalid GUID: ''"
        );
        assert_eq!(
            err(CH, &format!("{S}&channelType=EMAIL,Calls")),
            "Invalid channelType: 'Calls'"
        );
        assert_eq!(err(CH, &format!("{S}&showUser=1")), "Invalid showUser: '1'");
        assert_eq!(
            err(CH, &format!("{S}&showDirectContacts=true")),
            "Invalid showDirectContacts: 'true'"
        );
        assert_eq!(err(CH, &format!("{S}&limit=1e3")), "Invalid limit: '1e3'");
        assert_eq!(err(CH, &format!("{S}&offset=-1")), "Invalid offset: '-1'");
        assert_eq!(
            err(CH, &format!("{S}&timeCategory=quarter_hour")),
            "Invalid timeCategory: 'quarter_hour'"
        );
        assert_eq!(
            err(CH, &format!("{S}&timeZone=Mars/Base")),
            "Invalid timeZone: 'Mars/Base'"
        );
        assert_eq!(err(CH, &format!("{S}&language=fin")), "Invalid language: 'fin'");
        assert_eq!(
            err(CH, &format!("{S}&maxWaitingDuration=5")),
            "Invalid field: 'maxWaitingDuration'"
        );
        assert_eq!(err(CH, &format!("{S}&=x")), "Invalid field: ''");
        assert_eq!(err(CH, &format!("{S}&sort=userName")), "Invalid sort field: 'userName'");
        assert_eq!(err(CH, &format!("{S}&sort=-foo")), "Invalid sort field: 'foo'");
        assert_eq!(
            err(CH, &format!("{S}&sort=queueName,LOCALE-en_US")),
            "Invalid locale: 'en_US'"
        );
        assert_eq!(
            err(Endpoint::AgentStatus, "startTime=2019-01-01&timeCategory=day"),
            "Invalid field: 'timeCategory'"
        );
    }

    #[test]
    fn first_bad_parameter_in_order_then_missing_then_range_then_sort() {
        assert_eq!(err(CH, "sort=foo&limit=x&startTime=2019-01-01"), "Invalid limit: 'x'");
        assert_eq!(err(CH, "sort=foo&endTime=2019-01-01"), "Missing parameter: 'startTime'");
        assert_eq!(
            err(CH, "sort=foo&startTime=2019-01-02&endTime=2019-01-01"),
            "endTime is before startTime"
        );
        assert_eq!(err(CH, &format!("sort=foo&{S}")), "Invalid sort field: 'foo'");
    }

    #[test]
    fn values_and_repeats() {
        let q = Query::parse(CH, &format!("{S}&limit=5&limit=7&offset=007&limit=99999"), None);
        let q = q.map(|q| (q.limit, q.offset)).unwrap_or_default();
        assert_eq!(q, (5, 7));
        let q = Query::parse(CH, &format!("{S}&limit=20000&queueId=&showUser=TRUE&&"), None);
        assert_eq!(
            q.map(|q| (q.limit, q.flag(Flag::User))).unwrap_or_default(),
            (10_000, true)
        );
        // Rounding: 13:05 → 13:15, 13:16 → 13:30.
        let q = Query::parse(
            CH,
            "startTime=2019-01-01T13:05:00.000Z&endTime=2019-01-01T13:16:00.000Z",
            None,
        );
        let q = q.map(|q| (q.start, q.end)).unwrap_or_default();
        assert_eq!(q.0, parse_timestamp("2019-01-01T13:15:00Z").unwrap_or(0));
        assert_eq!(q.1, parse_timestamp("2019-01-01T13:30:00Z"));
        let q = Query::parse(CH, &format!("{S}&sort=LOCALE-fi"), None)
            .map(|q| q.sort)
            .unwrap_or_default();
        assert_eq!(q, vec![(CH.decl().field("maxChangeTimestamp").unwrap_or(0), false)]);
    }
}
