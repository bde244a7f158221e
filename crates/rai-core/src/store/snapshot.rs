//! The snapshot lifecycle: one consistent, immutable view of every table.
//! A load, an upsert, a retraction or a retention builds a new snapshot
//! from the old one (sharing every untouched batch) and never changes it.

use super::batch::{Batch, BatchData, BatchInfo, Row};
use super::batch_list::BatchList;
use super::contacts::Contacts;
use super::dict::IdDict;
use super::fact::Fact;
use super::ingest::{fact_blocks, fact_parts, fact_rows, PARALLEL_MIN_BYTES};
use super::intervals::Intervals;
use super::names::{NameSlot, NameTexts, Names, Translations};
use super::summary::{summary, NameEntry};
use crate::error::{Error, ErrorKind, Result};
use crate::load::{read_batch_from, Cell, Format};
use crate::messages;
use crate::model::{Guid, Millis};
use crate::schema::{name_sources, ColumnId, Table};
use ahash::AHashMap;
use std::sync::Arc;

/// A batch of a fact table read and ingested apart from any snapshot.
pub(crate) struct Prepared {
    table: Table,
    data: BatchData,
    ids: IdDict,
    texts: NameTexts,
}

/// The rows of a fact batch whose time column `key` is not before `before`.
fn retained<F: Fact + Clone>(f: &F, key: ColumnId, before: Millis) -> Result<F> {
    let times = f.time(key).ok_or_else(|| Error::internal(messages::cannot_run(key)))?;
    let mask: Vec<bool> = times.iter().map(|&t| t >= before).collect();
    let mut f = f.clone();
    super::fact::retain(&mut f, &mask);
    Ok(f)
}

/// Renumbers a sealed batch's id codes through `map` and rebuilds its indexes.
fn renumber<F: Fact>(f: &mut F, map: &[u32]) {
    for slot in 0..3 {
        f.codes_mut(slot)
            .iter_mut()
            .for_each(|c| *c = map.get(*c as usize).copied().unwrap_or(super::dict::NONE));
    }
    super::fact::reindex(f);
}

/// Rows kept whole by userId (agentStates, users).
pub(crate) type UpsertMap = AHashMap<Guid, Arc<Row>>;

