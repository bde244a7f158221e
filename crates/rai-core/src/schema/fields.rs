//! THE declaration of every endpoint: its parameters and its output fields
//! (name, kind, order, which flag shows it, where its value comes from, how
//! it aggregates, when it is present). Names that follow a rule (the
//! outcome-flag counts, the duration families, the active-contact pairs)
//! are derived from the column they read, so no list is written twice.
//!
//! Over 500 lines, one idea: the seven endpoints' declarations, side by
//! side, so that each reads like the source document's field list.

use super::derived::{cd, evd, ivd};
use super::derived::{ContactDerived, EventDerived, IntervalDerived};
use super::endpoint::{
    Agg, DerivedMetric, Endpoint, EndpointDecl, Field, Flag, IdParam, Input, Kind, Op, Param, PercentileMetric,
    Presence, Reduction, Show, Src,
};
use super::ids::{c, ev, iv, st, us};
use super::metrics::{AGENT_METRICS, CONTACT_METRICS, CONTACT_PERCENTILES, SERVICE_LEVEL_THRESHOLDS};
use super::names::NameKind;
use super::table::{ColKind, ColumnId, ContactCol, EventCol, IntervalCol, StateCol, Table, UserCol};
use std::sync::LazyLock;

impl Endpoint {
    /// The endpoint's declaration.
    pub fn decl(self) -> &'static EndpointDecl {
        &DECLS[self as usize]
    }
}

const fn f(name: &'static str, kind: Kind, show: Show, src: Src) -> Field {
    Field {
        name,
        kind,
        show,
        src,
        presence: Presence::Always,
        kept_when_reduced: false,
    }
}

