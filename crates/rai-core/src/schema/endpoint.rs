//! THE declaration of every endpoint: its parameters and its output fields
//! (name, kind, order, which flag shows it, where its value comes from and
//! how it aggregates). Parsing, filtering, grouping, sorting and both
//! renderings read this and nothing else.

use crate::schema::{Table, CONTACT_FLAGS};
use crate::store::{bit, NameKind};
use std::sync::LazyLock;

/// The six endpoints of the source document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl Endpoint {
    /// All endpoints.
    pub const ALL: [Endpoint; 6] = [
        Endpoint::ContactHistory,
        Endpoint::AgentHistory,
        Endpoint::ContactStatistic,
        Endpoint::AgentStatistic,
        Endpoint::AgentStatus,
        Endpoint::AgentStatusHistory,
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
        }
    }

    /// The endpoint named `name` (case-sensitive).
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The endpoint's declaration.
    pub fn decl(self) -> &'static EndpointDecl {
        &DECLS[self as usize]
    }
}

/// The kind of an output field: drives filtering, sorting and rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl Kind {
    /// Text fields accept `field=pattern` filters (SPEC §5, §11).
    pub fn filterable(self) -> bool {
        matches!(self, Kind::Id | Kind::Text | Kind::Enum)
    }
}

/// The show-flags (boolean parameters that turn dimensions on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl Flag {
    /// Number of flags.
    pub const COUNT: usize = 9;

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
        }
    }
}

/// When a field is part of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Always.
    Always,
    /// When the flag is true.
    If(Flag),
    /// When the flag is false ("only when showUser is false").
    Unless(Flag),
    /// When a timeCategory other than null is given.
    TimeCategory,
}

/// A grouping dimension whose key is an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    /// applicationId.
    Application,
    /// queueId.
    Queue,
    /// userId.
    User,
    /// profileId.
    Profile,
    /// campaignId.
    Campaign,
}

/// How a metric aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Number of rows (that meet the condition).
    Count,
    /// Sum of the input.
    Sum,
    /// Maximum of the input (0 over no rows).
    Max,
}

