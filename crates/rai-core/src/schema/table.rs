//! SPEC §2: the six tables the engine ingests, declared once as data.
//!
//! Each table's columns are declared by one [`columns!`] invocation, which
//! makes both the column list (names, kinds, required flags: what loading,
//! validation messages, OpenAPI and the generator read) and a typed id enum
//! (`ContactCol::QueueId`: what the endpoint declaration, the plan and the
//! store refer to). No layer names a column by string.
//!
//! Over 500 lines, one idea: the six tables' column declarations (one
//! `columns!` each), their typed ids and the value sets they use.

use serde::{Serialize, Serializer};

/// The largest duration (milliseconds: about 31.7 years) or count a row may
/// hold; more is `invalid duration` / `invalid count`. Sums are saturating
/// besides, so no sum can wrap: with values this size a group would need
/// over nine million rows to reach the limit of 64 bits.
pub const MAX_NUMBER: i64 = 1_000_000_000_000;

/// The kind of one column (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColKind {
    /// A GUID (32 hex digits or dashed).
    Guid,
    /// Free text.
    Text,
    /// A timestamp.
    Timestamp,
    /// Non-negative integer milliseconds.
    Duration,
    /// A non-negative integer.
    Count,
    /// A boolean.
    Bool,
    /// One of a fixed set of values (case-sensitive).
    Enum(&'static [&'static str]),
    /// A two-letter language code, any case.
    Language,
    /// One of the translatable field names.
    TransField,
}

impl ColKind {
    /// Durations and counts: the columns metrics sum.
    pub const fn is_number(self) -> bool {
        matches!(self, ColKind::Duration | ColKind::Count)
    }
}

/// One column: its name, kind and whether it is required.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Col {
    /// Column name (case-sensitive).
    pub name: &'static str,
    /// Value kind.
    pub kind: ColKind,
    /// A row without it is rejected.
    pub required: bool,
}

/// The tables, in SPEC §2's (and a data directory's loading) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Table {
    /// §2.1 contact segments.
    Contacts,
    /// §2.2 agent quarter-hour intervals.
    AgentIntervals,
    /// §2.3 current agent states (upsert by userId).
    AgentStates,
    /// §2.4 status change log (append only).
    AgentStatusEvents,
    /// §2.5 user directory (upsert by userId).
    Users,
    /// §2.6 translations.
    Translations,
}

impl Table {
    /// All tables in loading order.
    pub const ALL: [Table; 6] = [
        Table::Contacts,
        Table::AgentIntervals,
        Table::AgentStates,
        Table::AgentStatusEvents,
        Table::Users,
        Table::Translations,
    ];

