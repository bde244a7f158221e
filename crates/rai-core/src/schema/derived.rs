//! Columns computed at load from a row's input columns (SPEC §3, §6), each
//! declared once with its definition. The store evaluates these definitions
//! (it holds no rule of its own); the endpoint declaration refers to them
//! like any column.

use super::ids::{c, ev, iv};
use super::table::{ColumnId, ContactCol, EventCol, IntervalCol, Table, EVENT_STATUSES};

/// A derived column of contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ContactDerived {
    /// The segment was connected: connectTime is given.
    Handled,
    /// Not handled.
    NotHandled,
    /// The segment ended: disconnectTime is given.
    Completed,
    /// Waiting in a queue now: not completed, not handled, queueArrivalTime given.
    Queuing,
    /// Connected and not yet ended.
    InProcess,
    /// `internal`, false when absent.
    Internal,
    /// `contactCenter`, true when absent.
    ContactCenter,
    /// Not routed through a queue: queueId is absent.
    Direct,
    /// contactStatistic's time key: disconnectTime when completed, else arrivalTime.
    StatisticTime,
}

/// A derived column of agentIntervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum IntervalDerived {
    /// readyDuration + notReadyDuration + pauseDuration.
    ServingDuration,
}

/// A derived column of contacts.
pub(crate) const fn cd(col: ContactDerived) -> ColumnId {
    ColumnId::ContactsDerived(col)
}
/// A derived column of agentIntervals.
pub(crate) const fn ivd(col: IntervalDerived) -> ColumnId {
    ColumnId::AgentIntervalsDerived(col)
}
/// A derived column of agentStatusEvents.
pub(crate) const fn evd(col: EventDerived) -> ColumnId {
    ColumnId::AgentStatusEventsDerived(col)
}

/// A derived column of agentStatusEvents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventDerived {
    /// The availability of the state an event begins (agentStates'
    /// `LoggedOut`/`Away`/`Busy`/`Free`), which the status log does not
    /// carry: classified from userStatus and the handling status.
    Availability,
}

/// One term of a boolean definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Term {
    /// The input column has a value.
    Present(ColumnId),
    /// The input column has no value.
    Absent(ColumnId),
    /// The boolean column is true.
    Is(ColumnId),
    /// The boolean column is false.
    IsNot(ColumnId),
    /// The enum column holds one of the values.
    OneOf(ColumnId, &'static [&'static str]),
}

/// How a derived column is computed from one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Definition {
    /// True when every term holds.
    All(&'static [Term]),
    /// The boolean input column, or the default when absent.
    BoolOr(ColumnId, bool),
    /// `then` when the boolean column `when` is true, else `otherwise`.
    Choose {
        /// The condition.
        when: ColumnId,
        /// Its value when true.
        then: ColumnId,
        /// Its value when false.
        otherwise: ColumnId,
    },
    /// The sum of number columns (wrapping at 64 bits, like every sum).
    Sum(&'static [ColumnId]),
    /// An enum value: that of the first rule whose terms all hold; absent
    /// when none does.
    Case(&'static [(&'static str, &'static [Term])]),
}

impl ContactDerived {
    /// Every derived contact column.
    pub const ALL: [ContactDerived; 9] = [
        ContactDerived::Handled,
        ContactDerived::NotHandled,
        ContactDerived::Completed,
        ContactDerived::Queuing,
        ContactDerived::InProcess,
        ContactDerived::Internal,
        ContactDerived::ContactCenter,
        ContactDerived::Direct,
        ContactDerived::StatisticTime,
    ];

    /// Its name in plans (`handled`).
    pub fn name(self) -> &'static str {
        match self {
            ContactDerived::Handled => "handled",
            ContactDerived::NotHandled => "notHandled",
            ContactDerived::Completed => "completed",
            ContactDerived::Queuing => "queuing",
            ContactDerived::InProcess => "inProcess",
            ContactDerived::Internal => "isInternal",
            ContactDerived::ContactCenter => "isContactCenter",
            ContactDerived::Direct => "direct",
            ContactDerived::StatisticTime => "statisticTime",
        }
    }

    /// Its definition.
    pub fn definition(self) -> Definition {
        use ContactCol as C;
        use ContactDerived as D;
        match self {
            D::Handled => {
                const DEF: Definition = Definition::All(&[Term::Present(c(C::ConnectTime))]);
                DEF
            }
            D::NotHandled => {
                const DEF: Definition = Definition::All(&[Term::IsNot(cd(D::Handled))]);
                DEF
            }
            D::Completed => {
                const DEF: Definition = Definition::All(&[Term::Present(c(C::DisconnectTime))]);
                DEF
            }
            D::Queuing => {
                const DEF: Definition = Definition::All(&[
                    Term::IsNot(cd(D::Completed)),
                    Term::IsNot(cd(D::Handled)),
                    Term::Present(c(C::QueueArrivalTime)),
                ]);
                DEF
            }
            D::InProcess => {
                const DEF: Definition = Definition::All(&[Term::IsNot(cd(D::Completed)), Term::Is(cd(D::Handled))]);
                DEF
            }
            D::Internal => {
                const DEF: Definition = Definition::BoolOr(c(C::Internal), false);
                DEF
            }
            D::ContactCenter => {
                const DEF: Definition = Definition::BoolOr(c(C::ContactCenter), true);
                DEF
            }
            D::Direct => {
                const DEF: Definition = Definition::All(&[Term::Absent(c(C::QueueId))]);
                DEF
            }
            D::StatisticTime => {
                const DEF: Definition = Definition::Choose {
                    when: cd(D::Completed),
                    then: c(C::DisconnectTime),
                    otherwise: c(C::ArrivalTime),
                };
                DEF
            }
        }
    }
}

impl IntervalDerived {
    /// Every derived interval column.
    pub const ALL: [IntervalDerived; 1] = [IntervalDerived::ServingDuration];

    /// Its name in plans.
    pub fn name(self) -> &'static str {
        match self {
            IntervalDerived::ServingDuration => "servingDuration",
        }
    }

    /// Its definition.
    pub fn definition(self) -> Definition {
        use IntervalCol as I;
        match self {
            IntervalDerived::ServingDuration => {
                const DEF: Definition =
                    Definition::Sum(&[iv(I::ReadyDuration), iv(I::NotReadyDuration), iv(I::PauseDuration)]);
                DEF
            }
        }
    }
}

