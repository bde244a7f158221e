//! Agent quarter-hour intervals, stored column by column in intervalStart order.

use super::column::{blocks, distinct, sort_permutation, NumCol, Numbers};
use super::fact::{check_lengths, fact_table, Fact};
use crate::error::Result;
use crate::model::Millis;
use crate::schema::{ColumnId, IntervalCol as I, IntervalDerived, Table};
use std::sync::LazyLock;

const fn iv(col: I) -> ColumnId {
    ColumnId::AgentIntervals(col)
}

/// The number columns stored in [`Intervals::numbers`]: the table's
/// durations and counts in table order, then the derived ones.
static NUMBER_COLUMNS: LazyLock<Vec<ColumnId>> = LazyLock::new(|| {
    I::ALL
        .iter()
        .filter(|col| col.kind().is_number())
        .map(|&col| iv(col))
        .chain(IntervalDerived::ALL.map(ColumnId::AgentIntervalsDerived))
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
        /// Each row's position in its batch as ingested (a tie-break).
        order: Vec<u32> = r.index;
        /// The batch text codes of userName, profileName, profileReason, campaignName.
        name_codes: Vec<[u32; 4]> = r.name_codes();
    }
}

impl Intervals {
    /// Completes a batch: rows in intervalStart order (ties keep ingestion
    /// order), numbers narrowed, block ranges and distinct codes built.
    pub(crate) fn seal(&mut self) -> Result<()> {
        let perm = sort_permutation(&self.start);
        let mut cols = self.columns_mut();
        check_lengths(&cols)?;
        for (_, col) in cols.iter_mut() {
            if let Some(p) = &perm {
                col.permute(p);
            }
            col.seal();
        }
        self.index();
        Ok(())
    }

    /// Keeps the rows of `mask` (retention).
    pub(crate) fn retain(&mut self, mask: &[bool]) {
        for (_, col) in self.columns_mut().iter_mut() {
            col.keep(mask);
        }
        self.index();
    }

    fn index(&mut self) {
        self.blocks = blocks(&self.start, &self.start);
        self.distinct = [distinct(&self.user), distinct(&self.profile), distinct(&self.campaign)];
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
    fn blocks(&self) -> &[[Millis; 4]] {
        &self.blocks
    }
    fn distinct(&self, slot: usize) -> &[u32] {
        self.distinct.get(slot).map_or(&[], |v| v.as_slice())
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
    fn has_number(col: ColumnId) -> bool {
        NUMBER_COLUMNS.contains(&col)
    }
    fn number(&self, col: ColumnId) -> Option<&NumCol> {
        NUMBER_COLUMNS
            .iter()
            .position(|&n| n == col)
            .and_then(|i| self.numbers.0.get(i))
    }
    fn order(&self) -> &[u32] {
        &self.order
    }
    fn change(&self) -> &[Millis] {
        &self.change
    }
    fn name_codes(&self) -> &[[u32; 4]] {
        &self.name_codes
    }
}
