//! A snapshot given back as input rows, batch by batch, and rebuilt from
//! them: what a durable store checkpoints and restores, and what an export
//! writes. Kept-row tables come back as stored; fact tables are rebuilt
//! from their columns in ingestion order, with the values the engine
//! answers from (a defaulted boolean or duration comes back as its default,
//! a name as its batch text). Restoring the rows of every batch under its
//! id, in id order, rebuilds a snapshot that answers every query alike.

use super::batch::{BatchData, Row};
use super::contacts::{Contacts, FLAG_COLUMNS};
use super::fact::{Fact, Layout};
use super::intervals::Intervals;
use super::snapshot::Snapshot;
use crate::error::{Error, Result};
use crate::load::Cell;
use crate::messages;
use crate::schema::{name_sources, ColKind, ColumnId, ContactCol as C, IntervalCol as I, Table, TYPE_CHANNEL};
use std::sync::Arc;

/// One appended batch of a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredBatch {
    /// Its id.
    pub id: u64,
    /// Its table.
    pub table: Table,
    /// Its rows now (after retention).
    pub rows: usize,
}

/// Rows in ingestion order: the inverse of the time sort.
fn ingestion_order(order: &[u32]) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..order.len()).collect();
    rows.sort_unstable_by_key(|&r| order[r]);
    rows
}

fn put(cells: &mut [Cell], col: ColumnId, v: Cell) {
    if let Some(c) = col.input_index().and_then(|i| cells.get_mut(i)) {
        *c = v;
    }
}

fn time(t: i64) -> Cell {
    if t == i64::MIN {
        Cell::Absent
    } else {
        Cell::Ts(t)
    }
}

/// The input columns that numbers hold, with their place in the numbers.
fn number_inputs<F: Fact>() -> impl Iterator<Item = (usize, ColumnId)> {
    F::number_columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.input_index().is_some())
        .map(|(i, &c)| (i, c))
}

impl Snapshot {
    /// The appended batches (every table but agentStates and users), in order.
    pub fn stored_batches(&self) -> Vec<StoredBatch> {
        self.batches
            .iter()
            .map(|b| {
                let (table, rows) = b.data.rows();
                StoredBatch { id: b.id, table, rows }
            })
            .collect()
    }

    /// The id the next batch will get.
    pub fn next_batch_id(&self) -> u64 {
        self.next_batch
    }

    /// The ids of upsert batches (they cannot be retracted).
    pub fn upsert_batch_ids(&self) -> Vec<u64> {
        self.upsert_batches.to_vec()
    }

    /// Hands each row of batch `id` to `f` as input cells, in ingestion order.
    pub fn batch_rows(&self, id: u64, f: &mut dyn FnMut(&[Cell]) -> Result<()>) -> Result<()> {
        self.rows_of(id, false, &mut |_, cells| f(cells))
    }

    /// Hands each row of batch `id` to `f` as (its ingestion position,
    /// input cells) in stored order: fact rows sorted by their time key,
    /// ties in ingestion order. Rows written in this order restore without
    /// a sort (see [`Snapshot::with_restored_parts`]).
    pub fn batch_rows_stored(&self, id: u64, f: &mut dyn FnMut(u32, &[Cell]) -> Result<()>) -> Result<()> {
        self.rows_of(id, true, f)
    }

    fn rows_of(&self, id: u64, stored: bool, f: &mut dyn FnMut(u32, &[Cell]) -> Result<()>) -> Result<()> {
        let b = self
            .batches
            .iter()
            .find(|b| b.id == id)
            .ok_or_else(|| Error::new(crate::error::ErrorKind::NotFound, messages::unknown_batch(id)))?;
        let rows = |order: &[u32]| -> Vec<usize> {
            if stored {
                (0..order.len()).collect()
            } else {
                ingestion_order(order)
            }
        };
        match &b.data {
            BatchData::Events(rows) | BatchData::Translations(rows) => {
                (0u32..).zip(rows.iter()).try_for_each(|(i, r)| f(i, &r.cells))
            }
            BatchData::Contacts(c) => self.contact_rows(c, &b.texts, rows(c.order()), f),
            BatchData::Intervals(c) => self.interval_rows(c, &b.texts, rows(c.order()), f),
        }
    }

    /// Hands each current row of upsert table `table` (agentStates, users)
    /// to `f` with the id of the batch that brought it, in ingestion order.
    pub fn upserted_rows(&self, table: Table, f: &mut dyn FnMut(u64, &[Cell]) -> Result<()>) -> Result<()> {
        let map = match table {
            Table::Users => &self.users,
            Table::AgentStates => &self.states,
            _ => return Err(Error::query(messages::not_upsert_table(table.name()))),
        };
        let mut rows: Vec<&Arc<Row>> = map.values().collect();
        rows.sort_unstable_by_key(|r| r.seq);
        rows.iter().try_for_each(|r| f(r.seq >> 32, &r.cells))
    }

