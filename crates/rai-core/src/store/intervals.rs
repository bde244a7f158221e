//! Agent quarter-hour intervals, stored column by column in intervalStart order.

use super::column::Numbers;
use super::fact::{fact_table, Fact};
use crate::model::Millis;
use crate::schema::ids::iv;
use crate::schema::{ColumnId, IntervalCol as I, IntervalDerived, Table};
use std::sync::LazyLock;

/// The number columns stored in [`Intervals::numbers`]: the table's
/// durations and counts in table order, then the derived ones.
static NUMBER_COLUMNS: LazyLock<Vec<ColumnId>> = LazyLock::new(|| {
    I::ALL
        .iter()
        .filter(|col| col.kind().is_number())
        .map(|&col| iv(col))
        .chain(IntervalDerived::ALL.map(crate::schema::derived::ivd))
        .collect()
});

fact_table! {
    /// Agent quarter-hour intervals, column by column.
    Intervals |r| {
        start: Vec<Millis> = r.time(iv(I::IntervalStart));
        user: Vec<u32> = r.code(iv(I::UserId));
        profile: Vec<u32> = r.code(iv(I::ProfileId));
        campaign: Vec<u32> = r.code(iv(I::CampaignId));
        /// The numbers of [`NUMBER_COLUMNS`].
        numbers: Numbers = r.numbers(&NUMBER_COLUMNS);
        change: Vec<Millis> = r.time(iv(I::ChangeTimestamp));
    }
}

impl Fact for Intervals {
    const TABLE: Table = Table::AgentIntervals;
    const CODE_COLUMNS: [ColumnId; 3] = [iv(I::UserId), iv(I::ProfileId), iv(I::CampaignId)];
    const BLOCK_KEYS: [ColumnId; 2] = [iv(I::IntervalStart), iv(I::IntervalStart)];
    const TYPE_COLUMNS: Option<(ColumnId, ColumnId)> = None;
    const HAS_FLAGS: bool = false;
    const ROW_ID: Option<ColumnId> = None;

    fn of(data: &super::BatchData) -> Option<&Self> {
        match data {
            super::BatchData::Intervals(c) => Some(c),
            _ => None,
        }
    }
    fn len(&self) -> usize {
        self.start.len()
    }
    fn codes_mut(&mut self, slot: usize) -> &mut Vec<u32> {
        match slot {
            0 => &mut self.user,
            1 => &mut self.profile,
            _ => &mut self.campaign,
        }
    }
    fn codes(&self, slot: usize) -> &[u32] {
        match slot {
            0 => &self.user,
            1 => &self.profile,
            _ => &self.campaign,
        }
    }
    fn time(&self, col: ColumnId) -> Option<&[Millis]> {
        Some(match col {
            ColumnId::AgentIntervals(I::IntervalStart) => &self.start,
            ColumnId::AgentIntervals(I::ChangeTimestamp) => &self.change,
            _ => return None,
        })
    }
    fn number_columns() -> &'static [ColumnId] {
        &NUMBER_COLUMNS
    }
    fn numbers(&self) -> &Numbers {
        &self.numbers
    }
    fn numbers_mut(&mut self) -> &mut Numbers {
        &mut self.numbers
    }
}