    /// The table's name as in SPEC §2 (and file names, URLs).
    pub fn name(self) -> &'static str {
        match self {
            Table::Contacts => "contacts",
            Table::AgentIntervals => "agentIntervals",
            Table::AgentStates => "agentStates",
            Table::AgentStatusEvents => "agentStatusEvents",
            Table::Users => "users",
            Table::Translations => "translations",
        }
    }

    /// The table named `name`.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The table's columns, in input order.
    pub fn columns(self) -> &'static [Col] {
        match self {
            Table::Contacts => CONTACTS,
            Table::AgentIntervals => AGENT_INTERVALS,
            Table::AgentStates => AGENT_STATES,
            Table::AgentStatusEvents => AGENT_STATUS_EVENTS,
            Table::Users => USERS,
            Table::Translations => TRANSLATIONS,
        }
    }

    /// Index of column `name` (for readers of external input: CSV headers, JSON keys).
    pub fn col(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }

    /// The userId column (the key of the upsert tables, and the user of a row).
    pub fn user_id(self) -> Option<ColumnId> {
        Some(match self {
            Table::Contacts => ColumnId::Contacts(ContactCol::UserId),
            Table::AgentIntervals => ColumnId::AgentIntervals(IntervalCol::UserId),
            Table::AgentStates => ColumnId::AgentStates(StateCol::UserId),
            Table::AgentStatusEvents => ColumnId::AgentStatusEvents(EventCol::UserId),
            Table::Users => ColumnId::Users(UserCol::UserId),
            Table::Translations => return None,
        })
    }

    /// The session column of a change log (agentStatusEvents' sessionId):
    /// each row states what changed, and a field's value holds until the
    /// session changes it again or ends.
    pub fn session_id(self) -> Option<ColumnId> {
        match self {
            Table::AgentStatusEvents => Some(ColumnId::AgentStatusEvents(EventCol::SessionId)),
            _ => None,
        }
    }

    /// The time key of retention (SPEC §10) and of a checkpoint's day
    /// partitions: contacts arrivalTime, agentIntervals intervalStart, the
    /// others changeTimestamp; translations have none.
    pub fn time_key(self) -> Option<ColumnId> {
        match self {
            Table::Contacts => Some(ColumnId::Contacts(ContactCol::ArrivalTime)),
            Table::AgentIntervals => Some(ColumnId::AgentIntervals(IntervalCol::IntervalStart)),
            Table::Translations => None,
            other => other.change_timestamp(),
        }
    }

    /// The changeTimestamp column (every table but translations has one).
    pub fn change_timestamp(self) -> Option<ColumnId> {
        Some(match self {
            Table::Contacts => ColumnId::Contacts(ContactCol::ChangeTimestamp),
            Table::AgentIntervals => ColumnId::AgentIntervals(IntervalCol::ChangeTimestamp),
            Table::AgentStates => ColumnId::AgentStates(StateCol::ChangeTimestamp),
            Table::AgentStatusEvents => ColumnId::AgentStatusEvents(EventCol::ChangeTimestamp),
            Table::Users => ColumnId::Users(UserCol::ChangeTimestamp),
            Table::Translations => return None,
        })
    }

    /// Whether rows are upserted by userId (agentStates, users) rather than appended.
    pub fn is_upsert(self) -> bool {
        matches!(self, Table::AgentStates | Table::Users)
    }
}

/// Declares a table's columns once: the typed id enum and the column list
/// in the same order, so `Enum::X as usize` indexes the list (and a row's cells).
macro_rules! columns {
    ($(#[$doc:meta])* $enum:ident, $table:ident, $list:ident {
        $($var:ident = $name:literal, $kind:expr, $required:literal;)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        #[non_exhaustive]
        pub enum $enum { $($var),* }

        impl $enum {
            /// Every column, in input order.
            pub const ALL: &'static [$enum] = &[$($enum::$var),*];
            /// The column's position in the table's list and in a row's cells.
            pub const fn index(self) -> usize {
                self as usize
            }
            /// The column's name.
            pub const fn name(self) -> &'static str {
                $list[self as usize].name
            }
            /// The column's kind.
            pub const fn kind(self) -> ColKind {
                $list[self as usize].kind
            }
        }

        impl From<$enum> for ColumnId {
            fn from(c: $enum) -> ColumnId {
                ColumnId::$table(c)
            }
        }

        const $list: &[Col] = &[$(Col { name: $name, kind: $kind, required: $required }),*];
    };
}

use ColKind::*;

