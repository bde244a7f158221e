//! A typed builder for queries. It produces the same (name, value) pairs a
//! query string would, so validation, defaults and error texts are those of
//! [`Query::from_pairs`] — one parser for both ways in.

use super::Engine;
use crate::error::Result;
use crate::model::TimeCategory;
use crate::model::{guid_string, timestamp_string, Guid, Millis};
use crate::plan::{lower, LogicalPlan, Query};
use crate::render::QueryResult;
use crate::schema::{Endpoint, Flag, IdParam};

impl Engine {
    /// Starts a typed query: `engine.request(Endpoint::ContactHistory).start(t0).end(t1).run()`.
    pub fn request(&self, endpoint: Endpoint) -> Request<'_> {
        Request::new(self, endpoint)
    }
}

/// A query under construction; see [`Engine::request`].
#[derive(Debug, Clone)]
pub struct Request<'e> {
    engine: &'e Engine,
    endpoint: Endpoint,
    pairs: Vec<(String, String)>,
    now: Option<Millis>,
}

impl<'e> Request<'e> {
    fn new(engine: &'e Engine, endpoint: Endpoint) -> Self {
        Request {
            engine,
            endpoint,
            pairs: Vec::new(),
            now: None,
        }
    }

    /// Any parameter by name, as in a query string (field filters too).
    pub fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.pairs.push((name.to_string(), value.into()));
        self
    }

    /// startTime.
    pub fn start(self, t: Millis) -> Self {
        self.param("startTime", timestamp_string(t))
    }

    /// endTime.
    pub fn end(self, t: Millis) -> Self {
        self.param("endTime", timestamp_string(t))
    }

    /// timeCategory.
    pub fn time_category(self, c: TimeCategory) -> Self {
        self.param("timeCategory", c.name())
    }

    /// timeZone (an IANA name).
    pub fn time_zone(self, zone: &str) -> Self {
        self.param("timeZone", zone)
    }

    /// A show-flag.
    pub fn flag(self, flag: Flag, on: bool) -> Self {
        self.param(flag.name(), if on { "true" } else { "false" })
    }

    /// An id list (repeated calls add to the union).
    pub fn ids(self, param: IdParam, ids: impl IntoIterator<Item = Guid>) -> Self {
        let list: Vec<String> = ids.into_iter().map(guid_string).collect();
        self.param(param.name(), list.join(","))
    }

    /// A `field=pattern` filter.
    pub fn filter(self, field: &str, pattern: &str) -> Self {
        self.param(field, pattern)
    }

    /// The sort list, as in `sort=` (`-key`, `LOCALE-xx`).
    pub fn sort(self, keys: &str) -> Self {
        self.param("sort", keys)
    }

    /// Derived metrics by name (`serviceLevel`, …; see the endpoint's
    /// [`EndpointDecl::derived`](crate::EndpointDecl::derived)).
    pub fn derived(self, names: &[&str]) -> Self {
        self.param("derived", names.join(","))
    }

    /// `fill=zero` (true) or `fill=none`: every bucket of the range for every group.
    pub fn fill_zero(self, on: bool) -> Self {
        self.param("fill", crate::schema::FILL_VALUES[on as usize])
    }

    /// serviceLevelThresholds, in seconds.
    pub fn service_level_thresholds(self, secs: &[u32]) -> Self {
        let list: Vec<String> = secs.iter().map(u32::to_string).collect();
        self.param("serviceLevelThresholds", list.join(","))
    }

    /// percentiles (1–99): per summarised duration, `p{P}{Duration}` fields
    /// (`p90QueuingDuration`).
    pub fn percentiles(self, ps: &[u8]) -> Self {
        let list: Vec<String> = ps.iter().map(u8::to_string).collect();
        self.param(crate::schema::Param::Percentiles.name(), list.join(","))
    }

    /// language.
    pub fn language(self, lang: &str) -> Self {
        self.param("language", lang)
    }

    /// offset.
    pub fn offset(self, n: u64) -> Self {
        self.param("offset", n.to_string())
    }

    /// limit.
    pub fn limit(self, n: u64) -> Self {
        self.param("limit", n.to_string())
    }

    /// Answers at this instant instead of the engine's clock.
    pub fn at(mut self, now: Millis) -> Self {
        self.now = Some(now);
        self
    }

    /// Validates and plans.
    pub fn plan(&self) -> Result<LogicalPlan> {
        let q = Query::from_pairs(
            self.endpoint,
            self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            self.engine.default_language(),
        )?;
        Ok(lower(&q))
    }

    /// The query string these pairs make (what the result cache keys by).
    pub fn query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            out.append_pair(k, v);
        }
        out.finish()
    }

    /// Validates and runs (through the result cache, as a query string).
    pub fn run(&self) -> Result<QueryResult> {
        let now = self.now.unwrap_or_else(|| self.engine.now());
        self.engine.query_at(self.endpoint, &self.query_string(), now)
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse_guid, parse_timestamp, Endpoint, Engine, Flag, Format, IdParam, Table, TimeCategory};

    #[test]
    fn builder_equals_query_string() {
        let e = Engine::new().with_fixed_now(0);
        let row = r#"{"contactId":"6BE639E35B75440C840881F04D260EF8","channel":"Phone","type":"CallIn","queueId":"249CEA29B6494EF1B1D16D23FE70E702","queueName":"Sales","arrivalTime":"2019-01-01T13:05:00Z","changeTimestamp":"2019-01-01T13:09:00Z"}"#;
        assert!(e.load(Table::Contacts, Format::JsonLines, row.as_bytes()).is_ok());
        let built = e
            .request(Endpoint::ContactHistory)
            .start(parse_timestamp("2019-01-01").unwrap_or(0))
            .end(parse_timestamp("2019-01-02").unwrap_or(0))
            .time_category(TimeCategory::Hour)
            .flag(Flag::Channel, false)
            .ids(IdParam::Queue, parse_guid("249CEA29B6494EF1B1D16D23FE70E702"))
            .filter("queueName", "sa*")
            .sort("-queueName,LOCALE-fi")
            .limit(5)
            .run()
            .map(|r| r.to_json());
        let raw = e
            .query(
                Endpoint::ContactHistory,
                "startTime=2019-01-01&endTime=2019-01-02&timeCategory=hour&showChannel=false&queueId=249CEA29B6494EF1B1D16D23FE70E702&queueName=sa*&sort=-queueName,LOCALE-fi&limit=5",
            )
            .map(|r| r.to_json());
        assert!(built
            .as_ref()
            .is_ok_and(|b| b.contains("\"timeCategory\":\"2019-01-01T13:00:00.000Z\"")));
        assert_eq!(built, raw);
        let err = e
            .request(Endpoint::AgentHistory)
            .param("limit", "x")
            .run()
            .map(|r| r.total());
        assert_eq!(err.map_err(|e| e.to_string()), Err("Invalid limit: 'x'".to_string()));
    }
}
