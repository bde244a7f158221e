//! The snapshot lifecycle: one consistent, immutable view of every table.
//! A load, an upsert, a retraction or a retention builds a new snapshot
//! from the old one (sharing every untouched batch) and never changes it.

use super::batch::{Batch, BatchData, BatchInfo, Row};
use super::contacts::Contacts;
use super::dict::IdDict;
use super::fact::{Fact, Ingest, Layout};
use super::intervals::Intervals;
use super::names::{NameSlot, NameTexts, Names, Translations};
use super::summary::{summary, NameEntry};
use crate::error::{Error, ErrorKind, Result};
use crate::load::{read_batch_from, Cell, Format};
use crate::messages;
use crate::model::{timestamp_string, Guid, Millis, QUARTER_HOUR_MS};
use crate::schema::{name_sources, ColumnId, ContactCol, IntervalCol, Table, CHANNELS, TYPES, TYPE_CHANNEL};
use ahash::AHashMap;
use std::sync::Arc;

/// Rows kept whole by userId (agentStates, users).
pub(crate) type UpsertMap = AHashMap<Guid, Arc<Row>>;

/// One consistent, immutable view of every table.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) ids: Arc<IdDict>,
    pub(crate) batches: Vec<Arc<Batch>>,
    pub(crate) states: Arc<UpsertMap>,
    pub(crate) users: Arc<UpsertMap>,
    pub(crate) names: Arc<Names>,
    pub(crate) translations: Arc<Translations>,
    /// Ids of upsert batches (not retractable).
    pub(super) upsert_batches: Arc<Vec<u64>>,
    pub(super) next_batch: u64,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            ids: Arc::default(),
            batches: Vec::new(),
            states: Arc::default(),
            users: Arc::default(),
            names: Arc::default(),
            translations: Arc::default(),
            upsert_batches: Arc::default(),
            next_batch: 1,
        }
    }
}

/// The cell of an input column of a kept row.
pub(crate) fn cell(row: &Row, col: ColumnId) -> &Cell {
    super::derive::cell(&row.cells, col)
}

/// The changeTimestamp of a kept row (`Millis::MIN` without one).
fn change_of(table: Table, row: &Row) -> Millis {
    table
        .change_timestamp()
        .and_then(|col| cell(row, col).ts())
        .unwrap_or(Millis::MIN)
}

/// The userId of a kept row.
fn user_of(table: Table, row: &Row) -> Option<Guid> {
    cell(row, table.user_id()?).guid()
}