columns! {
    /// SPEC §2.1: a column of contacts.
    ContactCol, Contacts, CONTACTS {
        ContactId = "contactId", Guid, true;
        Channel = "channel", Enum(CHANNELS), true;
        Type = "type", Enum(TYPES), true;
        ApplicationId = "applicationId", Guid, false;
        ApplicationName = "applicationName", Text, false;
        QueueId = "queueId", Guid, false;
        QueueName = "queueName", Text, false;
        UserId = "userId", Guid, false;
        UserName = "userName", Text, false;
        Internal = "internal", Bool, false;
        ContactCenter = "contactCenter", Bool, false;
        ArrivalTime = "arrivalTime", Timestamp, true;
        QueueArrivalTime = "queueArrivalTime", Timestamp, false;
        ConnectTime = "connectTime", Timestamp, false;
        DisconnectTime = "disconnectTime", Timestamp, false;
        FalseAttempt = "falseAttempt", Bool, false;
        Abandoned = "abandoned", Bool, false;
        ServiceClosed = "serviceClosed", Bool, false;
        AnsweredOnTime = "answeredOnTime", Bool, false;
        Overflowed = "overflowed", Bool, false;
        Diverted = "diverted", Bool, false;
        AgentTransferred = "agentTransferred", Bool, false;
        TransferredIn = "transferredIn", Bool, false;
        WaitingDuration = "waitingDuration", Duration, false;
        QueuingDuration = "queuingDuration", Duration, false;
        HandlingDuration = "handlingDuration", Duration, false;
        HandlingDurationUser = "handlingDurationUser", Duration, false;
        AfterworkDuration = "afterworkDuration", Duration, false;
        HoldDuration = "holdDuration", Duration, false;
        ChangeTimestamp = "changeTimestamp", Timestamp, true;
    }
}

columns! {
    /// SPEC §2.2: a column of agentIntervals.
    IntervalCol, AgentIntervals, AGENT_INTERVALS {
        IntervalStart = "intervalStart", Timestamp, true;
        UserId = "userId", Guid, true;
        UserName = "userName", Text, false;
        ProfileId = "profileId", Guid, false;
        ProfileName = "profileName", Text, false;
        ProfileReason = "profileReason", Text, false;
        CampaignId = "campaignId", Guid, false;
        CampaignName = "campaignName", Text, false;
        ReadyDuration = "readyDuration", Duration, false;
        NotReadyDuration = "notReadyDuration", Duration, false;
        PauseDuration = "pauseDuration", Duration, false;
        FreeDuration = "freeDuration", Duration, false;
        WaitingDuration = "waitingDuration", Duration, false;
        ContactHandlingDuration = "contactHandlingDuration", Duration, false;
        AfterworkDuration = "afterworkDuration", Duration, false;
        RestingDuration = "restingDuration", Duration, false;
        PreviewDuration = "previewDuration", Duration, false;
        CountOfHandledCallIn = "countOfHandledCallIn", Count, false;
        CountOfHandledCallInDirect = "countOfHandledCallInDirect", Count, false;
        CountOfHandledCallOut = "countOfHandledCallOut", Count, false;
        CountOfHandledCallOutDirect = "countOfHandledCallOutDirect", Count, false;
        CountOfHandledEmailIn = "countOfHandledEmailIn", Count, false;
        CountOfHandledEmailOut = "countOfHandledEmailOut", Count, false;
        CountOfHandledChatIn = "countOfHandledChatIn", Count, false;
        CountOfHandledChatOut = "countOfHandledChatOut", Count, false;
        CallInDuration = "callInDuration", Duration, false;
        AfterworkCallInDuration = "afterworkCallInDuration", Duration, false;
        CallInDirectDuration = "callInDirectDuration", Duration, false;
        CallOutDuration = "callOutDuration", Duration, false;
        AfterworkCallOutDuration = "afterworkCallOutDuration", Duration, false;
        CallOutDirectDuration = "callOutDirectDuration", Duration, false;
        EmailInDuration = "emailInDuration", Duration, false;
        EmailOutDuration = "emailOutDuration", Duration, false;
        AfterworkEmailInDuration = "afterworkEmailInDuration", Duration, false;
        ChatDuration = "chatDuration", Duration, false;
        AfterworkChatInDuration = "afterworkChatInDuration", Duration, false;
        ChangeTimestamp = "changeTimestamp", Timestamp, true;
    }
}