    /// The name texts of a fact row back into `cells`.
    fn names_into(&self, table: Table, codes: &[u32; 4], texts: &[Arc<str>], cells: &mut [Cell]) {
        for (source, &code) in name_sources(table).zip(codes) {
            if let (true, Some(t)) = (code != 0, texts.get(code as usize)) {
                put(cells, source.text, Cell::Text(Box::from(&**t)));
            }
        }
    }

    fn guid(&self, code: u32) -> Cell {
        self.ids.guid(code).map_or(Cell::Absent, Cell::Guid)
    }

    fn contact_rows(
        &self,
        c: &Contacts,
        texts: &[Arc<str>],
        rows: Vec<usize>,
        f: &mut dyn FnMut(u32, &[Cell]) -> Result<()>,
    ) -> Result<()> {
        let table = Table::Contacts;
        let mut cells = vec![Cell::Absent; table.columns().len()];
        let flag = |word: u32, col: ColumnId| {
            FLAG_COLUMNS
                .iter()
                .position(|&x| x == col)
                .is_some_and(|b| word & (1 << b) != 0)
        };
        let bool_cols = C::ALL.iter().filter(|col| col.kind() == ColKind::Bool);
        let bool_cols: Vec<ColumnId> = bool_cols.map(|&col| ColumnId::Contacts(col)).collect();
        let completed = ColumnId::ContactsDerived(crate::schema::ContactDerived::Completed);
        let internal = ColumnId::ContactsDerived(crate::schema::ContactDerived::Internal);
        let center = ColumnId::ContactsDerived(crate::schema::ContactDerived::ContactCenter);
        for r in rows {
            cells.iter_mut().for_each(|x| *x = Cell::Absent);
            let ty = c.ctype[r];
            put(
                &mut cells,
                ColumnId::Contacts(C::ContactId),
                Cell::Guid(c.contact_id[r]),
            );
            put(&mut cells, ColumnId::Contacts(C::Type), Cell::Enum(ty));
            let channel = TYPE_CHANNEL.get(ty as usize).copied().unwrap_or(0);
            put(&mut cells, ColumnId::Contacts(C::Channel), Cell::Enum(channel));
            put(&mut cells, ColumnId::Contacts(C::ApplicationId), self.guid(c.app[r]));
            put(&mut cells, ColumnId::Contacts(C::QueueId), self.guid(c.queue[r]));
            put(&mut cells, ColumnId::Contacts(C::UserId), self.guid(c.user[r]));
            self.names_into(table, &c.name_codes().get(r), texts, &mut cells);
            let word = c.flags[r];
            for &col in &bool_cols {
                let v = match col {
                    ColumnId::Contacts(C::Internal) => flag(word, internal),
                    ColumnId::Contacts(C::ContactCenter) => flag(word, center),
                    _ => flag(word, col),
                };
                put(&mut cells, col, Cell::Bool(v));
            }
            put(&mut cells, ColumnId::Contacts(C::ArrivalTime), time(c.arrival[r]));
            put(
                &mut cells,
                ColumnId::Contacts(C::QueueArrivalTime),
                time(c.queue_arrival[r]),
            );
            put(&mut cells, ColumnId::Contacts(C::ConnectTime), time(c.connect[r]));
            let disconnect = if flag(word, completed) { c.stat_key[r] } else { i64::MIN };
            put(&mut cells, ColumnId::Contacts(C::DisconnectTime), time(disconnect));
            put(&mut cells, ColumnId::Contacts(C::ChangeTimestamp), time(c.change[r]));
            for (i, col) in number_inputs::<Contacts>() {
                put(&mut cells, col, Cell::Int(c.numbers().0[i].get(r)));
            }
            f(c.order()[r], &cells)?;
        }
        Ok(())
    }

    fn interval_rows(
        &self,
        c: &Intervals,
        texts: &[Arc<str>],
        rows: Vec<usize>,
        f: &mut dyn FnMut(u32, &[Cell]) -> Result<()>,
    ) -> Result<()> {
        let table = Table::AgentIntervals;
        let mut cells = vec![Cell::Absent; table.columns().len()];
        for r in rows {
            cells.iter_mut().for_each(|x| *x = Cell::Absent);
            put(&mut cells, ColumnId::AgentIntervals(I::IntervalStart), time(c.start[r]));
            put(&mut cells, ColumnId::AgentIntervals(I::UserId), self.guid(c.user[r]));
            put(
                &mut cells,
                ColumnId::AgentIntervals(I::ProfileId),
                self.guid(c.profile[r]),
            );
            put(
                &mut cells,
                ColumnId::AgentIntervals(I::CampaignId),
                self.guid(c.campaign[r]),
            );
            self.names_into(table, &c.name_codes().get(r), texts, &mut cells);
            put(
                &mut cells,
                ColumnId::AgentIntervals(I::ChangeTimestamp),
                time(c.change[r]),
            );
            for (i, col) in number_inputs::<Intervals>() {
                put(&mut cells, col, Cell::Int(c.numbers().0[i].get(r)));
            }
            f(c.order()[r], &cells)?;
        }
        Ok(())
    }
}
