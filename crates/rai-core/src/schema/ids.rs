//! Short const constructors of typed column ids, so that declarations
//! read like the column lists they refer to (`c(ContactCol::QueueId)`).

use super::derived::{ContactDerived, EventDerived, IntervalDerived};
use super::table::{ColumnId, ContactCol, EventCol, IntervalCol, StateCol, UserCol};

/// An input column of contacts.
pub(crate) const fn c(col: ContactCol) -> ColumnId {
    ColumnId::Contacts(col)
}
/// A derived column of contacts.
pub(crate) const fn cd(col: ContactDerived) -> ColumnId {
    ColumnId::ContactsDerived(col)
}
/// An input column of agentIntervals.
pub(crate) const fn iv(col: IntervalCol) -> ColumnId {
    ColumnId::AgentIntervals(col)
}
/// A derived column of agentIntervals.
pub(crate) const fn ivd(col: IntervalDerived) -> ColumnId {
    ColumnId::AgentIntervalsDerived(col)
}
/// An input column of agentStates.
pub(crate) const fn st(col: StateCol) -> ColumnId {
    ColumnId::AgentStates(col)
}
/// An input column of agentStatusEvents.
pub(crate) const fn ev(col: EventCol) -> ColumnId {
    ColumnId::AgentStatusEvents(col)
}
/// A derived column of agentStatusEvents.
pub(crate) const fn evd(col: EventDerived) -> ColumnId {
    ColumnId::AgentStatusEventsDerived(col)
}
/// An input column of users.
pub(crate) const fn us(col: UserCol) -> ColumnId {
    ColumnId::Users(col)
}