columns! {
    /// SPEC §2.3: a column of agentStates.
    StateCol, AgentStates, AGENT_STATES {
        UserId = "userId", Guid, true;
        ProfileId = "profileId", Guid, false;
        Profile = "profile", Text, false;
        ProfileReason = "profileReason", Text, false;
        ProfileType = "profileType", Enum(PROFILE_TYPES), false;
        ProfileStartTime = "profileStartTime", Timestamp, false;
        UserStatus = "userStatus", Enum(USER_STATUSES), true;
        UserStatusStartTime = "userStatusStartTime", Timestamp, false;
        Availability = "availability", Enum(AVAILABILITIES), true;
        ContactHandlingStatus = "contactHandlingStatus", Enum(CONTACT_HANDLING_STATUSES), false;
        ContactHandlingStatusStartTime = "contactHandlingStatusStartTime", Timestamp, false;
        PhoneActiveInboundContacts = "phoneActiveInboundContacts", Count, false;
        PhoneActiveOutboundContacts = "phoneActiveOutboundContacts", Count, false;
        ChatActiveInboundContacts = "chatActiveInboundContacts", Count, false;
        ChatActiveOutboundContacts = "chatActiveOutboundContacts", Count, false;
        EmailActiveInboundContacts = "emailActiveInboundContacts", Count, false;
        EmailActiveOutboundContacts = "emailActiveOutboundContacts", Count, false;
        PhoneActiveInboundStartTime = "phoneActiveInboundStartTime", Timestamp, false;
        PhoneActiveOutboundStartTime = "phoneActiveOutboundStartTime", Timestamp, false;
        ChatActiveInboundStartTime = "chatActiveInboundStartTime", Timestamp, false;
        ChatActiveOutboundStartTime = "chatActiveOutboundStartTime", Timestamp, false;
        EmailActiveInboundStartTime = "emailActiveInboundStartTime", Timestamp, false;
        EmailActiveOutboundStartTime = "emailActiveOutboundStartTime", Timestamp, false;
        ChangeTimestamp = "changeTimestamp", Timestamp, true;
    }
}

columns! {
    /// SPEC §2.4: a column of agentStatusEvents.
    EventCol, AgentStatusEvents, AGENT_STATUS_EVENTS {
        SessionId = "sessionId", Guid, true;
        UserId = "userId", Guid, true;
        SignOn = "signOn", Timestamp, false;
        Profile = "profile", Text, false;
        ProfileReason = "profileReason", Text, false;
        ProfileType = "profileType", Enum(PROFILE_TYPES), false;
        UserStatus = "userStatus", Enum(USER_STATUSES), false;
        UserStatusTimestamp = "userStatusTimestamp", Timestamp, false;
        Status = "status", Enum(EVENT_STATUSES), false;
        StatusTimestamp = "statusTimestamp", Timestamp, false;
        OutboundServing = "outboundServing", Guid, false;
        ChangeTimestamp = "changeTimestamp", Timestamp, true;
    }
}

columns! {
    /// SPEC §2.5: a column of users.
    UserCol, Users, USERS {
        UserId = "userId", Guid, true;
        UserName = "userName", Text, false;
        ReportingGroupId = "reportingGroupId", Guid, false;
        ReportingGroupName = "reportingGroupName", Text, false;
        Number = "number", Text, false;
        MobileNumber = "mobileNumber", Text, false;
        ExternalNumber = "externalNumber", Text, false;
        Email = "email", Text, false;
        ChatName = "chatName", Text, false;
        Chat = "chat", Text, false;
        ChatCapacity = "chatCapacity", Count, false;
        Location = "location", Text, false;
        ChangeTimestamp = "changeTimestamp", Timestamp, true;
    }
}

columns! {
    /// SPEC §2.6: a column of translations.
    TranslationCol, Translations, TRANSLATIONS {
        Language = "language", Language, true;
        Field = "field", TransField, true;
        Value = "value", Text, true;
        Text = "text", Text, true;
    }
}

