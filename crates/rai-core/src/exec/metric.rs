//! Aggregate kinds: each kind's partial state, merge and finalize, in one
//! place. A count, sum or maximum's state is one `i64` slot; the kernel's
//! fused loop is the fast path of `update` for all of them at once. A
//! distribution's state is a [`super::sketch::Sketch`] beside the slots
//! (its slot functions below leave the slot alone).

use super::output::Val;
use crate::model::Millis;
use crate::schema::{Input, Op};

/// One aggregate as the executor runs it: kind, input, the flag-word bits
/// of its row condition (0: every row), and whether its input is a
/// timestamp (a maximum of timestamps starts below every instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Metric {
    pub(super) op: Op,
    pub(super) input: Input,
    pub(super) cond: u32,
    pub(super) time: bool,
    /// Counts only: count the rows whose input is at most this.
    pub(super) at_most: Option<i64>,
}

/// The state of an aggregate over no rows.
pub(super) fn init(op: Op, time: bool) -> i64 {
    match op {
        Op::Max if time => Millis::MIN,
        _ => 0,
    }
}

/// One row's value folded into a state (the kernel inlines this).
#[inline]
pub(super) fn update(op: Op, state: i64, v: i64) -> i64 {
    match op {
        Op::Count | Op::Sum | Op::StateTime => state.saturating_add(v),
        Op::Max => state.max(v),
        Op::Distribution => state,
    }
}

/// Two partial states of the same groups merged (sums add, maxima take the max).
#[inline]
pub(super) fn merge(op: Op, a: i64, b: i64) -> i64 {
    update(op, a, b)
}

/// The output value of a final state.
pub(super) fn finalize(m: &Metric, state: i64) -> Val<'static> {
    if m.time {
        Val::Ts(state)
    } else {
        Val::Int(state)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sums_saturate_instead_of_wrapping() {
        for op in [Op::Count, Op::Sum, Op::StateTime] {
            assert_eq!(update(op, i64::MAX - 1, 5), i64::MAX);
            assert_eq!(merge(op, i64::MAX, i64::MAX), i64::MAX);
        }
        assert_eq!(update(Op::Max, 3, 7), 7);
    }
    use super::*;

    #[test]
    fn states_merge_like_one_pass() {
        let rows = [3i64, 9, 4, 0, 7];
        for op in [Op::Count, Op::Sum, Op::Max] {
            let v = |x: i64| if op == Op::Count { 1 } else { x };
            let one = rows.iter().fold(init(op, false), |s, &x| update(op, s, v(x)));
            let (a, b) = rows.split_at(2);
            let left = a.iter().fold(init(op, false), |s, &x| update(op, s, v(x)));
            let right = b.iter().fold(init(op, false), |s, &x| update(op, s, v(x)));
            assert_eq!(merge(op, left, right), one, "{op:?}");
        }
        assert_eq!(init(Op::Max, true), Millis::MIN);
    }
}