/// What a metric aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A numeric column of the table, by name.
    Col(&'static str),
    /// `now − timestamp column` (clamped at 0).
    SinceNow(&'static str),
    /// readyDuration + notReadyDuration + pauseDuration.
    Serving,
    /// changeTimestamp.
    Change,
    /// Nothing (for counts).
    None,
}

/// A metric: `op` of `input` over the rows whose flag word has any bit of
/// `cond` (0 = all rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agg {
    /// Aggregation.
    pub op: Op,
    /// Input value.
    pub input: Input,
    /// Row condition as a bit mask of the contact flag word (0 = every row).
    pub cond: u32,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src {
    /// The timeCategory label of the row's bucket.
    Bucket,
    /// The segment's contactId (detail rows).
    ContactId,
    /// The contact's channel.
    Channel,
    /// The contact's type.
    Type,
    /// A dimension's id.
    Id(Dim),
    /// A dimension's current (translated) name.
    Name(Dim, NameKind),
    /// An aggregate.
    Metric(Agg),
    /// A column of the row (agentStatus, agentStatusHistory).
    Cell(&'static str),
    /// A column of the user's `users` row (agentStatus).
    UserCell(&'static str),
    /// A name kind of the id in a column of the row (e.g. userName of
    /// userId); when the id has no name, the row's own text in the optional
    /// second column (translated as that kind).
    CellName(&'static str, NameKind, Option<&'static str>),
    /// A name kind of the id in a column of the user's `users` row.
    UserCellName(&'static str, NameKind),
    /// A text column translated as the given name kind.
    CellTranslated(&'static str, NameKind),
    /// `now − timestamp column` (agentStatus).
    CellSince(&'static str),
}

/// One output field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Output name.
    pub name: &'static str,
    /// Kind.
    pub kind: Kind,
    /// When it is shown.
    pub show: Show,
    /// Where the value comes from.
    pub src: Src,
}

/// Id-list parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A parameter an endpoint accepts (anything else is a field filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// An id list.
    Ids(IdParam),
    /// channelType.
    ChannelType,
    /// A boolean show-flag with its default.
    Flag(Flag, bool),
    /// showDirectContacts (0, 1, 2; default 1).
    DirectContacts,
    /// showInternalContacts (0, 1, 2; default 1).
    InternalContacts,
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
            Param::Ids(p) => p.name(),
            Param::ChannelType => "channelType",
            Param::Flag(f, _) => f.name(),
            Param::DirectContacts => "showDirectContacts",
            Param::InternalContacts => "showInternalContacts",
            Param::Sort => "sort",
            Param::Offset => "offset",
            Param::Limit => "limit",
        }
    }
}

/// Which instant of a row is its time key (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKey {
    /// arrivalTime.
    Arrival,
    /// disconnectTime when completed, else arrivalTime.
    DisconnectOrArrival,
    /// intervalStart.
    IntervalStart,
    /// changeTimestamp.
    Change,
}

/// One endpoint, declared.
#[derive(Debug)]
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
    /// The time key.
    pub time_key: TimeKey,
    /// Rows are aggregated into groups (else one output row per stored row).
    pub aggregated: bool,
    /// Default sort key.
    pub default_sort: &'static str,
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

    /// The default of a flag (false if the endpoint does not take it).
    pub fn flag_default(&self, flag: Flag) -> bool {
        self.params
            .iter()
            .find_map(|p| match p {
                Param::Flag(f, d) if *f == flag => Some(*d),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// The XML root element (`contactHistorys`).
    pub fn xml_root(&self) -> String {
        format!("{}s", self.endpoint.name())
    }
}

const fn f(name: &'static str, kind: Kind, show: Show, src: Src) -> Field {
    Field { name, kind, show, src }
}
const fn count(cond: u32) -> Src {
    Src::Metric(Agg {
        op: Op::Count,
        input: Input::None,
        cond,
    })
}
const fn agg(op: Op, input: Input, cond: u32) -> Src {
    Src::Metric(Agg { op, input, cond })
}
const MAX_CHANGE: Field = f(
    "maxChangeTimestamp",
    Kind::Timestamp,
    Show::Always,
    agg(Op::Max, Input::Change, 0),
);
const LABEL: Field = f("timeCategory", Kind::Label, Show::TimeCategory, Src::Bucket);

/// The six sums/maxima of one contact duration column.
fn duration_family(out: &mut Vec<Field>, col: &'static str, names: [&'static str; 6]) {
    let (all, h, nh) = (0, bit::HANDLED, bit::NOT_HANDLED);
    let srcs = [
        agg(Op::Sum, Input::Col(col), all),
        agg(Op::Max, Input::Col(col), all),
        agg(Op::Sum, Input::Col(col), h),
        agg(Op::Max, Input::Col(col), h),
        agg(Op::Sum, Input::Col(col), nh),
        agg(Op::Max, Input::Col(col), nh),
    ];
    for (name, src) in names.into_iter().zip(srcs) {
        out.push(f(name, Kind::Int, Show::Always, src));
    }
}

fn contact_fields(statistic: bool) -> Vec<Field> {
    use Show::*;
    let mut v = vec![
        f("contactId", Kind::Id, If(Flag::Details), Src::ContactId),
        LABEL,
        f("channel", Kind::Enum, If(Flag::Channel), Src::Channel),
        f("type", Kind::Enum, If(Flag::ChannelType), Src::Type),
        f("applicationId", Kind::Id, If(Flag::Queue), Src::Id(Dim::Application)),
        f(
            "applicationName",
            Kind::Text,
            If(Flag::Queue),
            Src::Name(Dim::Application, NameKind::ApplicationName),
        ),
        f("queueId", Kind::Id, If(Flag::Queue), Src::Id(Dim::Queue)),
        f(
            "queueName",
            Kind::Text,
            If(Flag::Queue),
            Src::Name(Dim::Queue, NameKind::QueueName),
        ),
        f("userId", Kind::Id, If(Flag::User), Src::Id(Dim::User)),
        f(
            "userName",
            Kind::Text,
            If(Flag::User),
            Src::Name(Dim::User, NameKind::UserName),
        ),
        f("countOfArrivedContacts", Kind::Int, Unless(Flag::User), count(0)),
    ];
    if statistic {
        let since = |col| Input::SinceNow(col);
        v.extend([
            f(
                "countOfQueuingContacts",
                Kind::Int,
                Unless(Flag::User),
                count(bit::QUEUING),
            ),
            f(
                "countOfInProcessContacts",
                Kind::Int,
                Unless(Flag::User),
                count(bit::IN_PROCESS),
            ),
            f(
                "activeQueuingDuration",
                Kind::Int,
                Unless(Flag::User),
                agg(Op::Sum, since("queueArrivalTime"), bit::QUEUING),
            ),
            f(
                "activeMaxQueuingDuration",
                Kind::Int,
                Unless(Flag::User),
                agg(Op::Max, since("queueArrivalTime"), bit::QUEUING),
            ),
            f(
                "activeHandlingDuration",
                Kind::Int,
                Unless(Flag::User),
                agg(Op::Sum, since("connectTime"), bit::IN_PROCESS),
            ),
            f(
                "activeMaxHandlingDuration",
                Kind::Int,
                Unless(Flag::User),
                agg(Op::Max, since("connectTime"), bit::IN_PROCESS),
            ),
        ]);
    }
    v.push(f("countOfCompletedContacts", Kind::Int, Always, count(bit::COMPLETED)));
    v.push(f("countOfHandledContacts", Kind::Int, Always, count(bit::HANDLED)));
    const COUNT_NAMES: [&str; 8] = [
        "countOfFalseAttemptContacts",
        "countOfAbandonedContacts",
        "countOfServiceClosedContacts",
        "countOfAnsweredOnTimeContacts",
        "countOfOverflowedContacts",
        "countOfDivertedContacts",
        "countOfAgentTransferredContacts",
        "countOfTransferredInContacts",
    ];
    for (i, name) in COUNT_NAMES.into_iter().enumerate() {
        debug_assert!(name
            .to_ascii_lowercase()
            .contains(&CONTACT_FLAGS[i].to_ascii_lowercase()));
        v.push(f(name, Kind::Int, Always, count(1 << i)));
    }
    let families: &[(&str, [&str; 6])] = &[
        (
            "waitingDuration",
            [
                "waitingDuration",
                "maxWaitingDuration",
                "waitingDurationForHandled",
                "maxWaitingDurationForHandled",
                "waitingDurationForNotHandled",
                "maxWaitingDurationForNotHandled",
            ],
        ),
        (
            "queuingDuration",
            [
                "queuingDuration",
                "maxQueuingDuration",
                "queuingDurationForHandled",
                "maxQueuingDurationForHandled",
                "queuingDurationForNotHandled",
                "maxQueuingDurationForNotHandled",
            ],
        ),
    ];
    for (col, names) in families {
        duration_family(&mut v, col, *names);
    }
    let mut pairs = vec![
        ("handlingDuration", "maxHandlingDuration"),
        ("handlingDurationUser", "maxHandlingDurationUser"),
        ("afterworkDuration", "maxAfterworkDuration"),
    ];
    if !statistic {
        pairs.push(("holdDuration", "maxHoldDuration"));
    }
    for (col, max) in pairs {
        v.push(f(col, Kind::Int, Always, agg(Op::Sum, Input::Col(col), 0)));
        v.push(f(max, Kind::Int, Always, agg(Op::Max, Input::Col(col), 0)));
    }
    v.push(MAX_CHANGE);
    v
}

/// agentHistory's numeric fields in output order; agentStatistic's smaller list is a subset.
const AGENT_HISTORY_NUMBERS: &[&str] = &[
    "readyDuration",
    "notReadyDuration",
    "pauseDuration",
    "freeDuration",
    "waitingDuration",
    "contactHandlingDuration",
    "afterworkDuration",
    "restingDuration",
    "previewDuration",
    "countOfHandledCallIn",
    "callInDuration",
    "afterworkCallInDuration",
    "countOfHandledCallInDirect",
    "callInDirectDuration",
    "countOfHandledCallOut",
    "callOutDuration",
    "afterworkCallOutDuration",
    "countOfHandledCallOutDirect",
    "callOutDirectDuration",
    "countOfHandledEmailIn",
    "emailInDuration",
    "countOfHandledEmailOut",
    "emailOutDuration",
    "afterworkEmailInDuration",
    "countOfHandledChatIn",
    "countOfHandledChatOut",
    "chatDuration",
    "afterworkChatInDuration",
];

/// Fields agentStatistic leaves out of agentHistory's list (the source's smaller list).
const NOT_IN_AGENT_STATISTIC: &[&str] = &[
    "afterworkCallInDuration",
    "afterworkCallOutDuration",
    "afterworkEmailInDuration",
    "afterworkChatInDuration",
];

fn agent_fields(history: bool) -> Vec<Field> {
    use Show::*;
    let mut v = vec![
        LABEL,
        f("userId", Kind::Id, If(Flag::User), Src::Id(Dim::User)),
        f(
            "userName",
            Kind::Text,
            If(Flag::User),
            Src::Name(Dim::User, NameKind::UserName),
        ),
    ];
    if history {
        v.extend([
            f("profileId", Kind::Id, If(Flag::Profile), Src::Id(Dim::Profile)),
            f(
                "profileName",
                Kind::Text,
                If(Flag::Profile),
                Src::Name(Dim::Profile, NameKind::ProfileName),
            ),
            f(
                "profileReason",
                Kind::Text,
                If(Flag::Profile),
                Src::Name(Dim::Profile, NameKind::ProfileReason),
            ),
            f("campaignId", Kind::Id, If(Flag::Campaign), Src::Id(Dim::Campaign)),
            f(
                "campaignName",
                Kind::Text,
                If(Flag::Campaign),
                Src::Name(Dim::Campaign, NameKind::CampaignName),
            ),
        ]);
    }
    v.push(f("servingDuration", Kind::Int, Always, agg(Op::Sum, Input::Serving, 0)));
    for &name in AGENT_HISTORY_NUMBERS {
        if history || !NOT_IN_AGENT_STATISTIC.contains(&name) {
            v.push(f(name, Kind::Int, Always, agg(Op::Sum, Input::Col(name), 0)));
        }
    }
    v.push(MAX_CHANGE);
    v
}

fn agent_status_fields() -> Vec<Field> {
    use Show::*;
    let mut v = vec![
        f("userId", Kind::Id, Always, Src::Cell("userId")),
        f(
            "userName",
            Kind::Text,
            Always,
            Src::CellName("userId", NameKind::UserName, None),
        ),
        f("reportingGroupid", Kind::Id, Always, Src::UserCell("reportingGroupId")),
        f(
            "reportingGroupName",
            Kind::Text,
            Always,
            Src::UserCellName("reportingGroupId", NameKind::ReportingGroupName),
        ),
        f(
            "profile",
            Kind::Text,
            Always,
            Src::CellName("profileId", NameKind::ProfileName, Some("profile")),
        ),
        f(
            "profileReason",
            Kind::Text,
            Always,
            Src::CellTranslated("profileReason", NameKind::ProfileReason),
        ),
        f("profileType", Kind::Enum, Always, Src::Cell("profileType")),
        f("profileDuration", Kind::Int, Always, Src::CellSince("profileStartTime")),
        f("userStatus", Kind::Enum, Always, Src::Cell("userStatus")),
        f(
            "userStatusDuration",
            Kind::Int,
            Always,
            Src::CellSince("userStatusStartTime"),
        ),
        f("availability", Kind::Enum, Always, Src::Cell("availability")),
        f(
            "contactHandlingStatus",
            Kind::Enum,
            Always,
            Src::Cell("contactHandlingStatus"),
        ),
        f(
            "contactHandlingStatusDuration",
            Kind::Int,
            Always,
            Src::CellSince("contactHandlingStatusStartTime"),
        ),
    ];
    for (counter, start, duration) in crate::schema::ACTIVE_COUNTERS {
        v.push(f(counter, Kind::Int, Always, Src::Cell(counter)));
        v.push(f(duration, Kind::Int, Always, Src::CellSince(start)));
    }
    for name in ["number", "mobileNumber", "externalNumber", "email", "chatName", "chat"] {
        v.push(f(name, Kind::Text, If(Flag::AgentInfo), Src::UserCell(name)));
    }
    v.push(f(
        "chatCapacity",
        Kind::Int,
        If(Flag::AgentInfo),
        Src::UserCell("chatCapacity"),
    ));
    v.push(f(
        "location",
        Kind::Text,
        If(Flag::AgentInfo),
        Src::UserCell("location"),
    ));
    v.push(f(
        "changeTimestamp",
        Kind::Timestamp,
        Always,
        Src::Cell("changeTimestamp"),
    ));
    v
}

fn agent_status_history_fields() -> Vec<Field> {
    use Show::*;
    vec![
        f("sessionId", Kind::Id, Always, Src::Cell("sessionId")),
        f("userId", Kind::Id, Always, Src::Cell("userId")),
        f(
            "userName",
            Kind::Text,
            Always,
            Src::CellName("userId", NameKind::UserName, None),
        ),
        f("signOn", Kind::Timestamp, Always, Src::Cell("signOn")),
        f(
            "profile",
            Kind::Text,
            Always,
            Src::CellTranslated("profile", NameKind::ProfileName),
        ),
        f(
            "profileReason",
            Kind::Text,
            Always,
            Src::CellTranslated("profileReason", NameKind::ProfileReason),
        ),
        f("profileType", Kind::Enum, Always, Src::Cell("profileType")),
        f("userStatus", Kind::Enum, Always, Src::Cell("userStatus")),
        f(
            "userStatusTimestamp",
            Kind::Timestamp,
            Always,
            Src::Cell("userStatusTimestamp"),
        ),
        f("status", Kind::Enum, Always, Src::Cell("status")),
        f("statusTimestamp", Kind::Timestamp, Always, Src::Cell("statusTimestamp")),
        f("outboundServing", Kind::Id, Always, Src::Cell("outboundServing")),
        f("changeTimestamp", Kind::Timestamp, Always, Src::Cell("changeTimestamp")),
    ]
}

fn common_tail(v: &mut Vec<Param>) {
    v.extend([Param::Language, Param::Sort, Param::Offset, Param::Limit]);
}

static DECLS: LazyLock<Vec<EndpointDecl>> = LazyLock::new(|| {
    use Param::*;
    Endpoint::ALL
        .iter()
        .map(|&e| {
            let mut params = vec![StartTime, EndTime];
            let (table, fields, rounded, end_required, time_key, aggregated, default_sort);
            match e {
                Endpoint::ContactHistory | Endpoint::ContactStatistic => {
                    let stat = e == Endpoint::ContactStatistic;
                    params.extend([
                        TimeCategory,
                        TimeZone,
                        Ids(IdParam::Queue),
                        Ids(IdParam::User),
                        ChannelType,
                        Flag(self::Flag::Channel, true),
                        Flag(self::Flag::ChannelType, true),
                        Flag(self::Flag::Queue, true),
                        Flag(self::Flag::User, false),
                        Flag(self::Flag::OnlyContactCenter, true),
                        DirectContacts,
                        Flag(self::Flag::Details, false),
                    ]);
                    if !stat {
                        params.push(InternalContacts);
                    }
                    table = Table::Contacts;
                    fields = contact_fields(stat);
                    rounded = !stat;
                    end_required = !stat;
                    time_key = if stat {
                        TimeKey::DisconnectOrArrival
                    } else {
                        TimeKey::Arrival
                    };
                    aggregated = true;
                    default_sort = "maxChangeTimestamp";
                }
                Endpoint::AgentHistory | Endpoint::AgentStatistic => {
                    let hist = e == Endpoint::AgentHistory;
                    params.extend([TimeCategory, TimeZone, Ids(IdParam::User)]);
                    params.push(Flag(self::Flag::User, true));
                    if hist {
                        params.extend([
                            Ids(IdParam::Campaign),
                            Ids(IdParam::Profile),
                            Flag(self::Flag::Profile, false),
                            Flag(self::Flag::Campaign, false),
                        ]);
                    }
                    table = Table::AgentIntervals;
                    fields = agent_fields(hist);
                    rounded = true;
                    end_required = hist;
                    time_key = TimeKey::IntervalStart;
                    aggregated = true;
                    default_sort = "maxChangeTimestamp";
                }
                Endpoint::AgentStatus => {
                    params.extend([
                        Flag(self::Flag::AgentInfo, false),
                        Ids(IdParam::User),
                        Ids(IdParam::ReportingGroup),
                        Ids(IdParam::Profile),
                    ]);
                    table = Table::AgentStates;
                    fields = agent_status_fields();
                    rounded = false;
                    end_required = false;
                    time_key = TimeKey::Change;
                    aggregated = false;
                    default_sort = "changeTimestamp";
                }
                Endpoint::AgentStatusHistory => {
                    params.extend([Ids(IdParam::User), Ids(IdParam::Session)]);
                    table = Table::AgentStatusEvents;
                    fields = agent_status_history_fields();
                    rounded = false;
                    end_required = false;
                    time_key = TimeKey::Change;
                    aggregated = false;
                    default_sort = "changeTimestamp";
                }
            }
            common_tail(&mut params);
            EndpointDecl {
                endpoint: e,
                table,
                params,
                fields,
                rounded,
                end_required,
                time_key,
                aggregated,
                default_sort,
            }
        })
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_follow_the_source() {
        let ch = Endpoint::ContactHistory.decl();
        // 10 dimension fields, 3 counts, 8 flag counts, 20 durations, maxChangeTimestamp.
        assert_eq!(ch.fields.len(), 10 + 3 + 8 + 20 + 1);
        assert_eq!(ch.fields[0].name, "contactId");
        assert_eq!(ch.fields.last().map(|f| f.name), Some("maxChangeTimestamp"));
        let cs = Endpoint::ContactStatistic.decl();
        assert!(cs.field("holdDuration").is_none());
        assert_eq!(cs.field("countOfQueuingContacts"), Some(11));
        let ah = Endpoint::AgentHistory.decl();
        assert_eq!(ah.field("servingDuration"), Some(8));
        let st = Endpoint::AgentStatistic.decl();
        assert!(st.field("afterworkChatInDuration").is_none());
        assert!(st.field("profileId").is_none());
        for e in Endpoint::ALL {
            let d = e.decl();
            assert!(d.field(d.default_sort).is_some(), "{e:?}");
            assert_eq!(d.endpoint, e);
        }
    }
}