/// Contact channels, in binary (sort) order.
pub const CHANNELS: &[&str] = &["Chat", "Email", "Phone"];
/// Contact types, in binary (sort) order.
pub const TYPES: &[&str] = &["CallIn", "CallOut", "ChatIn", "ChatOut", "EmailIn", "EmailOut"];
/// The channel of each type in [`TYPES`] (index into [`CHANNELS`]).
pub const TYPE_CHANNEL: [u8; 6] = [2, 2, 0, 0, 1, 1];
/// Profile types.
pub const PROFILE_TYPES: &[&str] = &["Presence", "Absence", "Conference"];
/// User statuses.
pub const USER_STATUSES: &[&str] = &["Ready", "NotReady", "Pause", "LoggedOut"];
/// Availabilities.
pub const AVAILABILITIES: &[&str] = &["LoggedOut", "Away", "Busy", "Free"];
/// The 12 contact handling statuses of the source document.
pub const CONTACT_HANDLING_STATUSES: &[&str] = &[
    "Talking_Inbound",
    "Talking_Outbound",
    "Talking_Outbound_CBR",
    "Talking_Outbound_Campaign",
    "Chatting_Inbound",
    "Chatting_Outbound",
    "Emailing_Inbound",
    "Emailing_Outbound",
    "Dialing_Outbound",
    "Dialing_Outbound_CBR",
    "Dialing_Outbound_Campaign",
    "Waiting",
];
/// The 15 handling statuses of the status log plus `OBUnJoin` and `LoggedOut`.
pub const EVENT_STATUSES: &[&str] = &[
    "Waiting",
    "OBJoin",
    "Preview",
    "Wrap",
    "Talking_Inbound",
    "Talking_Outbound",
    "Talking_Outbound_CBR",
    "Talking_Outbound_Campaign",
    "Chatting_Inbound",
    "Chatting_Outbound",
    "Emailing_Inbound",
    "Emailing_Outbound",
    "Dialing_Outbound",
    "Dialing_Outbound_CBR",
    "Dialing_Outbound_Campaign",
    "OBUnJoin",
    "LoggedOut",
];
/// Fields that translations may name (SPEC §2.6).
pub const TRANSLATABLE: &[&str] = &[
    "queueName",
    "applicationName",
    "profileName",
    "profileReason",
    "campaignName",
    "reportingGroupName",
];

/// A column by typed id: an input column of a table, or a derived one
/// ([`super::ContactDerived`], [`super::IntervalDerived`]). Plans print it as
/// `table.column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ColumnId {
    /// An input column of contacts.
    Contacts(ContactCol),
    /// An input column of agentIntervals.
    AgentIntervals(IntervalCol),
    /// An input column of agentStates.
    AgentStates(StateCol),
    /// An input column of agentStatusEvents.
    AgentStatusEvents(EventCol),
    /// An input column of users.
    Users(UserCol),
    /// An input column of translations.
    Translations(TranslationCol),
    /// A derived column of contacts.
    ContactsDerived(super::ContactDerived),
    /// A derived column of agentIntervals.
    AgentIntervalsDerived(super::IntervalDerived),
    /// A derived column of agentStatusEvents.
    AgentStatusEventsDerived(super::EventDerived),
}

impl ColumnId {
    /// The table the column belongs to.
    pub fn table(self) -> Table {
        match self {
            ColumnId::Contacts(_) => Table::Contacts,
            ColumnId::AgentIntervals(_) => Table::AgentIntervals,
            ColumnId::AgentStates(_) => Table::AgentStates,
            ColumnId::AgentStatusEvents(_) => Table::AgentStatusEvents,
            ColumnId::Users(_) => Table::Users,
            ColumnId::Translations(_) => Table::Translations,
            other => other.derived_table().unwrap_or(Table::Contacts),
        }
    }

    /// Input column number `index` of `table`.
    pub fn input(table: Table, index: usize) -> Option<ColumnId> {
        Some(match table {
            Table::Contacts => ColumnId::Contacts(*ContactCol::ALL.get(index)?),
            Table::AgentIntervals => ColumnId::AgentIntervals(*IntervalCol::ALL.get(index)?),
            Table::AgentStates => ColumnId::AgentStates(*StateCol::ALL.get(index)?),
            Table::AgentStatusEvents => ColumnId::AgentStatusEvents(*EventCol::ALL.get(index)?),
            Table::Users => ColumnId::Users(*UserCol::ALL.get(index)?),
            Table::Translations => ColumnId::Translations(*TranslationCol::ALL.get(index)?),
        })
    }