/// The handling statuses of the status log in which an agent is occupied
/// with a contact: Preview, Wrap, and the talking, chatting, e-mailing and
/// dialing ones (the table's list from Preview to Dialing_Outbound_Campaign).
const BUSY_STATUSES: &[&str] = EVENT_STATUSES.split_at(2).1.split_at(13).0;

impl EventDerived {
    /// Every derived event column.
    pub const ALL: [EventDerived; 1] = [EventDerived::Availability];

    /// Its name in plans and output.
    pub fn name(self) -> &'static str {
        match self {
            EventDerived::Availability => "availability",
        }
    }

    /// Its definition. Availability, first rule that holds: LoggedOut when
    /// userStatus or status is LoggedOut; Busy when the status is one of
    /// a contact's (talking, chatting, e-mailing, dialing, preview, wrap-up),
    /// whatever the userStatus; Away when userStatus is NotReady or Pause;
    /// Free when it is Ready; else absent.
    pub fn definition(self) -> Definition {
        use EventCol as E;
        match self {
            EventDerived::Availability => {
                const DEF: Definition = Definition::Case(&[
                    ("LoggedOut", &[Term::OneOf(ev(E::UserStatus), &["LoggedOut"])]),
                    ("LoggedOut", &[Term::OneOf(ev(E::Status), &["LoggedOut"])]),
                    ("Busy", &[Term::OneOf(ev(E::Status), BUSY_STATUSES)]),
                    ("Away", &[Term::OneOf(ev(E::UserStatus), &["NotReady", "Pause"])]),
                    ("Free", &[Term::OneOf(ev(E::UserStatus), &["Ready"])]),
                ]);
                DEF
            }
        }
    }
}

impl ColumnId {
    /// The definition of a derived column (None for an input column).
    pub fn definition(self) -> Option<Definition> {
        match self {
            ColumnId::ContactsDerived(d) => Some(d.definition()),
            ColumnId::AgentIntervalsDerived(d) => Some(d.definition()),
            ColumnId::AgentStatusEventsDerived(d) => Some(d.definition()),
            _ => None,
        }
    }

    /// Whether the column holds an enum value (an input Enum or a `Case`).
    pub fn is_enum(self) -> bool {
        match self.definition() {
            Some(Definition::Case(_)) => true,
            Some(_) => false,
            None => matches!(self.input_kind(), Some(super::ColKind::Enum(_))),
        }
    }

    /// Whether the column holds a boolean (an input Bool or a boolean definition).
    pub fn is_bool(self) -> bool {
        match self.definition() {
            Some(Definition::All(_) | Definition::BoolOr(..)) => true,
            Some(_) => false,
            None => matches!(self.input_kind(), Some(super::ColKind::Bool)),
        }
    }

    /// The table of a derived column.
    pub(super) fn derived_table(self) -> Option<Table> {
        match self {
            ColumnId::ContactsDerived(_) => Some(Table::Contacts),
            ColumnId::AgentIntervalsDerived(_) => Some(Table::AgentIntervals),
            ColumnId::AgentStatusEventsDerived(_) => Some(Table::AgentStatusEvents),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan names columns by name: a derived one must not read like an input one.
    #[test]
    fn derived_names_are_their_own() {
        for d in ContactDerived::ALL {
            assert!(Table::Contacts.col(d.name()).is_none(), "{d:?}");
        }
        for d in IntervalDerived::ALL {
            assert!(Table::AgentIntervals.col(d.name()).is_none(), "{d:?}");
        }
        for d in EventDerived::ALL {
            assert!(Table::AgentStatusEvents.col(d.name()).is_none(), "{d:?}");
        }
    }

    /// Busy: the statuses of a contact, neither waiting nor (un)joining nor logged out.
    #[test]
    fn busy_statuses_are_the_contact_ones() {
        assert_eq!(BUSY_STATUSES.first(), Some(&"Preview"));
        assert_eq!(BUSY_STATUSES.last(), Some(&"Dialing_Outbound_Campaign"));
        for s in EVENT_STATUSES {
            let contact = !matches!(*s, "Waiting" | "OBJoin" | "OBUnJoin" | "LoggedOut");
            assert_eq!(BUSY_STATUSES.contains(s), contact, "{s}");
        }
    }
}