/// The contact type must belong to the contact's channel.
fn check_contact(line: usize, cells: &[Cell]) -> Result<()> {
    let at = |c: ContactCol| cells.get(c.index()).and_then(Cell::enum_index);
    let id = cells.get(ContactCol::ContactId.index()).and_then(Cell::guid);
    let (Some(ty), Some(ch), Some(_)) = (at(ContactCol::Type), at(ContactCol::Channel), id) else {
        return Err(Error::internal(messages::unvalidated(
            "a contact without id, type or channel",
        )));
    };
    if TYPE_CHANNEL.get(ty as usize) != Some(&ch) {
        let name = |list: &[&'static str], i: u8| list.get(i as usize).copied().unwrap_or("");
        return Err(Error::data(messages::type_disagrees(
            line,
            name(TYPES, ty),
            name(CHANNELS, ch),
        )));
    }
    Ok(())
}

/// An agent interval starts on a quarter hour.
fn check_interval(line: usize, cells: &[Cell]) -> Result<()> {
    let col = IntervalCol::IntervalStart;
    let Some(start) = cells.get(col.index()).and_then(Cell::ts) else {
        return Err(Error::internal(messages::unvalidated(
            "an interval without intervalStart",
        )));
    };
    if start.rem_euclid(QUARTER_HOUR_MS) != 0 {
        return Err(Error::data(messages::not_on_quarter_hour(
            line,
            col.name(),
            &timestamp_string(start),
        )));
    }
    Ok(())
}

impl Snapshot {
    /// Loads one batch and returns the new snapshot; `self` is unchanged.
    /// A rejected batch changes nothing.
    pub(crate) fn with_batch(
        &self,
        table: Table,
        format: Format,
        input: impl std::io::Read,
    ) -> Result<(Snapshot, BatchInfo)> {
        self.with_rows(table, None, |sink| read_batch_from(table, format, input, sink))
    }

    /// A batch from rows of input cells under a given id (a restore from a
    /// checkpoint: ids increase, and later batches get later ids).
    pub(crate) fn with_restored(
        &self,
        table: Table,
        id: u64,
        feed: impl FnOnce(&mut dyn crate::load::RowSink) -> Result<usize>,
    ) -> Result<(Snapshot, BatchInfo)> {
        self.with_rows(table, Some(id), feed)
    }

    /// Loads one batch whose rows `feed` hands over; `id` None: the next id.
    fn with_rows(
        &self,
        table: Table,
        id: Option<u64>,
        feed: impl FnOnce(&mut dyn crate::load::RowSink) -> Result<usize>,
    ) -> Result<(Snapshot, BatchInfo)> {
        let mut next = self.clone();
        let id = id.unwrap_or(next.next_batch);
        next.next_batch = next.next_batch.max(id + 1);
        let seq0 = id << 32;
        let ids = Arc::make_mut(&mut next.ids);
        let mut names = NameTexts::new(table);
        let mut index = 0u32;
        let mut kept: Vec<Row> = Vec::new();
        let data = match table {
            Table::Contacts | Table::AgentIntervals => {
                let mut contacts = Contacts::default();
                let mut intervals = Intervals::default();
                let mut sink = |line: usize, cells: &[Cell]| -> Result<()> {
                    let mut r = Ingest {
                        cells,
                        index,
                        ids: &mut *ids,
                        names: &mut names,
                    };
                    if table == Table::Contacts {
                        check_contact(line, cells)?;
                        contacts.push_row(&mut r);
                    } else {
                        check_interval(line, cells)?;
                        intervals.push_row(&mut r);
                    }
                    index += 1;
                    Ok(())
                };
                feed(&mut sink)?;
                if table == Table::Contacts {
                    super::fact::seal(&mut contacts)?;
                    BatchData::Contacts(Box::new(contacts))
                } else {
                    super::fact::seal(&mut intervals)?;
                    BatchData::Intervals(Box::new(intervals))
                }
            }
            _ => {
                let mut sink = |_line: usize, cells: &[Cell]| -> Result<()> {
                    kept.push(Row {
                        cells: cells.into(),
                        seq: seq0 | kept.len() as u64,
                    });
                    Ok(())
                };
                feed(&mut sink)?;
                if table.is_upsert() {
                    let rows = kept.len();
                    next.apply_upserts(table, kept);
                    Arc::make_mut(&mut next.upsert_batches).push(id);
                    next.rebuild_derived();
                    return Ok((next, BatchInfo { id, table, rows }));
                }
                if table == Table::Translations {
                    BatchData::Translations(kept)
                } else {
                    BatchData::Events(kept)
                }
            }
        };
        let texts = names.texts;
        let names = fact_summary(&data, id, &texts);
        let rows = data.rows().1;
        next.batches.push(Arc::new(Batch {
            id,
            data,
            texts: Arc::new(texts),
            names,
        }));
        next.rebuild_derived();
        Ok((next, BatchInfo { id, table, rows }))
    }

    /// Upserts rows by userId: a row replaces the stored one unless older.
    fn apply_upserts(&mut self, table: Table, rows: Vec<Row>) {
        let ids = Arc::make_mut(&mut self.ids);
        for source in name_sources(table) {
            for r in &rows {
                if let Some(g) = cell(r, source.id).guid() {
                    ids.intern(g);
                }
            }
        }
        let map = if table == Table::Users {
            Arc::make_mut(&mut self.users)
        } else {
            Arc::make_mut(&mut self.states)
        };
        for r in rows {
            let Some(user) = user_of(table, &r) else { continue };
            let ts = change_of(table, &r);
            match map.get(&user) {
                Some(old) if change_of(table, old) > ts => {}
                _ => {
                    map.insert(user, Arc::new(r));
                }
            }
        }
    }

    /// Removes an appended batch. Upsert batches cannot be retracted.
    pub(crate) fn without_batch(&self, id: u64) -> Result<Snapshot> {
        if self.upsert_batches.contains(&id) {
            return Err(Error::query(messages::not_retractable(id)));
        }
        let Some(pos) = self.batches.iter().position(|b| b.id == id) else {
            return Err(Error::new(ErrorKind::NotFound, messages::unknown_batch(id)));
        };
        let mut next = self.clone();
        next.batches.remove(pos);
        next.rebuild_derived();
        Ok(next)
    }

    /// Retention (SPEC §10): drops the rows of `table` whose time key is
    /// before `before` (contacts: arrivalTime; agentIntervals: intervalStart;
    /// the others: changeTimestamp). Dropped rows no longer name anything.
    pub(crate) fn without_before(&self, table: Table, before: Millis) -> Result<Snapshot> {
        let mut next = self.clone();
        match table {
            Table::Translations => return Err(Error::query(messages::no_retention(table.name()))),
            Table::AgentStates | Table::Users => {
                let map = if table == Table::Users {
                    Arc::make_mut(&mut next.users)
                } else {
                    Arc::make_mut(&mut next.states)
                };
                map.retain(|_, r| change_of(table, r) >= before);
            }
            _ => {
                let mut batches = Vec::with_capacity(self.batches.len());
                for b in &self.batches {
                    if b.data.rows().0 != table {
                        batches.push(b.clone());
                        continue;
                    }
                    let data = match &b.data {
                        BatchData::Contacts(c) => {
                            let mask: Vec<bool> = c.arrival.iter().map(|&t| t >= before).collect();
                            let mut c = (**c).clone();
                            super::fact::retain(&mut c, &mask);
                            BatchData::Contacts(Box::new(c))
                        }
                        BatchData::Intervals(c) => {
                            let mask: Vec<bool> = c.start.iter().map(|&t| t >= before).collect();
                            let mut c = (**c).clone();
                            super::fact::retain(&mut c, &mask);
                            BatchData::Intervals(Box::new(c))
                        }
                        BatchData::Events(v) => {
                            BatchData::Events(v.iter().filter(|r| change_of(table, r) >= before).cloned().collect())
                        }
                        BatchData::Translations(_) => continue,
                    };
                    if data.rows().1 > 0 {
                        let names = fact_summary(&data, b.id, &b.texts);
                        batches.push(Arc::new(Batch {
                            id: b.id,
                            data,
                            texts: b.texts.clone(),
                            names,
                        }));
                    }
                }
                next.batches = batches;
            }
        }
        next.rebuild_derived();
        Ok(next)
    }

    /// Recomputes current names and translations from batch summaries and upsert rows.
    fn rebuild_derived(&mut self) {
        let mut names = Names::default();
        for b in &self.batches {
            for (kind, code, slot) in &b.names {
                names.offer(*kind, *code, slot);
            }
        }
        for (table, rows) in [(Table::AgentStates, &self.states), (Table::Users, &self.users)] {
            for r in rows.values() {
                for source in name_sources(table) {
                    let (Some(g), Some(text)) = (cell(r, source.id).guid(), cell(r, source.text).text()) else {
                        continue;
                    };
                    if let Some(code) = self.ids.get(g) {
                        let slot = NameSlot {
                            ts: change_of(table, r),
                            seq: r.seq,
                            text: text.into(),
                        };
                        names.offer(source.kind, code, &slot);
                    }
                }
            }
        }
        self.names = Arc::new(names);
        let mut tr = Translations::default();
        for b in &self.batches {
            if let BatchData::Translations(rows) = &b.data {
                rows.iter().for_each(|r| tr.add(&r.cells));
            }
        }
        self.translations = Arc::new(tr);
    }

    /// Sets what a restore brings beyond the batches: the next batch id and
    /// the ids of upsert batches (also those whose rows were all replaced).
    pub(crate) fn with_counters(&self, next_batch: u64, upsert_batches: &[u64]) -> Snapshot {
        let mut next = self.clone();
        next.next_batch = next.next_batch.max(next_batch);
        let ids = Arc::make_mut(&mut next.upsert_batches);
        for &id in upsert_batches {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        next
    }

    /// Rows of each table (for diagnostics and tests).
    pub fn row_counts(&self) -> Vec<(Table, usize)> {
        let mut counts: AHashMap<Table, usize> = AHashMap::new();
        for b in &self.batches {
            let (t, n) = b.data.rows();
            *counts.entry(t).or_default() += n;
        }
        counts.insert(Table::AgentStates, self.states.len());
        counts.insert(Table::Users, self.users.len());
        Table::ALL
            .iter()
            .map(|t| (*t, counts.get(t).copied().unwrap_or(0)))
            .collect()
    }

    /// The batches of one fact table, with their positions.
    pub(crate) fn facts<F: Fact + 'static>(&self) -> impl Iterator<Item = (usize, &F)> + '_ {
        self.batches
            .iter()
            .enumerate()
            .filter_map(|(i, b)| F::of(&b.data).map(|f| (i, f)))
    }

    /// Every status event, in batch order.
    pub(crate) fn events(&self) -> impl Iterator<Item = &Row> {
        self.batches.iter().flat_map(|b| match &b.data {
            BatchData::Events(v) => v.as_slice(),
            _ => &[],
        })
    }

    /// The id of batch number `i`.
    pub(crate) fn batch_id(&self, i: usize) -> u64 {
        self.batches.get(i).map_or(0, |b| b.id)
    }
}

/// The §2.7 summary of a fact batch (none for the other tables).
fn fact_summary(data: &BatchData, id: u64, texts: &[Arc<str>]) -> Vec<NameEntry> {
    match data {
        BatchData::Contacts(c) => summary(&**c, id, texts),
        BatchData::Intervals(c) => summary(&**c, id, texts),
        _ => Vec::new(),
    }
}