    /// The position of an input column in its table's list and a row's cells.
    pub fn input_index(self) -> Option<usize> {
        Some(match self {
            ColumnId::Contacts(c) => c.index(),
            ColumnId::AgentIntervals(c) => c.index(),
            ColumnId::AgentStates(c) => c.index(),
            ColumnId::AgentStatusEvents(c) => c.index(),
            ColumnId::Users(c) => c.index(),
            ColumnId::Translations(c) => c.index(),
            ColumnId::ContactsDerived(_)
            | ColumnId::AgentIntervalsDerived(_)
            | ColumnId::AgentStatusEventsDerived(_) => return None,
        })
    }

    /// The kind of an input column.
    pub fn input_kind(self) -> Option<ColKind> {
        Some(self.table().columns()[self.input_index()?].kind)
    }

    /// The column's name (input columns: as in SPEC §2).
    pub fn name(self) -> &'static str {
        match self {
            ColumnId::ContactsDerived(d) => d.name(),
            ColumnId::AgentIntervalsDerived(d) => d.name(),
            ColumnId::AgentStatusEventsDerived(d) => d.name(),
            other => other.input_index().map_or("", |i| other.table().columns()[i].name),
        }
    }
}

impl Serialize for ColumnId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}.{}", self.table().name(), self.name()))
    }
}

/// The 8 outcome flags of a contact segment (its boolean input columns but
/// `internal` and `contactCenter`), in table and output order.
pub const CONTACT_FLAGS: [&str; 8] = {
    let mut out = [""; 8];
    let mut i = 0;
    while i < out.len() {
        out[i] = ContactCol::OUTCOME_FLAGS[i].name();
        i += 1;
    }
    out
};

const fn interval_numbers<const N: usize>() -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < AGENT_INTERVALS.len() {
        if AGENT_INTERVALS[i].kind.is_number() {
            if n < N {
                out[n] = AGENT_INTERVALS[i].name;
            }
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "INTERVAL_NUMBERS has the wrong length");
    out
}

/// The numeric columns of agentIntervals (durations and counts), in table order.
pub const INTERVAL_NUMBERS: [&str; 28] = interval_numbers();

impl ContactCol {
    /// The outcome flags, in table order (the count fields of §6 follow it).
    pub const OUTCOME_FLAGS: [ContactCol; 8] = [
        ContactCol::FalseAttempt,
        ContactCol::Abandoned,
        ContactCol::ServiceClosed,
        ContactCol::AnsweredOnTime,
        ContactCol::Overflowed,
        ContactCol::Diverted,
        ContactCol::AgentTransferred,
        ContactCol::TransferredIn,
    ];
}

impl StateCol {
    /// The active-contact counters of agentStates, each with its start time column.
    pub const ACTIVE_COUNTERS: [(StateCol, StateCol); 6] = [
        (
            StateCol::PhoneActiveInboundContacts,
            StateCol::PhoneActiveInboundStartTime,
        ),
        (
            StateCol::PhoneActiveOutboundContacts,
            StateCol::PhoneActiveOutboundStartTime,
        ),
        (
            StateCol::ChatActiveInboundContacts,
            StateCol::ChatActiveInboundStartTime,
        ),
        (
            StateCol::ChatActiveOutboundContacts,
            StateCol::ChatActiveOutboundStartTime,
        ),
        (
            StateCol::EmailActiveInboundContacts,
            StateCol::EmailActiveInboundStartTime,
        ),
        (
            StateCol::EmailActiveOutboundContacts,
            StateCol::EmailActiveOutboundStartTime,
        ),
    ];
}
