//! SPEC §2: the six tables the engine ingests, declared once as data.
//! Loading (every format), validation messages and the generator read these.

/// The kind of one column (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// One column: its name, kind and whether it is required.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    /// Column name (case-sensitive).
    pub name: &'static str,
    /// Value kind.
    pub kind: ColKind,
    /// A row without it is rejected.
    pub required: bool,
}

/// The tables, in SPEC §2's (and a data directory's loading) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// The table's columns.
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

    /// Index of column `name`.
    pub fn col(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
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

const fn req(name: &'static str, kind: ColKind) -> Col {
    Col {
        name,
        kind,
        required: true,
    }
}
const fn opt(name: &'static str, kind: ColKind) -> Col {
    Col {
        name,
        kind,
        required: false,
    }
}

use ColKind::*;

/// The 8 outcome flags of a contact segment, in output order.
pub const CONTACT_FLAGS: [&str; 8] = [
    "falseAttempt",
    "abandoned",
    "serviceClosed",
    "answeredOnTime",
    "overflowed",
    "diverted",
    "agentTransferred",
    "transferredIn",
];

/// The 6 duration columns of a contact segment.
pub const CONTACT_DURATIONS: [&str; 6] = [
    "waitingDuration",
    "queuingDuration",
    "handlingDuration",
    "handlingDurationUser",
    "afterworkDuration",
    "holdDuration",
];

static CONTACTS: &[Col] = &[
    req("contactId", Guid),
    req("channel", Enum(CHANNELS)),
    req("type", Enum(TYPES)),
    opt("applicationId", Guid),
    opt("applicationName", Text),
    opt("queueId", Guid),
    opt("queueName", Text),
    opt("userId", Guid),
    opt("userName", Text),
    opt("internal", Bool),
    opt("contactCenter", Bool),
    req("arrivalTime", Timestamp),
    opt("queueArrivalTime", Timestamp),
    opt("connectTime", Timestamp),
    opt("disconnectTime", Timestamp),
    opt("falseAttempt", Bool),
    opt("abandoned", Bool),
    opt("serviceClosed", Bool),
    opt("answeredOnTime", Bool),
    opt("overflowed", Bool),
    opt("diverted", Bool),
    opt("agentTransferred", Bool),
    opt("transferredIn", Bool),
    opt("waitingDuration", Duration),
    opt("queuingDuration", Duration),
    opt("handlingDuration", Duration),
    opt("handlingDurationUser", Duration),
    opt("afterworkDuration", Duration),
    opt("holdDuration", Duration),
    req("changeTimestamp", Timestamp),
];

/// The numeric columns of agentIntervals (durations and counts), in table order.
pub const INTERVAL_NUMBERS: [&str; 28] = [
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
    "countOfHandledCallInDirect",
    "countOfHandledCallOut",
    "countOfHandledCallOutDirect",
    "countOfHandledEmailIn",
    "countOfHandledEmailOut",
    "countOfHandledChatIn",
    "countOfHandledChatOut",
    "callInDuration",
    "afterworkCallInDuration",
    "callInDirectDuration",
    "callOutDuration",
    "afterworkCallOutDuration",
    "callOutDirectDuration",
    "emailInDuration",
    "emailOutDuration",
    "afterworkEmailInDuration",
    "chatDuration",
    "afterworkChatInDuration",
];

static AGENT_INTERVALS: &[Col] = &[
    req("intervalStart", Timestamp),
    req("userId", Guid),
    opt("userName", Text),
    opt("profileId", Guid),
    opt("profileName", Text),
    opt("profileReason", Text),
    opt("campaignId", Guid),
    opt("campaignName", Text),
    opt("readyDuration", Duration),
    opt("notReadyDuration", Duration),
    opt("pauseDuration", Duration),
    opt("freeDuration", Duration),
    opt("waitingDuration", Duration),
    opt("contactHandlingDuration", Duration),
    opt("afterworkDuration", Duration),
    opt("restingDuration", Duration),
    opt("previewDuration", Duration),
    opt("countOfHandledCallIn", Count),
    opt("countOfHandledCallInDirect", Count),
    opt("countOfHandledCallOut", Count),
    opt("countOfHandledCallOutDirect", Count),
    opt("countOfHandledEmailIn", Count),
    opt("countOfHandledEmailOut", Count),
    opt("countOfHandledChatIn", Count),
    opt("countOfHandledChatOut", Count),
    opt("callInDuration", Duration),
    opt("afterworkCallInDuration", Duration),
    opt("callInDirectDuration", Duration),
    opt("callOutDuration", Duration),
    opt("afterworkCallOutDuration", Duration),
    opt("callOutDirectDuration", Duration),
    opt("emailInDuration", Duration),
    opt("emailOutDuration", Duration),
    opt("afterworkEmailInDuration", Duration),
    opt("chatDuration", Duration),
    opt("afterworkChatInDuration", Duration),
    req("changeTimestamp", Timestamp),
];

/// The active-contact counters of agentStates, each followed by its start time column.
pub const ACTIVE_COUNTERS: [(&str, &str, &str); 6] = [
    (
        "phoneActiveInboundContacts",
        "phoneActiveInboundStartTime",
        "phoneActiveInboundDuration",
    ),
    (
        "phoneActiveOutboundContacts",
        "phoneActiveOutboundStartTime",
        "phoneActiveOutboundDuration",
    ),
    (
        "chatActiveInboundContacts",
        "chatActiveInboundStartTime",
        "chatActiveInboundDuration",
    ),
    (
        "chatActiveOutboundContacts",
        "chatActiveOutboundStartTime",
        "chatActiveOutboundDuration",
    ),
    (
        "emailActiveInboundContacts",
        "emailActiveInboundStartTime",
        "emailActiveInboundDuration",
    ),
    (
        "emailActiveOutboundContacts",
        "emailActiveOutboundStartTime",
        "emailActiveOutboundDuration",
    ),
];

static AGENT_STATES: &[Col] = &[
    req("userId", Guid),
    opt("profileId", Guid),
    opt("profile", Text),
    opt("profileReason", Text),
    opt("profileType", Enum(PROFILE_TYPES)),
    opt("profileStartTime", Timestamp),
    req("userStatus", Enum(USER_STATUSES)),
    opt("userStatusStartTime", Timestamp),
    req("availability", Enum(AVAILABILITIES)),
    opt("contactHandlingStatus", Enum(CONTACT_HANDLING_STATUSES)),
    opt("contactHandlingStatusStartTime", Timestamp),
    opt("phoneActiveInboundContacts", Count),
    opt("phoneActiveOutboundContacts", Count),
    opt("chatActiveInboundContacts", Count),
    opt("chatActiveOutboundContacts", Count),
    opt("emailActiveInboundContacts", Count),
    opt("emailActiveOutboundContacts", Count),
    opt("phoneActiveInboundStartTime", Timestamp),
    opt("phoneActiveOutboundStartTime", Timestamp),
    opt("chatActiveInboundStartTime", Timestamp),
    opt("chatActiveOutboundStartTime", Timestamp),
    opt("emailActiveInboundStartTime", Timestamp),
    opt("emailActiveOutboundStartTime", Timestamp),
    req("changeTimestamp", Timestamp),
];

static AGENT_STATUS_EVENTS: &[Col] = &[
    req("sessionId", Guid),
    req("userId", Guid),
    opt("signOn", Timestamp),
    opt("profile", Text),
    opt("profileReason", Text),
    opt("profileType", Enum(PROFILE_TYPES)),
    opt("userStatus", Enum(USER_STATUSES)),
    opt("userStatusTimestamp", Timestamp),
    opt("status", Enum(EVENT_STATUSES)),
    opt("statusTimestamp", Timestamp),
    opt("outboundServing", Guid),
    req("changeTimestamp", Timestamp),
];

static USERS: &[Col] = &[
    req("userId", Guid),
    opt("userName", Text),
    opt("reportingGroupId", Guid),
    opt("reportingGroupName", Text),
    opt("number", Text),
    opt("mobileNumber", Text),
    opt("externalNumber", Text),
    opt("email", Text),
    opt("chatName", Text),
    opt("chat", Text),
    opt("chatCapacity", Count),
    opt("location", Text),
    req("changeTimestamp", Timestamp),
];

static TRANSLATIONS: &[Col] = &[
    req("language", Language),
    req("field", TransField),
    req("value", Text),
    req("text", Text),
];