/// A name made once for the process's lifetime (the declaration is static).
fn derived_name(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|h| h.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

const fn agg(op: Op, input: Input, when: Option<ColumnId>) -> Src {
    Src::Metric(Agg::new(op, input, when))
}
const fn count(when: Option<ColumnId>) -> Src {
    Src::Metric(Agg::count(when))
}

/// The output kind of a column shown as it is.
fn cell_kind(col: ColumnId) -> Kind {
    match col.input_kind() {
        Some(ColKind::Guid) => Kind::Id,
        Some(ColKind::Timestamp) => Kind::Timestamp,
        Some(ColKind::Duration | ColKind::Count) => Kind::Int,
        Some(ColKind::Enum(_)) => Kind::Enum,
        _ => Kind::Text,
    }
}

/// A column shown as it is, under its own name.
fn cell(col: ColumnId, show: Show) -> Field {
    f(col.name(), cell_kind(col), show, Src::Cell(col))
}

const LABEL: Field = f("timeCategory", Kind::Label, Show::TimeCategory, Src::Bucket);

fn max_change(table_change: ColumnId) -> Field {
    f(
        "maxChangeTimestamp",
        Kind::Timestamp,
        Show::Always,
        agg(Op::Max, Input::Column(table_change), None),
    )
}

/// An id dimension and its current name, shown by `flag`.
fn id_and_name(v: &mut Vec<Field>, id: ColumnId, name: &'static str, kind: NameKind, flag: Flag) {
    v.push(f(id.name(), Kind::Id, Show::If(flag), Src::Key(id)));
    v.push(f(name, Kind::Text, Show::If(flag), Src::KeyName(id, kind)));
}

/// How much of a contact duration column is reported.
enum Family {
    /// `x`, `maxX`, `xForHandled`, `maxXForHandled`, `xForNotHandled`, `maxXForNotHandled`.
    Split,
    /// `x`, `maxX`.
    Pair,
}

fn contact_fields(statistic: bool) -> Vec<Field> {
    use Show::*;
    let mut v = vec![
        f(
            "contactId",
            Kind::Id,
            If(Flag::Details),
            Src::RowKey(c(ContactCol::ContactId)),
        ),
        LABEL,
        f(
            "channel",
            Kind::Enum,
            If(Flag::Channel),
            Src::Key(c(ContactCol::Channel)),
        ),
        f("type", Kind::Enum, If(Flag::ChannelType), Src::Key(c(ContactCol::Type))),
    ];
    id_and_name(
        &mut v,
        c(ContactCol::ApplicationId),
        "applicationName",
        NameKind::ApplicationName,
        Flag::Queue,
    );
    id_and_name(
        &mut v,
        c(ContactCol::QueueId),
        "queueName",
        NameKind::QueueName,
        Flag::Queue,
    );
    id_and_name(
        &mut v,
        c(ContactCol::UserId),
        "userName",
        NameKind::UserName,
        Flag::User,
    );
    v.push(f("countOfArrivedContacts", Kind::Int, Unless(Flag::User), count(None)));
    if statistic {
        let (queuing, in_process) = (Some(cd(ContactDerived::Queuing)), Some(cd(ContactDerived::InProcess)));
        let since_queue = Input::SinceNow(c(ContactCol::QueueArrivalTime));
        let since_connect = Input::SinceNow(c(ContactCol::ConnectTime));
        let int = |name, src| f(name, Kind::Int, Unless(Flag::User), src);
        v.extend([
            int("countOfQueuingContacts", count(queuing)),
            int("countOfInProcessContacts", count(in_process)),
            int("activeQueuingDuration", agg(Op::Sum, since_queue, queuing)),
            int("activeMaxQueuingDuration", agg(Op::Max, since_queue, queuing)),
            int("activeHandlingDuration", agg(Op::Sum, since_connect, in_process)),
            int("activeMaxHandlingDuration", agg(Op::Max, since_connect, in_process)),
        ]);
    }
    let int = |name, src| f(name, Kind::Int, Always, src);
    v.push(int(
        "countOfCompletedContacts",
        count(Some(cd(ContactDerived::Completed))),
    ));
    v.push(int("countOfHandledContacts", count(Some(cd(ContactDerived::Handled)))));
    for flag in ContactCol::OUTCOME_FLAGS {
        let name = derived_name(format!("countOf{}Contacts", capitalized(flag.name())));
        v.push(int(name, count(Some(c(flag)))));
    }
    let families = [
        (ContactCol::WaitingDuration, Family::Split),
        (ContactCol::QueuingDuration, Family::Split),
        (ContactCol::HandlingDuration, Family::Pair),
        (ContactCol::HandlingDurationUser, Family::Pair),
        (ContactCol::AfterworkDuration, Family::Pair),
        (ContactCol::HoldDuration, Family::Pair),
    ];
    for (col, family) in families {
        if statistic && col == ContactCol::HoldDuration {
            continue; // the source's contactStatistic has no hold time
        }
        let halves: &[(&str, Option<ContactDerived>)] = match family {
            Family::Split => &[
                ("", None),
                ("ForHandled", Some(ContactDerived::Handled)),
                ("ForNotHandled", Some(ContactDerived::NotHandled)),
            ],
            Family::Pair => &[("", None)],
        };
        let name = col.name();
        for &(suffix, when) in halves {
            let when = when.map(cd);
            let input = Input::Column(c(col));
            v.push(int(derived_name(format!("{name}{suffix}")), agg(Op::Sum, input, when)));
            let max = format!("max{}{suffix}", capitalized(name));
            v.push(int(derived_name(max), agg(Op::Max, input, when)));
        }
    }
    v.push(max_change(c(ContactCol::ChangeTimestamp)));
    v
}

/// agentHistory's numeric fields in output order (the source's order, not the table's).
const AGENT_HISTORY_NUMBERS: [IntervalCol; 28] = {
    use IntervalCol::*;
    [
        ReadyDuration,
        NotReadyDuration,
        PauseDuration,
        FreeDuration,
        WaitingDuration,
        ContactHandlingDuration,
        AfterworkDuration,
        RestingDuration,
        PreviewDuration,
        CountOfHandledCallIn,
        CallInDuration,
        AfterworkCallInDuration,
        CountOfHandledCallInDirect,
        CallInDirectDuration,
        CountOfHandledCallOut,
        CallOutDuration,
        AfterworkCallOutDuration,
        CountOfHandledCallOutDirect,
        CallOutDirectDuration,
        CountOfHandledEmailIn,
        EmailInDuration,
        CountOfHandledEmailOut,
        EmailOutDuration,
        AfterworkEmailInDuration,
        CountOfHandledChatIn,
        CountOfHandledChatOut,
        ChatDuration,
        AfterworkChatInDuration,
    ]
};

/// Fields agentStatistic leaves out of agentHistory's list (the source's smaller list).
const NOT_IN_AGENT_STATISTIC: [IntervalCol; 4] = [
    IntervalCol::AfterworkCallInDuration,
    IntervalCol::AfterworkCallOutDuration,
    IntervalCol::AfterworkEmailInDuration,
    IntervalCol::AfterworkChatInDuration,
];

fn agent_fields(history: bool) -> Vec<Field> {
    let mut v = vec![LABEL];
    id_and_name(
        &mut v,
        iv(IntervalCol::UserId),
        "userName",
        NameKind::UserName,
        Flag::User,
    );
    if history {
        let profile = iv(IntervalCol::ProfileId);
        id_and_name(&mut v, profile, "profileName", NameKind::ProfileName, Flag::Profile);
        v.push(f(
            "profileReason",
            Kind::Text,
            Show::If(Flag::Profile),
            Src::KeyName(profile, NameKind::ProfileReason),
        ));
        id_and_name(
            &mut v,
            iv(IntervalCol::CampaignId),
            "campaignName",
            NameKind::CampaignName,
            Flag::Campaign,
        );
    }
    let serving = ivd(IntervalDerived::ServingDuration);
    let sum = |col: ColumnId| {
        f(
            col.name(),
            Kind::Int,
            Show::Always,
            agg(Op::Sum, Input::Column(col), None),
        )
    };
    v.push(sum(serving));
    for col in AGENT_HISTORY_NUMBERS {
        if history || !NOT_IN_AGENT_STATISTIC.contains(&col) {
            v.push(sum(iv(col)));
        }
    }
    v.push(max_change(iv(IntervalCol::ChangeTimestamp)));
    v
}

fn kept(mut field: Field) -> Field {
    field.kept_when_reduced = true;
    field
}

fn agent_status_fields() -> Vec<Field> {
    use Show::*;
    let mut v = vec![
        kept(cell(st(StateCol::UserId), Always)),
        kept(f(
            "userName",
            Kind::Text,
            Always,
            Src::CellName(st(StateCol::UserId), NameKind::UserName, None),
        )),
        // The source spells this field with a lower-case "id".
        kept(f(
            "reportingGroupid",
            Kind::Id,
            Always,
            Src::Cell(us(UserCol::ReportingGroupId)),
        )),
        kept(f(
            "reportingGroupName",
            Kind::Text,
            Always,
            Src::CellName(us(UserCol::ReportingGroupId), NameKind::ReportingGroupName, None),
        )),
        f(
            "profile",
            Kind::Text,
            Always,
            Src::CellName(
                st(StateCol::ProfileId),
                NameKind::ProfileName,
                Some(st(StateCol::Profile)),
            ),
        ),
        f(
            "profileReason",
            Kind::Text,
            Always,
            Src::CellTranslated(st(StateCol::ProfileReason), NameKind::ProfileReason),
        ),
        cell(st(StateCol::ProfileType), Always),
        f(
            "profileDuration",
            Kind::Int,
            Always,
            Src::CellSince(st(StateCol::ProfileStartTime)),
        ),
        kept(cell(st(StateCol::UserStatus), Always)),
        f(
            "userStatusDuration",
            Kind::Int,
            Always,
            Src::CellSince(st(StateCol::UserStatusStartTime)),
        ),
        kept(cell(st(StateCol::Availability), Always)),
        cell(st(StateCol::ContactHandlingStatus), Always),
        f(
            "contactHandlingStatusDuration",
            Kind::Int,
            Always,
            Src::CellSince(st(StateCol::ContactHandlingStatusStartTime)),
        ),
    ];
    for (counter, start) in StateCol::ACTIVE_COUNTERS {
        let positive = Presence::WhenPositive(st(counter));
        let mut n = cell(st(counter), Always);
        n.presence = positive;
        let duration = derived_name(counter.name().replace("Contacts", "Duration"));
        let mut d = f(duration, Kind::Int, Always, Src::CellSince(st(start)));
        d.presence = positive;
        v.extend([n, d]);
    }
    for col in [
        UserCol::Number,
        UserCol::MobileNumber,
        UserCol::ExternalNumber,
        UserCol::Email,
        UserCol::ChatName,
        UserCol::Chat,
        UserCol::ChatCapacity,
        UserCol::Location,
    ] {
        v.push(cell(us(col), If(Flag::AgentInfo)));
    }
    v.push(kept(cell(st(StateCol::ChangeTimestamp), Always)));
    v
}

fn agent_status_history_fields() -> Vec<Field> {
    use Show::Always;
    let translated = |col: EventCol, kind| f(col.name(), Kind::Text, Always, Src::CellTranslated(ev(col), kind));
    vec![
        cell(ev(EventCol::SessionId), Always),
        cell(ev(EventCol::UserId), Always),
        f(
            "userName",
            Kind::Text,
            Always,
            Src::CellName(ev(EventCol::UserId), NameKind::UserName, None),
        ),
        cell(ev(EventCol::SignOn), Always),
        translated(EventCol::Profile, NameKind::ProfileName),
        translated(EventCol::ProfileReason, NameKind::ProfileReason),
        cell(ev(EventCol::ProfileType), Always),
        cell(ev(EventCol::UserStatus), Always),
        cell(ev(EventCol::UserStatusTimestamp), Always),
        cell(ev(EventCol::Status), Always),
        cell(ev(EventCol::StatusTimestamp), Always),
        cell(ev(EventCol::OutboundServing), Always),
        cell(ev(EventCol::ChangeTimestamp), Always),
    ]
}

/// agentStatusTime (beyond RAI v1): per bucket and shown dimension, the
/// milliseconds spent in each state of the status log.
fn agent_status_time_fields() -> Vec<Field> {
    use Show::If;
    let mut v = vec![LABEL];
    id_and_name(&mut v, ev(EventCol::UserId), "userName", NameKind::UserName, Flag::User);
    // The user's current reporting group, spelled as agentStatus spells it.
    let group = us(UserCol::ReportingGroupId);
    v.push(f(
        "reportingGroupid",
        Kind::Id,
        If(Flag::ReportingGroup),
        Src::Key(group),
    ));
    v.push(f(
        "reportingGroupName",
        Kind::Text,
        If(Flag::ReportingGroup),
        Src::KeyName(group, NameKind::ReportingGroupName),
    ));
    v.push(f(
        "userStatus",
        Kind::Enum,
        If(Flag::UserStatus),
        Src::Key(ev(EventCol::UserStatus)),
    ));
    v.push(f(
        "availability",
        Kind::Enum,
        If(Flag::Availability),
        Src::Key(evd(EventDerived::Availability)),
    ));
    v.push(f(
        "stateDuration",
        Kind::Int,
        Show::Always,
        agg(Op::StateTime, Input::Column(ev(EventCol::ChangeTimestamp)), None),
    ));
    v.push(max_change(ev(EventCol::ChangeTimestamp)));
    v
}

/// The three fields of each derived metric, shown when `derived=` names it.
fn derived_fields(v: &mut Vec<Field>, metrics: &'static [DerivedMetric]) {
    for (i, m) in metrics.iter().enumerate() {
        let show = Show::Derived(i as u8);
        let (num, den) = (m.numerator, m.denominator);
        v.push(f(
            m.name,
            Kind::Number,
            show,
            Src::Quotient {
                numerator: num,
                denominator: den,
                ratio: m.ratio,
            },
        ));
        v.push(f(
            derived_name(format!("{}Numerator", m.name)),
            Kind::Int,
            show,
            Src::Linear(num),
        ));
        v.push(f(
            derived_name(format!("{}Denominator", m.name)),
            Kind::Int,
            show,
            Src::Linear(den),
        ));
    }
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
            let (table, mut fields, rounded, end_required, time_key, aggregated, default_sort);
            let mut reduction = None;
            let mut derived: &'static [DerivedMetric] = &[];
            let mut thresholds = None;
            let mut percentiles: &'static [PercentileMetric] = &[];
            match e {
                Endpoint::ContactHistory | Endpoint::ContactStatistic => {
                    let stat = e == Endpoint::ContactStatistic;
                    params.extend([
                        TimeCategory,
                        TimeZone,
                        Ids(IdParam::Queue, c(ContactCol::QueueId)),
                        Ids(IdParam::User, c(ContactCol::UserId)),
                        ChannelType,
                        Flag(self::Flag::Channel, true),
                        Flag(self::Flag::ChannelType, true),
                        Flag(self::Flag::Queue, true),
                        Flag(self::Flag::User, false),
                        Require(self::Flag::OnlyContactCenter, cd(ContactDerived::ContactCenter), true),
                        Include("showDirectContacts", cd(ContactDerived::Direct)),
                        Flag(self::Flag::Details, false),
                    ]);
                    if !stat {
                        params.push(Include("showInternalContacts", cd(ContactDerived::Internal)));
                    }
                    table = Table::Contacts;
                    fields = contact_fields(stat);
                    derived = CONTACT_METRICS;
                    thresholds = Some(&SERVICE_LEVEL_THRESHOLDS);
                    percentiles = CONTACT_PERCENTILES;
                    rounded = !stat;
                    end_required = !stat;
                    time_key = if stat {
                        cd(ContactDerived::StatisticTime)
                    } else {
                        c(ContactCol::ArrivalTime)
                    };
                    aggregated = true;
                    default_sort = "maxChangeTimestamp";
                }
                Endpoint::AgentHistory | Endpoint::AgentStatistic => {
                    let hist = e == Endpoint::AgentHistory;
                    params.extend([TimeCategory, TimeZone, Ids(IdParam::User, iv(IntervalCol::UserId))]);
                    params.push(Flag(self::Flag::User, true));
                    if hist {
                        params.extend([
                            Ids(IdParam::Campaign, iv(IntervalCol::CampaignId)),
                            Ids(IdParam::Profile, iv(IntervalCol::ProfileId)),
                            Flag(self::Flag::Profile, false),
                            Flag(self::Flag::Campaign, false),
                        ]);
                    }
                    table = Table::AgentIntervals;
                    fields = agent_fields(hist);
                    derived = AGENT_METRICS;
                    rounded = true;
                    end_required = hist;
                    time_key = iv(IntervalCol::IntervalStart);
                    aggregated = true;
                    default_sort = "maxChangeTimestamp";
                }
                Endpoint::AgentStatus => {
                    params.extend([
                        Flag(self::Flag::AgentInfo, false),
                        Ids(IdParam::User, st(StateCol::UserId)),
                        Ids(IdParam::ReportingGroup, us(UserCol::ReportingGroupId)),
                        Ids(IdParam::Profile, st(StateCol::ProfileId)),
                    ]);
                    table = Table::AgentStates;
                    fields = agent_status_fields();
                    rounded = false;
                    end_required = false;
                    time_key = st(StateCol::ChangeTimestamp);
                    aggregated = false;
                    default_sort = "changeTimestamp";
                    reduction = Some(Reduction {
                        column: st(StateCol::UserStatus),
                        value: "LoggedOut",
                    });
                }
                Endpoint::AgentStatusHistory => {
                    params.extend([
                        Ids(IdParam::User, ev(EventCol::UserId)),
                        Ids(IdParam::Session, ev(EventCol::SessionId)),
                    ]);
                    table = Table::AgentStatusEvents;
                    fields = agent_status_history_fields();
                    rounded = false;
                    end_required = false;
                    time_key = ev(EventCol::ChangeTimestamp);
                    aggregated = false;
                    default_sort = "changeTimestamp";
                }
                Endpoint::AgentStatusTime => {
                    params.extend([
                        TimeCategory,
                        TimeZone,
                        Ids(IdParam::User, ev(EventCol::UserId)),
                        Ids(IdParam::ReportingGroup, us(UserCol::ReportingGroupId)),
                        Flag(self::Flag::User, true),
                        Flag(self::Flag::ReportingGroup, false),
                        Flag(self::Flag::UserStatus, true),
                        Flag(self::Flag::Availability, true),
                    ]);
                    table = Table::AgentStatusEvents;
                    fields = agent_status_time_fields();
                    rounded = false;
                    end_required = false;
                    time_key = ev(EventCol::ChangeTimestamp);
                    aggregated = true;
                    default_sort = "maxChangeTimestamp";
                }
            }
            if aggregated {
                params.push(Param::Fill);
            }
            if thresholds.is_some() {
                params.push(Param::Thresholds);
            }
            if !percentiles.is_empty() {
                params.push(Param::Percentiles);
            }
            if !derived.is_empty() {
                params.push(Param::Derived);
                derived_fields(&mut fields, derived);
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
                reduction,
                derived,
                thresholds,
                percentiles,
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
        // RAI v1: 10 dimension fields, 3 counts, 8 flag counts, 20 durations,
        // maxChangeTimestamp; then 3 fields per derived metric.
        let v1: Vec<&Field> = ch
            .fields
            .iter()
            .filter(|f| !matches!(f.show, Show::Derived(_)))
            .collect();
        assert_eq!(v1.len(), 10 + 3 + 8 + 20 + 1);
        assert_eq!(ch.fields.len(), v1.len() + 3 * ch.derived.len());
        assert_eq!(ch.fields[0].name, "contactId");
        assert_eq!(v1.last().map(|f| f.name), Some("maxChangeTimestamp"));
        assert_eq!(ch.field("serviceLevelDenominator"), Some(v1.len() + 2));
        assert_eq!(ch.field("countOfFalseAttemptContacts"), Some(13));
        assert_eq!(ch.field("countOfTransferredInContacts"), Some(20));
        assert_eq!(ch.field("maxWaitingDurationForNotHandled"), Some(26));
        assert_eq!(ch.field("maxHandlingDurationUser"), Some(36));
        let cs = Endpoint::ContactStatistic.decl();
        assert!(cs.field("holdDuration").is_none());
        assert_eq!(cs.field("countOfQueuingContacts"), Some(11));
        let ah = Endpoint::AgentHistory.decl();
        assert_eq!(ah.field("servingDuration"), Some(8));
        let st = Endpoint::AgentStatistic.decl();
        assert!(st.field("afterworkChatInDuration").is_none());
        assert!(st.field("profileId").is_none());
        let status = Endpoint::AgentStatus.decl();
        assert_eq!(status.field("phoneActiveInboundDuration"), Some(14));
        let kept: Vec<&str> = status.kept_when_reduced().collect();
        assert_eq!(
            kept,
            [
                "userId",
                "userName",
                "reportingGroupid",
                "reportingGroupName",
                "userStatus",
                "availability",
                "changeTimestamp"
            ]
        );
    }
}