/// One consistent, immutable view of every table.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) ids: Arc<IdDict>,
    pub(crate) batches: BatchList,
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
            batches: BatchList::default(),
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

    /// Reads and ingests a batch of a fact table apart from any snapshot
    /// (so outside the writer lock, writers in parallel): with a
    /// dictionary and texts of its own, sealed; a large CSV or JSON Lines
    /// batch in parts on every core. [`Snapshot::with_prepared`] adds it.
    /// None: not a fact table.
    pub(crate) fn prepare(table: Table, format: Format, bytes: &[u8]) -> Result<Option<Prepared>> {
        if !matches!(table, Table::Contacts | Table::AgentIntervals) {
            return Ok(None);
        }
        let (mut ids, mut texts) = (IdDict::default(), NameTexts::new(table));
        let threads = rayon::current_num_threads();
        // A large body in parts on every core; a small CSV body as one part,
        // for the faster part reader (see `load::csv::chunk_records`).
        let parts = if bytes.len() >= PARALLEL_MIN_BYTES && threads > 1 {
            crate::load::split::split(table, format, bytes, 2 * threads)?
        } else if format == Format::Csv {
            crate::load::split::split(table, format, bytes, 1)?
        } else {
            None
        };
        let in_parts = match (&parts, table) {
            (Some(parts), Table::Contacts) => {
                fact_parts::<Contacts>(parts, &mut ids, &mut texts)?.map(|f| BatchData::Contacts(Box::new(f)))
            }
            (Some(parts), _) => {
                fact_parts::<Intervals>(parts, &mut ids, &mut texts)?.map(|f| BatchData::Intervals(Box::new(f)))
            }
            (None, _) => None,
        };
        let data = match in_parts {
            Some(data) => data,
            None => {
                // One pass (small, uncuttable, or a part failed: the exact first error).
                (ids, texts) = (IdDict::default(), NameTexts::new(table));
                let feed = |sink: &mut dyn crate::load::RowSink| read_batch_from(table, format, bytes, sink);
                match table {
                    Table::Contacts => {
                        BatchData::Contacts(Box::new(fact_rows::<Contacts>(&mut ids, &mut texts, feed)?))
                    }
                    _ => BatchData::Intervals(Box::new(fact_rows::<Intervals>(&mut ids, &mut texts, feed)?)),
                }
            }
        };
        Ok(Some(Prepared {
            table,
            data,
            ids,
            texts,
        }))
    }

    /// [`Snapshot::prepare`] for a large fact-table stream, read in blocks
    /// while it is ingested (see [`crate::load::blocks`]). None: not a fact
    /// table, or the stream cannot be read in blocks, or a block failed —
    /// the caller reads it again in one pass, for the exact first error.
    /// Not to be called on a pool thread (it waits for the pool).
    pub(crate) fn prepare_blocks(table: Table, format: Format, input: impl std::io::Read) -> Result<Option<Prepared>> {
        if !matches!(table, Table::Contacts | Table::AgentIntervals) {
            return Ok(None);
        }
        let Some(blocks) = crate::load::blocks::Blocks::start(table, format, input)? else {
            return Ok(None);
        };
        let (mut ids, mut texts) = (IdDict::default(), NameTexts::new(table));
        let data = match table {
            Table::Contacts => {
                fact_blocks::<Contacts>(blocks, &mut ids, &mut texts)?.map(|f| BatchData::Contacts(Box::new(f)))
            }
            _ => fact_blocks::<Intervals>(blocks, &mut ids, &mut texts)?.map(|f| BatchData::Intervals(Box::new(f))),
        };
        Ok(data.map(|data| Prepared {
            table,
            data,
            ids,
            texts,
        }))
    }

    /// Adds a prepared batch: its ids interned into the dictionary in order
    /// of first appearance (as one pass would), its codes renumbered.
    pub(crate) fn with_prepared(&self, p: Prepared) -> Result<(Snapshot, BatchInfo)> {
        let Prepared {
            table,
            mut data,
            ids: local,
            texts,
        } = p;
        self.with_data(table, None, |ids, names| {
            // Nearly every POST names only ids already known: then the shared
            // dictionary is read, not copied (a copy per write cost time in
            // proportion to every id ever seen).
            let known: Option<Vec<u32>> = (0..local.len() as u32)
                .map(|c| local.guid(c).map_or(Some(super::dict::NONE), |g| ids.get(g)))
                .collect();
            let map = match known {
                Some(map) => map,
                None => {
                    let ids = Arc::make_mut(ids);
                    (0..local.len() as u32)
                        .map(|c| local.guid(c).map_or(super::dict::NONE, |g| ids.intern(g)))
                        .collect()
                }
            };
            match &mut data {
                BatchData::Contacts(f) => renumber(&mut **f, &map),
                BatchData::Intervals(f) => renumber(&mut **f, &map),
                _ => {}
            }
            *names = texts;
            Ok(data)
        })
    }

    /// Restored batches of a fact table whose rows `read` hands over in
    /// parts, `counts[i]` naming part `i` and listing its rows per batch (a batch may
    /// spread over parts; each row comes with its batch and place in it).
    /// Every batch's columns are made once, at their final size, and the
    /// parts fill their runs of them on every core.
    pub(crate) fn with_restored_parts(
        &self,
        table: Table,
        counts: &[(String, Vec<(u64, usize)>)],
        read: impl Fn(usize, &mut crate::load::TakeRestoredRow<'_>) -> Result<()> + Sync,
    ) -> Result<Snapshot> {
        match table {
            Table::Contacts => self.restore_parts_of::<Contacts>(counts, read, |f| BatchData::Contacts(Box::new(f))),
            Table::AgentIntervals => {
                self.restore_parts_of::<Intervals>(counts, read, |f| BatchData::Intervals(Box::new(f)))
            }
            _ => Err(Error::internal(messages::cannot_run(table))),
        }
    }

    fn restore_parts_of<F: Fact + Default + Send>(
        &self,
        counts: &[(String, Vec<(u64, usize)>)],
        read: impl Fn(usize, &mut crate::load::TakeRestoredRow<'_>) -> Result<()> + Sync,
        wrap: impl Fn(F) -> BatchData,
    ) -> Result<Snapshot> {
        use rayon::prelude::*;
        // Per batch, in id order: the parts with rows of it, and how many.
        let mut runs: std::collections::BTreeMap<u64, Vec<(usize, usize)>> = Default::default();
        for (part, (_, of_part)) in counts.iter().enumerate() {
            for &(id, rows) in of_part.iter().filter(|c| c.1 > 0) {
                runs.entry(id).or_default().push((part, rows));
            }
        }
        let mut facts: Vec<F> = runs.keys().map(|_| F::default()).collect();
        let mut windows: Vec<ahash::AHashMap<u64, (F::Window<'_>, usize)>> =
            counts.iter().map(|_| Default::default()).collect();
        for (f, (&id, parts)) in facts.iter_mut().zip(&runs) {
            f.size_numbers();
            let sizes: Vec<usize> = parts.iter().map(|p| p.1).collect();
            for (w, &(part, rows)) in f.windows(&sizes).into_iter().zip(parts) {
                if let Some(of_part) = windows.get_mut(part) {
                    of_part.insert(id, (w, rows));
                }
            }
        }
        let mut filled: Vec<ahash::AHashMap<u64, super::ingest::Filled<F::Spill>>> =
            (windows.into_par_iter().enumerate())
                .map(|(i, runs)| {
                    let name = counts.get(i).map_or("", |c| c.0.as_str());
                    super::ingest::fill_part::<F, _>(name, runs, |take| read(i, take))
                })
                .collect::<Result<_>>()?;
        let mut snap = self.clone();
        for (f, (id, parts)) in facts.into_iter().zip(runs) {
            let starts: Vec<usize> = (parts.iter())
                .scan(0, |at, p| Some(std::mem::replace(at, *at + p.1)))
                .collect();
            let of_batch: Vec<_> = (parts.iter())
                .filter_map(|&(part, _)| filled.get_mut(part).and_then(|m| m.remove(&id)))
                .collect();
            let (next, _) = snap.with_data(F::TABLE, Some(id), |ids, names| {
                Ok(wrap(super::ingest::finish_restored(
                    f,
                    &starts,
                    of_batch,
                    Arc::make_mut(ids),
                    names,
                )?))
            })?;
            snap = next;
        }
        Ok(snap)
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
        match table {
            Table::Contacts => self.with_data(table, id, |ids, names| {
                Ok(BatchData::Contacts(Box::new(fact_rows::<Contacts>(
                    Arc::make_mut(ids),
                    names,
                    feed,
                )?)))
            }),
            Table::AgentIntervals => self.with_data(table, id, |ids, names| {
                Ok(BatchData::Intervals(Box::new(fact_rows::<Intervals>(
                    Arc::make_mut(ids),
                    names,
                    feed,
                )?)))
            }),
            _ => self.with_kept_rows(table, id, feed),
        }
    }

    /// Adds the batch `build` makes with the dictionary and the batch's
    /// name texts; `id` None: the next id. The dictionary is shared with the
    /// snapshot this one is made from: `build` copies it (`Arc::make_mut`)
    /// only if it adds an id.
    fn with_data(
        &self,
        table: Table,
        id: Option<u64>,
        build: impl FnOnce(&mut Arc<IdDict>, &mut NameTexts) -> Result<BatchData>,
    ) -> Result<(Snapshot, BatchInfo)> {
        let mut next = self.clone();
        let id = id.unwrap_or(next.next_batch);
        next.next_batch = next.next_batch.max(id + 1);
        let mut names = NameTexts::new(table);
        let data = build(&mut next.ids, &mut names)?;
        let texts = names.texts;
        let summary = fact_summary(&data, id, &texts);
        let rows = data.rows().1;
        let batch = Arc::new(Batch {
            id,
            data,
            texts: Arc::new(texts),
            names: summary,
        });
        next.derive_added(&batch);
        next.batches.push(batch);
        Ok((next, BatchInfo { id, table, rows }))
    }

    /// Loads a batch of a kept-row table (status events, translations, or an upsert).
    fn with_kept_rows(
        &self,
        table: Table,
        id: Option<u64>,
        feed: impl FnOnce(&mut dyn crate::load::RowSink) -> Result<usize>,
    ) -> Result<(Snapshot, BatchInfo)> {
        let id = id.unwrap_or(self.next_batch);
        let seq0 = id << 32;
        let mut kept: Vec<Row> = Vec::new();
        let mut sink = |_line: usize, cells: &[Cell]| -> Result<()> {
            kept.push(Row {
                cells: cells.into(),
                seq: seq0 | kept.len() as u64,
            });
            Ok(())
        };
        feed(&mut sink)?;
        if table.is_upsert() {
            let mut next = self.clone();
            next.next_batch = next.next_batch.max(id + 1);
            let rows = kept.len();
            next.apply_upserts(table, kept);
            Arc::make_mut(&mut next.upsert_batches).push(id);
            next.rebuild_derived();
            return Ok((next, BatchInfo { id, table, rows }));
        }
        self.with_data(table, Some(id), |_, _| {
            Ok(if table == Table::Translations {
                BatchData::Translations(kept)
            } else {
                BatchData::Events(kept)
            })
        })
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

    /// Retention (SPEC §10): drops the rows of `table` whose time key
    /// ([`Table::time_key`]) is before `before`. Dropped rows no longer
    /// name anything.
    pub(crate) fn without_before(&self, table: Table, before: Millis) -> Result<Snapshot> {
        let mut next = self.clone();
        // The table's declared time key (translations have none).
        let Some(key) = table.time_key() else {
            return Err(Error::query(messages::no_retention(table.name())));
        };
        let kept = |r: &Row| cell(r, key).ts().unwrap_or(Millis::MIN) >= before;
        match table {
            Table::AgentStates | Table::Users => {
                let map = if table == Table::Users {
                    Arc::make_mut(&mut next.users)
                } else {
                    Arc::make_mut(&mut next.states)
                };
                map.retain(|_, r| kept(r));
            }
            _ => {
                let mut batches = BatchList::default();
                for b in &self.batches {
                    if b.data.rows().0 != table {
                        batches.push(b.clone());
                        continue;
                    }
                    let data = match &b.data {
                        BatchData::Contacts(c) => BatchData::Contacts(Box::new(retained(&**c, key, before)?)),
                        BatchData::Intervals(c) => BatchData::Intervals(Box::new(retained(&**c, key, before)?)),
                        BatchData::Events(v) => BatchData::Events(v.iter().filter(|r| kept(r)).cloned().collect()),
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

    /// Brings current names and translations up to date with a batch about
    /// to be added, without revisiting the others: a name candidate wins by
    /// (changeTimestamp, seq), and seq is unique across batches and upsert
    /// rows, so offering the new summary on top gives exactly what
    /// [`Self::rebuild_derived`] would; translations only change when
    /// translations are added, and later rows win there as in a rebuild. A
    /// POST then costs the same with 10 batches stored as with 100,000.
    fn derive_added(&mut self, batch: &Batch) {
        if !batch.names.is_empty() {
            let names = Arc::make_mut(&mut self.names);
            for (kind, code, slot) in &batch.names {
                names.offer(*kind, *code, slot);
            }
        }
        if let BatchData::Translations(rows) = &batch.data {
            let tr = Arc::make_mut(&mut self.translations);
            rows.iter().for_each(|r| tr.add(&r.cells));
        }
    }

    /// Recomputes current names and translations from batch summaries and
    /// upsert rows (after rows were replaced or removed).
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

    /// Heap bytes held, by table and stored column, summed over batches:
    /// the fact tables column by column (with their bookkeeping: `order`,
    /// `name_codes`, `indexes`), the row tables as `rows` (cells, without
    /// the text a cell may own), and the id dictionary as `ids`/`dictionary`.
    /// Estimates from capacities, for the operator (`/metrics`) and for
    /// measuring the layout (bytes per contact segment by column).
    pub fn memory(&self) -> Vec<(&'static str, &'static str, usize)> {
        use super::fact::Layout;
        let mut out: Vec<(&'static str, &'static str, usize)> = Vec::new();
        let mut add = |table: &'static str, column: &'static str, bytes: usize| match out
            .iter_mut()
            .find(|(t, c, _)| *t == table && *c == column)
        {
            Some(e) => e.2 += bytes,
            None => out.push((table, column, bytes)),
        };
        let rows = |v: &[Row]| -> usize {
            v.iter()
                .map(|r| std::mem::size_of::<Row>() + r.cells.len() * std::mem::size_of::<Cell>())
                .sum()
        };
        for b in &self.batches {
            match &b.data {
                BatchData::Contacts(c) => c
                    .column_bytes()
                    .into_iter()
                    .for_each(|(col, n)| add("contacts", col, n)),
                BatchData::Intervals(c) => c
                    .column_bytes()
                    .into_iter()
                    .for_each(|(col, n)| add("agentIntervals", col, n)),
                BatchData::Events(v) => add("agentStatusEvents", "rows", rows(v)),
                BatchData::Translations(v) => add("translations", "rows", rows(v)),
            }
        }
        let upserted = |m: &UpsertMap| -> usize {
            m.values()
                .map(|r| std::mem::size_of::<Row>() + r.cells.len() * std::mem::size_of::<Cell>() + 32)
                .sum()
        };
        add("agentStates", "rows", upserted(&self.states));
        add("users", "rows", upserted(&self.users));
        add("ids", "dictionary", self.ids.heap_bytes());
        out
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

#[cfg(test)]
mod tests {
    use crate::{Engine, Format, Table};

    /// The current names and translations, in an order that does not
    /// depend on hashing.
    fn derived(s: &super::Snapshot) -> String {
        let mut tr: Vec<String> = (s.translations.map.iter())
            .flat_map(|(k, m)| m.iter().map(move |(v, t)| format!("{k:?} {v} {t}")))
            .collect();
        tr.sort();
        format!("{:?} {tr:?}", s.names)
    }

    /// One write of the sequence below: a contacts batch naming queues, a
    /// users upsert, a translations batch, or a retraction.
    #[derive(Debug, Clone)]
    enum Write {
        Contacts(Vec<(u8, u8, u8)>),
        User(u8, u8, u8),
        Translation(u8, u8),
        Retract(u8),
    }

    fn write() -> impl proptest::strategy::Strategy<Value = Write> {
        use proptest::prelude::*;
        prop_oneof![
            4 => proptest::collection::vec((0..4u8, 0..3u8, 0..3u8), 1..6).prop_map(Write::Contacts),
            1 => (0..4u8, 0..3u8, 0..3u8).prop_map(|(u, n, t)| Write::User(u, n, t)),
            1 => (0..3u8, 0..3u8).prop_map(|(v, t)| Write::Translation(v, t)),
            1 => (1..12u8).prop_map(Write::Retract),
        ]
    }

    proptest::proptest! {
        /// Adding a batch updates names and translations in place; after
        /// any sequence of writes they equal a rebuild from every batch and
        /// upsert row (ties on changeTimestamp included: few distinct times).
        #[test]
        fn names_added_in_place_equal_a_rebuild(writes in proptest::collection::vec(write(), 1..12)) {
            let e = Engine::new();
            for w in writes {
                let _ = match w {
                    Write::Contacts(rows) => {
                        let mut csv = String::from("contactId,channel,type,queueId,queueName,userId,userName,arrivalTime,changeTimestamp\n");
                        for (i, (q, n, t)) in rows.into_iter().enumerate() {
                            csv.push_str(&format!(
                                "{:032X},Phone,CallIn,{:032X},q{n},{:032X},u{n},2026-01-01T00:00:00Z,2026-01-01T0{t}:00:00Z\n",
                                i + 1, q + 1, q + 11,
                            ));
                        }
                        e.load(Table::Contacts, Format::Csv, csv.as_bytes()).map(|_| ())
                    }
                    Write::User(u, n, t) => {
                        let csv = format!("userId,userName,changeTimestamp\n{:032X},user{n},2026-01-01T0{t}:00:00Z\n", u + 11);
                        e.load(Table::Users, Format::Csv, csv.as_bytes()).map(|_| ())
                    }
                    Write::Translation(v, t) => {
                        let csv = format!("language,field,value,text\nfi,queueName,q{v},jono{t}\n");
                        e.load(Table::Translations, Format::Csv, csv.as_bytes()).map(|_| ())
                    }
                    Write::Retract(id) => e.retract(u64::from(id)),
                };
                let now = e.snapshot();
                let mut rebuilt = (*now).clone();
                rebuilt.rebuild_derived();
                proptest::prop_assert_eq!(derived(&now), derived(&rebuilt));
            }
        }
    }

    /// A write that names only ids already known shares the dictionary
    /// with the snapshot before it (a copy per write cost time in
    /// proportion to every id ever seen); one that names a new id gets a
    /// dictionary of its own, and the snapshot before keeps its own.
    #[test]
    fn a_write_of_known_ids_shares_the_dictionary() -> crate::Result<()> {
        let e = Engine::new();
        let batch = |queues: &[u32]| {
            let mut csv = String::from("contactId,channel,type,queueId,arrivalTime,changeTimestamp\n");
            for (i, q) in queues.iter().enumerate() {
                csv.push_str(&format!(
                    "{:032X},Phone,CallIn,{q:032X},2026-01-01T00:00:00Z,2026-01-01T01:00:00Z\n",
                    i + 1
                ));
            }
            csv
        };
        e.load(Table::Contacts, Format::Csv, batch(&[1, 2]).as_bytes())?;
        let first = e.snapshot();
        e.load(Table::Contacts, Format::Csv, batch(&[2, 1, 2]).as_bytes())?;
        let known = e.snapshot();
        assert!(std::sync::Arc::ptr_eq(&first.ids, &known.ids));
        e.load(Table::Contacts, Format::Csv, batch(&[2, 3]).as_bytes())?;
        let grown = e.snapshot();
        assert!(!std::sync::Arc::ptr_eq(&known.ids, &grown.ids));
        assert_eq!((known.ids.len(), grown.ids.len()), (3, 4));
        Ok(())
    }

    /// `memory()` counts each stored column by its exact size once a batch
    /// is sealed (no growth slack), and the row tables by their rows.
    #[test]
    fn memory_counts_columns_exactly() {
        let e = Engine::new();
        let mut csv = String::from("contactId,channel,type,queueId,arrivalTime,changeTimestamp\n");
        for i in 0..1000u32 {
            csv.push_str(&format!(
                "{i:032X},Phone,CallIn,{:032X},2026-01-01T00:{:02}:00Z,2026-01-01T01:00:00Z\n",
                i % 7 + 1,
                i % 60
            ));
        }
        assert!(e.load(Table::Contacts, Format::Csv, csv.as_bytes()).is_ok());
        let mem = e.snapshot().memory();
        let bytes = |t: &str, c: &str| mem.iter().find(|m| m.0 == t && m.1 == c).map(|m| m.2);
        assert_eq!(bytes("contacts", "contact_id"), Some(16_000));
        assert_eq!(bytes("contacts", "arrival"), Some(8_000));
        assert_eq!(bytes("contacts", "queue"), Some(4_000));
        assert_eq!(bytes("contacts", "ctype"), Some(1_000));
        assert_eq!(bytes("agentStatusEvents", "rows"), None, "no batch of it");
        assert_eq!(bytes("users", "rows"), Some(0));
        assert!(bytes("ids", "dictionary").is_some_and(|b| b >= 8 * 16));
    }
}
