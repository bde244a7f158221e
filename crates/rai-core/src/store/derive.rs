//! Evaluates a column over one input row: an input column's value, or a
//! derived column by its declared [`Definition`] (the store holds no rule
//! of its own). Rows are any [`InputRow`]: a loader's cells or a restore's
//! column view, so the rules are evaluated the same way for both.

use crate::load::{Cell, InputRow};
use crate::model::Millis;
use crate::schema::{ColKind, ColumnId, Definition, Term};

/// The cell of an input column in a row's cells (Absent for derived ones).
pub(crate) fn cell(cells: &[Cell], col: ColumnId) -> &Cell {
    col.input_index().and_then(|i| cells.get(i)).unwrap_or(&Cell::Absent)
}

fn present<R: InputRow + ?Sized>(row: &R, col: ColumnId) -> bool {
    col.input_index().is_some_and(|i| row.present(i))
}

// Each evaluation below asks for an input column's index first: an
// input column has no definition, and the index is the cheaper question
// (these run for every column of every row ingested).

/// A boolean column's value in a row (false when absent).
pub(crate) fn bool_of<R: InputRow + ?Sized>(row: &R, col: ColumnId) -> bool {
    if let Some(i) = col.input_index() {
        return row.bool(i).unwrap_or(false);
    }
    let input = |c: ColumnId| c.input_index().and_then(|i| row.bool(i));
    match col.definition() {
        Some(Definition::All(terms)) => bool_of_terms(row, terms),
        Some(Definition::BoolOr(c, default)) => input(c).unwrap_or(default),
        Some(Definition::Choose { .. } | Definition::Sum(_) | Definition::Case(_)) => false,
        None => input(col).unwrap_or(false),
    }
}

/// An enum column's value in a row (None when absent): an input enum's
/// value, or the value of a `Case` definition's first rule that holds.
pub(crate) fn enum_of<R: InputRow + ?Sized>(row: &R, col: ColumnId) -> Option<&'static str> {
    match col.definition() {
        Some(Definition::Case(rules)) => rules
            .iter()
            .find(|(_, terms)| bool_of_terms(row, terms))
            .map(|(value, _)| *value),
        Some(_) => None,
        None => match col.input_kind() {
            Some(ColKind::Enum(values)) => values.get(row.enum_index(col.input_index()?)? as usize).copied(),
            _ => None,
        },
    }
}

fn bool_of_terms<R: InputRow + ?Sized>(row: &R, terms: &[Term]) -> bool {
    terms.iter().all(|t| match *t {
        Term::Present(c) => present(row, c),
        Term::Absent(c) => !present(row, c),
        Term::Is(c) => bool_of(row, c),
        Term::IsNot(c) => !bool_of(row, c),
        Term::OneOf(c, values) => enum_of(row, c).is_some_and(|v| values.contains(&v)),
    })
}

/// A timestamp column's value in a row (`Millis::MIN` when absent).
pub(crate) fn time_of<R: InputRow + ?Sized>(row: &R, col: ColumnId) -> Millis {
    if let Some(i) = col.input_index() {
        return row.ts(i).unwrap_or(Millis::MIN);
    }
    match col.definition() {
        Some(Definition::Choose { when, then, otherwise }) => {
            time_of(row, if bool_of(row, when) { then } else { otherwise })
        }
        Some(_) => Millis::MIN,
        None => col.input_index().and_then(|i| row.ts(i)).unwrap_or(Millis::MIN),
    }
}

/// A number column's value in a row (0 when absent).
pub(crate) fn number_of<R: InputRow + ?Sized>(row: &R, col: ColumnId) -> i64 {
    if let Some(i) = col.input_index() {
        return row.int(i);
    }
    match col.definition() {
        Some(Definition::Sum(cols)) => cols.iter().fold(0i64, |acc, &c| acc.wrapping_add(number_of(row, c))),
        Some(_) => 0,
        None => col.input_index().map_or(0, |i| row.int(i)),
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
        assert!(bool_of(queued.as_slice(), d(ContactDerived::Queuing)));
        assert!(bool_of(queued.as_slice(), d(ContactDerived::NotHandled)));
        assert!(bool_of(queued.as_slice(), d(ContactDerived::Direct)));
        assert!(bool_of(queued.as_slice(), d(ContactDerived::ContactCenter)));
        assert!(!bool_of(queued.as_slice(), d(ContactDerived::Internal)));
        assert_eq!(time_of(queued.as_slice(), d(ContactDerived::StatisticTime)), 1);
        let done = row(&[
            (ContactCol::ConnectTime, Cell::Ts(6)),
            (ContactCol::DisconnectTime, Cell::Ts(9)),
            (ContactCol::ArrivalTime, Cell::Ts(1)),
            (ContactCol::ContactCenter, Cell::Bool(false)),
        ]);
        assert!(!bool_of(done.as_slice(), d(ContactDerived::Queuing)));
        assert!(!bool_of(done.as_slice(), d(ContactDerived::InProcess)));
        assert!(bool_of(done.as_slice(), d(ContactDerived::Handled)));
        assert!(!bool_of(done.as_slice(), d(ContactDerived::ContactCenter)));
        assert_eq!(time_of(done.as_slice(), d(ContactDerived::StatisticTime)), 9);
    }
}
