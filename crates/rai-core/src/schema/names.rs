//! SPEC §2.7 and §2.6 as data: which text column names which id column,
//! and which names translations may replace.

use super::table::{ColumnId, ContactCol, IntervalCol, StateCol, Table, UserCol, TRANSLATABLE};
use serde::Serialize;

/// Texts that name an id (SPEC §2.7), each keyed by one id kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum NameKind {
    /// applicationName of applicationId.
    ApplicationName,
    /// queueName of queueId.
    QueueName,
    /// userName of userId.
    UserName,
    /// profileName (agentStates `profile`) of profileId.
    ProfileName,
    /// profileReason of profileId.
    ProfileReason,
    /// campaignName of campaignId.
    CampaignName,
    /// reportingGroupName of reportingGroupId.
    ReportingGroupName,
}

impl NameKind {
    /// Number of kinds.
    pub const COUNT: usize = 7;

    /// Dense index (0..COUNT).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The translation field (§2.6) of this name, if translatable.
    pub fn translation_field(self) -> Option<&'static str> {
        let field = match self {
            NameKind::ApplicationName => "applicationName",
            NameKind::QueueName => "queueName",
            NameKind::UserName => return None,
            NameKind::ProfileName => "profileName",
            NameKind::ProfileReason => "profileReason",
            NameKind::CampaignName => "campaignName",
            NameKind::ReportingGroupName => "reportingGroupName",
        };
        debug_assert!(TRANSLATABLE.contains(&field));
        Some(field)
    }
}

/// One §2.7 name source: `text` names the id in `id` as `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameSource {
    /// The id column.
    pub id: ColumnId,
    /// The text column.
    pub text: ColumnId,
    /// The name kind.
    pub kind: NameKind,
}

const fn src(id: ColumnId, text: ColumnId, kind: NameKind) -> NameSource {
    NameSource { id, text, kind }
}

/// Every (id column, text column) pair that names an id: §2.7 as data.
pub const NAME_SOURCES: &[NameSource] = &[
    src(
        ColumnId::Contacts(ContactCol::ApplicationId),
        ColumnId::Contacts(ContactCol::ApplicationName),
        NameKind::ApplicationName,
    ),
    src(
        ColumnId::Contacts(ContactCol::QueueId),
        ColumnId::Contacts(ContactCol::QueueName),
        NameKind::QueueName,
    ),
    src(
        ColumnId::Contacts(ContactCol::UserId),
        ColumnId::Contacts(ContactCol::UserName),
        NameKind::UserName,
    ),
    src(
        ColumnId::AgentIntervals(IntervalCol::UserId),
        ColumnId::AgentIntervals(IntervalCol::UserName),
        NameKind::UserName,
    ),
    src(
        ColumnId::AgentIntervals(IntervalCol::ProfileId),
        ColumnId::AgentIntervals(IntervalCol::ProfileName),
        NameKind::ProfileName,
    ),
    src(
        ColumnId::AgentIntervals(IntervalCol::ProfileId),
        ColumnId::AgentIntervals(IntervalCol::ProfileReason),
        NameKind::ProfileReason,
    ),
    src(
        ColumnId::AgentIntervals(IntervalCol::CampaignId),
        ColumnId::AgentIntervals(IntervalCol::CampaignName),
        NameKind::CampaignName,
    ),
    src(
        ColumnId::AgentStates(StateCol::ProfileId),
        ColumnId::AgentStates(StateCol::Profile),
        NameKind::ProfileName,
    ),
    src(
        ColumnId::AgentStates(StateCol::ProfileId),
        ColumnId::AgentStates(StateCol::ProfileReason),
        NameKind::ProfileReason,
    ),
    src(
        ColumnId::Users(UserCol::UserId),
        ColumnId::Users(UserCol::UserName),
        NameKind::UserName,
    ),
    src(
        ColumnId::Users(UserCol::ReportingGroupId),
        ColumnId::Users(UserCol::ReportingGroupName),
        NameKind::ReportingGroupName,
    ),
];

/// The name sources of one table, in [`NAME_SOURCES`] order.
pub fn name_sources(table: Table) -> impl Iterator<Item = &'static NameSource> {
    NAME_SOURCES.iter().filter(move |s| s.id.table() == table)
}
