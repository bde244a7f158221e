//! Evaluates a column over one input row: an input column's cell, or a
//! derived column by its declared [`Definition`] (the store holds no rule
//! of its own).

use crate::load::Cell;
use crate::model::Millis;
use crate::schema::{ColKind, ColumnId, Definition, Term};

/// The cell of an input column in a row's cells (Absent for derived ones).
pub(crate) fn cell(cells: &[Cell], col: ColumnId) -> &Cell {
    col.input_index().and_then(|i| cells.get(i)).unwrap_or(&Cell::Absent)
}

fn present(cells: &[Cell], col: ColumnId) -> bool {
    !matches!(cell(cells, col), Cell::Absent)
}

/// A boolean column's value in a row (false when absent).
pub(crate) fn bool_of(cells: &[Cell], col: ColumnId) -> bool {
    match col.definition() {
        Some(Definition::All(terms)) => bool_of_terms(cells, terms),
        Some(Definition::BoolOr(c, default)) => cell(cells, c).bool_or(default),
        Some(Definition::Choose { .. } | Definition::Sum(_) | Definition::Case(_)) => false,
        None => cell(cells, col).bool_or(false),
    }
}

/// An enum column's value in a row (None when absent): an input enum's
/// value, or the value of a `Case` definition's first rule that holds.
pub(crate) fn enum_of(cells: &[Cell], col: ColumnId) -> Option<&'static str> {
    match col.definition() {
        Some(Definition::Case(rules)) => rules
            .iter()
            .find(|(_, terms)| bool_of_terms(cells, terms))
            .map(|(value, _)| *value),
        Some(_) => None,
        None => match col.input_kind() {
            Some(ColKind::Enum(values)) => values.get(cell(cells, col).enum_index()? as usize).copied(),
            _ => None,
        },
    }
}

fn bool_of_terms(cells: &[Cell], terms: &[Term]) -> bool {
    terms.iter().all(|t| match *t {
        Term::Present(c) => present(cells, c),
        Term::Absent(c) => !present(cells, c),
        Term::Is(c) => bool_of(cells, c),
        Term::IsNot(c) => !bool_of(cells, c),
        Term::OneOf(c, values) => enum_of(cells, c).is_some_and(|v| values.contains(&v)),
    })
}

/// A timestamp column's value in a row (`Millis::MIN` when absent).
pub(crate) fn time_of(cells: &[Cell], col: ColumnId) -> Millis {
    match col.definition() {
        Some(Definition::Choose { when, then, otherwise }) => {
            time_of(cells, if bool_of(cells, when) { then } else { otherwise })
        }
        Some(_) => Millis::MIN,
        None => cell(cells, col).ts().unwrap_or(Millis::MIN),
    }
}

/// A number column's value in a row (0 when absent).
pub(crate) fn number_of(cells: &[Cell], col: ColumnId) -> i64 {
    match col.definition() {
        Some(Definition::Sum(cols)) => cols.iter().fold(0i64, |acc, &c| acc.wrapping_add(number_of(cells, c))),
        Some(_) => 0,
        None => cell(cells, col).int(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ContactCol, ContactDerived, Table};

    fn row(set: &[(ContactCol, Cell)]) -> Vec<Cell> {
        let mut cells = vec![Cell::Absent; Table::Contacts.columns().len()];
        for (c, v) in set {
            cells[c.index()] = v.clone();
        }
        cells
    }

    #[test]
    fn derived_contact_columns_follow_their_definitions() {
        let d = |x| ColumnId::ContactsDerived(x);
        let queued = row(&[
            (ContactCol::QueueArrivalTime, Cell::Ts(5)),
            (ContactCol::ArrivalTime, Cell::Ts(1)),
        ]);
        assert!(bool_of(&queued, d(ContactDerived::Queuing)));
        assert!(bool_of(&queued, d(ContactDerived::NotHandled)));
        assert!(bool_of(&queued, d(ContactDerived::Direct)));
        assert!(bool_of(&queued, d(ContactDerived::ContactCenter)));
        assert!(!bool_of(&queued, d(ContactDerived::Internal)));
        assert_eq!(time_of(&queued, d(ContactDerived::StatisticTime)), 1);
        let done = row(&[
            (ContactCol::ConnectTime, Cell::Ts(6)),
            (ContactCol::DisconnectTime, Cell::Ts(9)),
            (ContactCol::ArrivalTime, Cell::Ts(1)),
            (ContactCol::ContactCenter, Cell::Bool(false)),
        ]);
        assert!(!bool_of(&done, d(ContactDerived::Queuing)));
        assert!(!bool_of(&done, d(ContactDerived::InProcess)));
        assert!(bool_of(&done, d(ContactDerived::Handled)));
        assert!(!bool_of(&done, d(ContactDerived::ContactCenter)));
        assert_eq!(time_of(&done, d(ContactDerived::StatisticTime)), 9);
    }
}
