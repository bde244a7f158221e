//! The vocabulary of the endpoint declaration: endpoints, parameters,
//! output fields, their sources and aggregations. The declarations
//! themselves are in [`super::fields`]; parsing, planning, execution, both
//! renderings and OpenAPI read them and nothing else.

use super::names::NameKind;
use super::table::{ColumnId, Table};
use serde::Serialize;

/// The six endpoints of the source document, and agentStatusTime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Endpoint {
    /// Contacts' history statistics.
    ContactHistory,
    /// Agents' history statistics.
    AgentHistory,
    /// Contacts' current-day statistics (completed and active).
    ContactStatistic,
    /// Agents' current-day quarter-hour statistics.
    AgentStatistic,
    /// Agents' current states.
    AgentStatus,
    /// The status change log.
    AgentStatusHistory,
    /// Time in each agent state per bucket, from the status change log
    /// (beyond RAI v1).
    AgentStatusTime,
}

impl Endpoint {
    /// All endpoints.
    pub const ALL: [Endpoint; 7] = [
        Endpoint::ContactHistory,
        Endpoint::AgentHistory,
        Endpoint::ContactStatistic,
        Endpoint::AgentStatistic,
        Endpoint::AgentStatus,
        Endpoint::AgentStatusHistory,
        Endpoint::AgentStatusTime,
    ];

    /// The endpoint's path name (`contactHistory`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::ContactHistory => "contactHistory",
            Endpoint::AgentHistory => "agentHistory",
            Endpoint::ContactStatistic => "contactStatistic",
            Endpoint::AgentStatistic => "agentStatistic",
            Endpoint::AgentStatus => "agentStatus",
            Endpoint::AgentStatusHistory => "agentStatusHistory",
            Endpoint::AgentStatusTime => "agentStatusTime",
        }
    }

    /// The endpoint named `name` (case-sensitive).
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The kind of an output field: drives filtering, sorting and rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Kind {
    /// A GUID (text; filterable).
    Id,
    /// Free text or a name (filterable).
    Text,
    /// An enum value (text; filterable).
    Enum,
    /// The timeCategory label (sorts chronologically).
    Label,
    /// A count or a duration (JSON integer).
    Int,
    /// A timestamp (UTC, milliseconds).
    Timestamp,
    /// A non-integer number (JSON number), such as a ratio.
    Number,
}

impl Kind {
    /// Text fields accept `field=pattern` filters (SPEC §5, §11).
    pub fn filterable(self) -> bool {
        matches!(self, Kind::Id | Kind::Text | Kind::Enum)
    }
}

/// The show-flags (boolean parameters that turn dimensions on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flag {
    /// showChannel.
    Channel,
    /// showChannelType.
    ChannelType,
    /// showQueue.
    Queue,
    /// showUser.
    User,
    /// showProfile.
    Profile,
    /// showCampaign.
    Campaign,
    /// showDetails.
    Details,
    /// showOnlyContactCenter.
    OnlyContactCenter,
    /// showAgentInfo.
    AgentInfo,
    /// showReportingGroup.
    ReportingGroup,
    /// showUserStatus.
    UserStatus,
    /// showAvailability.
    Availability,
}

impl Flag {
    /// Number of flags.
    pub const COUNT: usize = 12;

    /// The parameter name.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Channel => "showChannel",
            Flag::ChannelType => "showChannelType",
            Flag::Queue => "showQueue",
            Flag::User => "showUser",
            Flag::Profile => "showProfile",
            Flag::Campaign => "showCampaign",
            Flag::Details => "showDetails",
            Flag::OnlyContactCenter => "showOnlyContactCenter",
            Flag::AgentInfo => "showAgentInfo",
            Flag::ReportingGroup => "showReportingGroup",
            Flag::UserStatus => "showUserStatus",
            Flag::Availability => "showAvailability",
        }
    }
}

/// When a field is part of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Show {
    /// Always.
    Always,
    /// When the flag is true.
    If(Flag),
    /// When the flag is false ("only when showUser is false").
    Unless(Flag),
    /// When a timeCategory other than null is given.
    TimeCategory,
    /// When `derived=` names derived metric number N of the endpoint.
    Derived(u8),
}

