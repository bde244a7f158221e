//! Short const constructors of typed input-column ids, so that
//! declarations read like the column lists they refer to
//! (`c(ContactCol::QueueId)`); those of derived columns are with them in
//! [`super::derived`].

use super::table::{ColumnId, ContactCol, EventCol, IntervalCol, StateCol, UserCol};

/// An input column of contacts.
pub(crate) const fn c(col: ContactCol) -> ColumnId {
    ColumnId::Contacts(col)
}
/// An input column of agentIntervals.
pub(crate) const fn iv(col: IntervalCol) -> ColumnId {
    ColumnId::AgentIntervals(col)
}
/// An input column of agentStates.
pub(crate) const fn st(col: StateCol) -> ColumnId {
    ColumnId::AgentStates(col)
}
/// An input column of agentStatusEvents.
pub(crate) const fn ev(col: EventCol) -> ColumnId {
    ColumnId::AgentStatusEvents(col)
}
/// An input column of users.
pub(crate) const fn us(col: UserCol) -> ColumnId {
    ColumnId::Users(col)
}