/// How a metric aggregates: each kind's state, merge and finalize live in
/// the executor's metric module, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Op {
    /// Number of rows (that meet the condition).
    Count,
    /// Sum of the input (wrapping at 64 bits).
    Sum,
    /// Maximum of the input (0 over no rows for durations).
    Max,
    /// The distribution of the input (a mergeable quantile sketch), read
    /// by percentile expressions.
    Distribution,
    /// Milliseconds in state: the rows of one user (the table's userId),
    /// in input-timestamp order, are changes; the state a row begins holds
    /// every field's latest value within the row's session (the table's
    /// session column) and lasts until the user's next row (the last one:
    /// to now). The sum, over the group's states, of those spans clipped
    /// to the plan's time range (ended at now) and to the group's bucket.
    StateTime,
}

/// What a metric aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Input {
    /// Nothing (counts).
    Rows,
    /// A number or timestamp column of the table.
    Column(ColumnId),
    /// `now − timestamp column`, clamped at 0.
    SinceNow(ColumnId),
}

/// A metric: `op` of `input` over the rows where the boolean column `when`
/// is true (every row when None).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Agg {
    /// Aggregation.
    pub op: Op,
    /// Input value.
    pub input: Input,
    /// Row condition: a boolean column of the table.
    pub when: Option<ColumnId>,
    /// Counts only: count the rows whose input is at most this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_most: Option<i64>,
}

impl Agg {
    /// `op` of `input` where `when` holds.
    pub(crate) const fn new(op: Op, input: Input, when: Option<ColumnId>) -> Agg {
        Agg {
            op,
            input,
            when,
            at_most: None,
        }
    }
    /// The number of rows where `when` holds and `col` is at most `limit`.
    pub(crate) const fn count_at_most(col: ColumnId, when: Option<ColumnId>, limit: i64) -> Agg {
        Agg {
            op: Op::Count,
            input: Input::Column(col),
            when,
            at_most: Some(limit),
        }
    }
    /// The number of rows where `when` holds.
    pub(crate) const fn count(when: Option<ColumnId>) -> Agg {
        Agg::new(Op::Count, Input::Rows, when)
    }
    /// The sum of `col` where `when` holds.
    pub(crate) const fn sum(col: ColumnId, when: Option<ColumnId>) -> Agg {
        Agg::new(Op::Sum, Input::Column(col), when)
    }
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// The timeCategory label of the row's bucket.
    Bucket,
    /// A column that is also a group key (channel, type, ids).
    Key(ColumnId),
    /// A column of the stored row: showing it makes every stored row its
    /// own group (contactId of detail rows).
    RowKey(ColumnId),
    /// The current (translated) name of the id in a key column.
    KeyName(ColumnId, NameKind),
    /// An aggregate.
    Metric(Agg),
    /// A column of the row (a users column: of the row's user).
    Cell(ColumnId),
    /// The current (translated) name of the id in a column of the row; when
    /// the id has no name, the row's own text in the optional second column.
    CellName(ColumnId, NameKind, Option<ColumnId>),
    /// A text column translated as the given name kind.
    CellTranslated(ColumnId, NameKind),
    /// `now − timestamp column`.
    CellSince(ColumnId),
    /// A signed sum of aggregates (a derived metric's numerator or denominator).
    Linear(Linear),
    /// `numerator / denominator`, absent when the denominator is ≤ 0; a
    /// ratio is clamped to [0, 1].
    Quotient {
        /// The numerator.
        numerator: Linear,
        /// The denominator.
        denominator: Linear,
        /// Whether the quotient is a ratio (clamped to [0, 1]).
        ratio: bool,
    },
}

/// A signed sum of aggregates: `Σ sign × aggregate`.
pub(crate) type Linear = &'static [(i64, Agg)];

/// A metric computed after aggregation from the group's aggregates (RAI
/// beyond v1, asked for with `derived=`). It adds three fields: its value
/// (`serviceLevel`), its numerator (`serviceLevelNumerator`) and its
/// denominator (`serviceLevelDenominator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedMetric {
    /// The name (`serviceLevel`), also the `derived=` token.
    pub name: &'static str,
    /// A ratio in [0, 1] (else an average, in the numerator's unit).
    pub ratio: bool,
    pub(crate) numerator: Linear,
    pub(crate) denominator: Linear,
}

/// When a field's value is present beyond its source having one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// Whenever its source has a value.
    Always,
    /// Only while a counter column is > 0 (agentStatus's active-contact pairs).
    WhenPositive(ColumnId),
}

/// One output field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Output name.
    pub name: &'static str,
    /// Kind.
    pub kind: Kind,
    pub(crate) show: Show,
    pub(crate) src: Src,
    pub(crate) presence: Presence,
    /// Kept in a reduced row (see [`EndpointDecl::reduction`]).
    pub(crate) kept_when_reduced: bool,
}

/// Id-list parameters (for the typed builder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdParam {
    /// queueId.
    Queue,
    /// userId.
    User,
    /// campaignId.
    Campaign,
    /// profileId.
    Profile,
    /// reportingGroupId.
    ReportingGroup,
    /// sessionId.
    Session,
}

impl IdParam {
    /// The parameter name.
    pub fn name(self) -> &'static str {
        match self {
            IdParam::Queue => "queueId",
            IdParam::User => "userId",
            IdParam::Campaign => "campaignId",
            IdParam::Profile => "profileId",
            IdParam::ReportingGroup => "reportingGroupId",
            IdParam::Session => "sessionId",
        }
    }
}

/// The page size when no `limit` is given (SPEC §4).
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest page (SPEC §4: larger limits are capped).
pub const MAX_LIMIT: u64 = 10_000;
/// The `fill` values, the default first.
pub const FILL_VALUES: [&str; 2] = ["none", "zero"];
/// The most rows `fill=zero` may produce (a larger fill is a 400), and
/// the most rows agentStatusTime's cutting of states into buckets may
/// make (a state of centuries cut by quarter hours is a 400, not minutes
/// of work ending in a timeout).
pub const MAX_FILL_ROWS: usize = 1_000_000;

/// The most bucket parts agentStatusTime may cut states into in one query
/// (many states of centuries cut by weeks are minutes of work however few
/// rows they sum into: a 400, as too many rows are).
pub const MAX_STATE_PARTS: usize = 4 * MAX_FILL_ROWS;
/// The most thresholds `serviceLevelThresholds=` takes.
pub const MAX_THRESHOLDS: usize = 20;
/// The largest threshold, in seconds.
pub const MAX_THRESHOLD_SECS: u32 = 3600;

/// How `serviceLevelThresholds=T,…` becomes fields: per threshold T, the
/// ratio `{prefix}{T}s` = rows (where `when` holds) whose `compared` is at
/// most T seconds, over `denominator`, with its `…Numerator` and
/// `…Denominator` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThresholdMetric {
    /// The field name prefix (`serviceLevel`).
    pub prefix: &'static str,
    /// The duration compared with the threshold.
    pub compared: ColumnId,
    /// The rows counted (handled ones).
    pub when: ColumnId,
    pub(crate) denominator: Linear,
}

/// The most percentiles `percentiles=` takes.
pub const MAX_PERCENTILES: usize = 20;

/// A duration that `percentiles=P,…` summarises: per P, the field
/// `p{P}{suffix}` (`p90QueuingDuration`) = the P-th percentile of `input`
/// over the rows where `when` holds (every row when None), by the
/// nearest-rank rule, within 1/256 of the exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PercentileMetric {
    /// The field name suffix (`QueuingDuration`).
    pub suffix: &'static str,
    /// The duration column.
    pub input: ColumnId,
    /// The rows whose durations are counted.
    pub when: Option<ColumnId>,
}

/// The default of the 0/1/2 inclusion parameters (1: keep).
pub const DEFAULT_INCLUDE: u8 = 1;

/// A parameter an endpoint accepts (anything else is a field filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Param {
    /// startTime.
    StartTime,
    /// endTime.
    EndTime,
    /// timeCategory.
    TimeCategory,
    /// timeZone.
    TimeZone,
    /// language.
    Language,
    /// An id list over a column (a users column: of the row's user).
    Ids(IdParam, ColumnId),
    /// channelType.
    ChannelType,
    /// A boolean show-flag with its default.
    Flag(Flag, bool),
    /// A boolean flag with its default that, when true, keeps only the rows
    /// where the boolean column is true (showOnlyContactCenter).
    Require(Flag, ColumnId, bool),
    /// A 0/1/2 parameter over a boolean column: 0 drops rows where it is
    /// true, 1 keeps all, 2 keeps only those (showDirectContacts).
    Include(&'static str, ColumnId),
    /// derived: a comma-separated list of the endpoint's derived metrics.
    Derived,
    /// fill: `none` (the default) or `zero` (every bucket of the range for
    /// every group, with zero counts and sums).
    Fill,
    /// serviceLevelThresholds: up to 20 thresholds in seconds.
    Thresholds,
    /// percentiles: up to 20 percentiles, whole numbers 1–99.
    Percentiles,
    /// sort.
    Sort,
    /// offset.
    Offset,
    /// limit.
    Limit,
}

impl Param {
    /// The parameter name.
    pub fn name(self) -> &'static str {
        match self {
            Param::StartTime => "startTime",
            Param::EndTime => "endTime",
            Param::TimeCategory => "timeCategory",
            Param::TimeZone => "timeZone",
            Param::Language => "language",
            Param::Ids(p, _) => p.name(),
            Param::ChannelType => "channelType",
            Param::Flag(f, _) | Param::Require(f, _, _) => f.name(),
            Param::Include(name, _) => name,
            Param::Derived => "derived",
            Param::Fill => "fill",
            Param::Thresholds => "serviceLevelThresholds",
            Param::Percentiles => "percentiles",
            Param::Sort => "sort",
            Param::Offset => "offset",
            Param::Limit => "limit",
        }
    }

    /// The show-flag this parameter sets, with its default.
    pub fn flag(self) -> Option<(Flag, bool)> {
        match self {
            Param::Flag(f, d) | Param::Require(f, _, d) => Some((f, d)),
            _ => None,
        }
    }
}

/// A row rule of the row endpoints: a row whose `column` holds `value`
/// shows only the fields marked as kept (SPEC §7: a LoggedOut user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reduction {
    /// The enum column tested.
    pub column: ColumnId,
    /// The value that reduces the row.
    pub value: &'static str,
}

/// One endpoint, declared.
#[derive(Debug)]
#[non_exhaustive]
pub struct EndpointDecl {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// The table it reads.
    pub table: Table,
    /// Accepted parameters.
    pub params: Vec<Param>,
    /// Output fields in output order.
    pub fields: Vec<Field>,
    /// startTime/endTime round up to quarter hours.
    pub rounded: bool,
    /// endTime is required.
    pub end_required: bool,
    /// The time key: the column startTime/endTime and buckets apply to.
    pub time_key: ColumnId,
    /// Rows are aggregated into groups (else one output row per stored row).
    pub aggregated: bool,
    /// Default sort key.
    pub default_sort: &'static str,
    /// The row rule of SPEC §7, if any.
    pub reduction: Option<Reduction>,
    /// The derived metrics `derived=` may ask for.
    pub derived: &'static [DerivedMetric],
    /// The fields `serviceLevelThresholds=` adds, if the endpoint takes it.
    pub thresholds: Option<&'static ThresholdMetric>,
    /// The durations `percentiles=` summarises (none: it does not take it).
    pub percentiles: &'static [PercentileMetric],
}

impl EndpointDecl {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<Param> {
        self.params.iter().copied().find(|p| p.name() == name)
    }

    /// The fields a `field=pattern` filter may name (SPEC §5: text fields
    /// that are not also a parameter's name).
    pub fn filterable_fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields
            .iter()
            .filter(|f| f.kind.filterable() && self.param(f.name).is_none())
            .map(|f| f.name)
    }

    /// The XML root element (`contactHistorys`).
    pub fn xml_root(&self) -> String {
        format!("{}s", self.endpoint.name())
    }

    /// The names of the fields a reduced row keeps (SPEC §7).
    pub fn kept_when_reduced(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().filter(|f| f.kept_when_reduced).map(|f| f.name)
    }
}
