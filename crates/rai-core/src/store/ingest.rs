//! Rows into a fact table's columns: one pass, or every core at once. In
//! parallel, each part of the input is read and ingested with a dictionary
//! and name texts of its own; the parts are then merged in order — their
//! ids interned into the shared dictionary and their texts into the
//! batch's in order of first appearance, their codes and row positions
//! renumbered — which gives exactly the batch one pass would.

use super::dict::IdDict;
use super::fact::{Fact, Ingest, PutRow};
use super::names::NameTexts;
use crate::error::{Error, Result};
use crate::load::blocks::Blocks;
use crate::load::split::Parts;
use crate::load::{BorrowedRow, InputRow, RowSink, RowViewSink};
use crate::messages;
use crate::model::{timestamp_string, QUARTER_HOUR_MS};
use crate::schema::{ContactCol, IntervalCol, Table, CHANNELS, TYPES, TYPE_CHANNEL};
use rayon::prelude::*;

/// Batches smaller than this are ingested in one pass.
#[cfg(not(test))]
pub(crate) const PARALLEL_MIN_BYTES: usize = 8 << 20;
#[cfg(test)]
pub(crate) const PARALLEL_MIN_BYTES: usize = 1;

/// The contact type must belong to the contact's channel.
fn check_contact<R: InputRow + ?Sized>(line: usize, cells: &R) -> Result<()> {
    let at = |c: ContactCol| cells.enum_index(c.index());
    let id = cells.guid(ContactCol::ContactId.index());
    let (Some(ty), Some(ch), Some(_)) = (at(ContactCol::Type), at(ContactCol::Channel), id) else {
        return Err(Error::internal(messages::unvalidated(
            "a contact without id, type or channel",
        )));
    };
    if TYPE_CHANNEL.get(ty as usize) != Some(&ch) {
        let name = |list: &[&'static str], i: u8| list.get(i as usize).copied().unwrap_or("");
        let ty = name(TYPES, ty);
        return Err(Error::data_at(
            line,
            Some(ContactCol::Type.name()),
            Some(ty),
            messages::type_disagrees(line, ty, name(CHANNELS, ch)),
        ));
    }
    Ok(())
}

/// An agent interval starts on a quarter hour.
fn check_interval<R: InputRow + ?Sized>(line: usize, cells: &R) -> Result<()> {
    let col = IntervalCol::IntervalStart;
    let Some(start) = cells.ts(col.index()) else {
        return Err(Error::internal(messages::unvalidated(
            "an interval without intervalStart",
        )));
    };
    if start.rem_euclid(QUARTER_HOUR_MS) != 0 {
        let shown = timestamp_string(start);
        return Err(Error::data_at(
            line,
            Some(col.name()),
            Some(&shown),
            messages::not_on_quarter_hour(line, col.name(), &shown),
        ));
    }
    Ok(())
}

/// The rows `feed` hands over, checked and ingested into a sealed `F`.
pub(super) fn fact_rows<F: Fact + Default>(
    ids: &mut IdDict,
    names: &mut NameTexts,
    feed: impl FnOnce(&mut dyn RowSink) -> Result<usize>,
) -> Result<F> {
    let mut f = unsealed::<F>(ids, names, 0, |sink| feed(sink))?;
    super::fact::seal(&mut f)?;
    Ok(f)
}

/// The rows `feed` hands over, checked and ingested, the columns given
/// room for `rows_about` rows first (0: not known).
fn unsealed<F: Fact + Default>(
    ids: &mut IdDict,
    names: &mut NameTexts,
    rows_about: usize,
    feed: impl FnOnce(&mut dyn RowViewSink) -> Result<usize>,
) -> Result<F> {
    let mut f = F::default();
    if rows_about > 0 {
        f.size_numbers();
        f.columns_mut().into_iter().for_each(|(_, c)| c.reserve(rows_about));
    }
    let mut sink = Ingester {
        f: &mut f,
        ids,
        names,
        index: 0,
    };
    feed(&mut sink)?;
    Ok(f)
}

/// Takes rows into a fact table's columns: each checked, then pushed with
/// its position in the batch.
struct Ingester<'a, F> {
    f: &'a mut F,
    ids: &'a mut IdDict,
    names: &'a mut NameTexts,
    index: u32,
}

impl<F: Fact> Ingester<'_, F> {
    fn take<R: InputRow + ?Sized>(&mut self, line: usize, cells: &R) -> Result<()> {
        match F::TABLE {
            Table::Contacts => check_contact(line, cells)?,
            _ => check_interval(line, cells)?,
        }
        self.f.push_row(&mut Ingest {
            cells,
            index: self.index,
            ids: &mut *self.ids,
            names: &mut *self.names,
        });
        self.index += 1;
        Ok(())
    }
}

impl<F: Fact> RowSink for Ingester<'_, F> {
    fn row(&mut self, line: usize, cells: &[crate::load::Cell]) -> Result<()> {
        self.take(line, cells)
    }
}

impl<F: Fact> RowViewSink for Ingester<'_, F> {
    fn row_view(&mut self, line: usize, row: &BorrowedRow<'_>) -> Result<()> {
        self.take(line, row)
    }
}

/// The parts read and ingested in parallel and merged, sealed; None when a
/// part fails (the caller reads the input again in one pass, for the
/// exact first error). `ids` and `names` change only on success.
pub(super) fn fact_parts<F: Fact + Default + Send>(
    parts: &Parts<'_>,
    ids: &mut IdDict,
    names: &mut NameTexts,
) -> Result<Option<F>> {
    let read_part = |i: usize| ingest_part::<F>(parts, i);
    // One part (a small body) is read on the caller's thread: concurrent
    // writers then parse side by side instead of queueing for the pool.
    let read: Vec<Result<Part<F>>> = match parts.ranges.len() {
        1 => vec![read_part(0)],
        n => (0..n).into_par_iter().map(read_part).collect(),
    };
    if read.iter().any(Result::is_err) {
        return Ok(None);
    }
    let parts: Vec<Part<F>> = read.into_iter().flatten().collect();
    merge(parts, ids, names).map(Some)
}

/// Part `i` of `parts` read and ingested with a dictionary and texts of its own.
fn ingest_part<F: Fact + Default>(parts: &Parts<'_>, i: usize) -> Result<Part<F>> {
    let (mut d, mut t) = (IdDict::default(), NameTexts::new(F::TABLE));
    let f = unsealed::<F>(&mut d, &mut t, parts.rows_about(i), |sink| parts.read(i, sink))?;
    Ok((f, d, t))
}

/// A part of a batch: its rows ingested with a dictionary and texts of its own.
pub(crate) type Part<F> = (F, IdDict, NameTexts);

/// A stream read in blocks (see [`crate::load::blocks`]), each block
/// ingested as a part on the pool while the calling thread reads the
/// next into a free buffer (at most two per pool thread, and one being
/// read), then the parts merged and sealed as [`fact_parts`] merges them.
/// None when a block fails or the stream stops reading (the caller reads
/// it again in one pass, for the exact first error). The calling thread
/// must not be a pool thread: it waits for the pool.
pub(super) fn fact_blocks<F: Fact + Default + Send>(
    mut blocks: Blocks<impl std::io::Read>,
    ids: &mut IdDict,
    names: &mut NameTexts,
) -> Result<Option<F>> {
    let (table, format) = (blocks.table(), blocks.format());
    let map = blocks.map().to_vec();
    let (done, finished) = std::sync::mpsc::channel::<(usize, Option<Part<F>>, Vec<u8>)>();
    let mut read: Vec<Option<Part<F>>> = Vec::new();
    let mut failed = false;
    rayon::in_place_scope(|scope| {
        let (mut free, mut out) = (Vec::new(), 0usize);
        let take = |(i, part, buf): (usize, Option<Part<F>>, Vec<u8>),
                    read: &mut Vec<Option<Part<F>>>,
                    free: &mut Vec<Vec<u8>>,
                    failed: &mut bool| {
            *failed |= part.is_none();
            if let Some(slot) = read.get_mut(i) {
                *slot = part;
            }
            free.push(buf);
        };
        while !failed {
            let mut buf = match free.pop() {
                Some(buf) => buf,
                None if out < 2 * rayon::current_num_threads() => Vec::new(),
                None => match finished.recv() {
                    Ok(back) => {
                        out -= 1;
                        take(back, &mut read, &mut free, &mut failed);
                        continue;
                    }
                    Err(_) => break,
                },
            };
            match blocks.next_into(&mut buf) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
            let (i, done, map) = (read.len(), done.clone(), &map);
            read.push(None);
            out += 1;
            scope.spawn(move |_| {
                // A panic is a failed block (the waiting reader is always answered).
                let read = std::panic::AssertUnwindSafe(|| load_block(table, format, map, &buf));
                let part = std::panic::catch_unwind(read).ok().flatten();
                // The receiver waits until every block is back.
                let _ = done.send((i, part, buf));
            });
        }
        for back in finished.iter().take(out) {
            take(back, &mut read, &mut free, &mut failed);
        }
    });
    if failed {
        return Ok(None);
    }
    let parts: Vec<Part<F>> = read.into_iter().flatten().collect();
    merge(parts, ids, names).map(Some)
}

/// One block read and ingested as a part; None when it fails.
fn load_block<F: Fact + Default>(
    table: Table,
    format: crate::load::Format,
    map: &[usize],
    bytes: &[u8],
) -> Option<Part<F>> {
    let parts = crate::load::split::block(table, format, map, bytes)?;
    ingest_part::<F>(&parts, 0).ok()
}

/// Merges the parts of one batch, in order, into it, sealed: ids and
/// texts interned in order of first appearance, codes and row positions
/// renumbered. The time order is found first, from the parts' keys, so
/// that each column is permuted in the job that concatenates it (see
/// [`super::column::Column::combine`]) and sealing finds it sorted.
pub(crate) fn merge<F: Fact + Default>(parts: Vec<Part<F>>, ids: &mut IdDict, names: &mut NameTexts) -> Result<F> {
    let perm = match parts.len() {
        1 => None,
        _ => {
            let keys: Option<Vec<&[crate::model::Millis]>> =
                (parts.iter()).map(|(f, _, _)| f.time(F::BLOCK_KEYS[0])).collect();
            keys.and_then(|keys| super::time_sort::merged_permutation(&keys))
        }
    };
    let mut offset = 0u32;
    let mut facts = Vec::with_capacity(parts.len());
    for (mut f, d, t) in parts {
        let rows = f.len();
        renumber_rows(&mut f, 0..rows, (&d, &t), ids, names);
        f.bookkeeping_mut().0.iter_mut().for_each(|o| *o += offset);
        offset += rows as u32;
        facts.push(f);
    }
    // One part (a POST) is the batch as it is; more are combined.
    let mut out = match facts.len() {
        1 => facts.pop().unwrap_or_default(),
        _ => F::combine(&facts, perm.as_deref()),
    };
    drop(facts);
    super::fact::seal(&mut out)?;
    Ok(out)
}

/// Makes the codes of rows `rows` of `f`, ingested with a dictionary and
/// texts of their own (`local`), the batch's: their ids interned into
/// `ids` and their texts into `names`, in order of first appearance.
fn renumber_rows<F: Fact>(
    f: &mut F,
    rows: std::ops::Range<usize>,
    (d, t): (&IdDict, &NameTexts),
    ids: &mut IdDict,
    names: &mut NameTexts,
) {
    let code_map: Vec<u32> = (0..d.len() as u32)
        .map(|c| d.guid(c).map_or(super::dict::NONE, |g| ids.intern(g)))
        .collect();
    let text_map: Vec<u32> = (t.texts.iter().enumerate())
        .map(|(i, text)| if i == 0 { 0 } else { names.intern(text) })
        .collect();
    for slot in 0..3 {
        (f.codes_mut(slot).get_mut(rows.clone()).into_iter().flatten())
            .for_each(|c| *c = code_map.get(*c as usize).copied().unwrap_or(0));
    }
    f.bookkeeping_mut().1.remap_rows(rows, &text_map);
}

/// What one part of a restore made of one batch's run of rows.
pub(crate) struct Filled<S> {
    /// What the run could not hold in place.
    spill: S,
    /// The run's ids and texts, numbered by the part.
    local: (IdDict, NameTexts),
}

/// Fills the runs of one part of a restore (its rows of several batches,
/// each with its batch and place in it, in stored order), one run per
/// batch: each row is checked and written by place with a dictionary and
/// texts of the part's own. A batch must have exactly the rows its run
/// was cut for (the manifest's count); `part` names the part in errors.
pub(crate) fn fill_part<F: Fact, W: PutRow>(
    part: &str,
    runs: ahash::AHashMap<u64, (W, usize)>,
    read: impl FnOnce(&mut crate::load::TakeRestoredRow<'_>) -> Result<()>,
) -> Result<ahash::AHashMap<u64, Filled<W::Spill>>> {
    let mut open: ahash::AHashMap<u64, (W, usize, usize, IdDict, NameTexts)> = (runs.into_iter())
        .map(|(id, (w, size))| (id, (w, size, 0, IdDict::default(), NameTexts::new(F::TABLE))))
        .collect();
    read(&mut |batch, row, cells| {
        let Some((w, _, at, d, t)) = open.get_mut(&batch).filter(|r| r.2 < r.1) else {
            let size = open.get(&batch).map_or(0, |r| r.1);
            return Err(Error::data(messages::restored_rows(part, batch, size + 1, size)));
        };
        match F::TABLE {
            Table::Contacts => check_contact(row as usize + 1, cells)?,
            _ => check_interval(row as usize + 1, cells)?,
        }
        w.put_row(
            *at,
            &mut Ingest {
                cells,
                index: row,
                ids: d,
                names: t,
            },
        );
        *at += 1;
        Ok(())
    })?;
    (open.into_iter())
        .map(|(id, (w, size, at, d, t))| match at == size {
            true => Ok((
                id,
                Filled {
                    spill: w.into_spill(),
                    local: (d, t),
                },
            )),
            false => Err(Error::data(messages::restored_rows(part, id, at, size))),
        })
        .collect()
}

/// Completes one restored batch whose runs (starting at rows `starts`)
/// were filled: spills taken back, every run's codes made the batch's,
/// rows put in ingestion order if they did not come in stored order, and
/// sealed.
pub(crate) fn finish_restored<F: Fact>(
    mut f: F,
    starts: &[usize],
    filled: Vec<Filled<F::Spill>>,
    ids: &mut IdDict,
    names: &mut NameTexts,
) -> Result<F> {
    let ends = starts.iter().skip(1).copied().chain([f.len()]);
    let mut spills = Vec::with_capacity(filled.len());
    for ((&start, end), run) in starts.iter().zip(ends).zip(filled) {
        renumber_rows(&mut f, start..end, (&run.local.0, &run.local.1), ids, names);
        spills.push(run.spill);
    }
    f.close(starts, spills);
    if !in_stored_order(&f) {
        // Ingestion order first, so that the time sort keeps it among equal times.
        let order = f.order().to_vec();
        let mut perm: Vec<u32> = (0..order.len() as u32).collect();
        perm.sort_unstable_by_key(|&i| order.get(i as usize).copied().unwrap_or(0));
        for (_, col) in f.columns_mut().iter_mut() {
            col.permute(&perm);
        }
    }
    super::fact::seal(&mut f)?;
    Ok(f)
}

/// Whether the rows are in stored order already — by the first block key,
/// ties by ingestion position — as a checkpoint writes them: then a restore
/// permutes and sorts nothing.
fn in_stored_order<F: Fact>(f: &F) -> bool {
    let Some(time) = f.time(F::BLOCK_KEYS[0]) else {
        return false;
    };
    let order = f.order();
    time.len() == order.len()
        && time
            .windows(2)
            .zip(order.windows(2))
            .all(|(t, o)| (t[0], o[0]) < (t[1], o[1]))
}

#[cfg(test)]
mod tests {
    use crate::load::Format;
    use crate::schema::Table;
    use crate::store::Snapshot;
    use proptest::prelude::*;

    /// The batch (columns, dictionary, texts, names) or the error text.
    fn built(snap: Result<(Snapshot, crate::store::BatchInfo), crate::error::Error>) -> String {
        match snap {
            Ok((s, _)) => {
                // The name summary is a set: compare it sorted.
                let b = s.batches.last().map(|b| {
                    let mut names: Vec<String> = b.names.iter().map(|n| format!("{n:?}")).collect();
                    names.sort();
                    format!("{:?} {:?} {names:?}", b.data, b.texts)
                });
                format!("{b:?} {:?} {:?}", s.ids, s.next_batch)
            }
            Err(e) => e.to_string(),
        }
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Sales".to_string()),
            Just("Fox, John".to_string()),
            Just("say \"hi\"".to_string()),
            Just("two\nlines".to_string()),
            Just(String::new()),
            "[a-zåäö ]{1,8}",
        ]
    }

    fn field(v: &str) -> String {
        if v.contains([',', '"', '\n']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    }

    type Rows = Vec<(u32, Vec<crate::load::Cell>)>;

    /// A batch's rows in stored order, each with its ingestion position.
    fn stored_rows(snap: &Snapshot, id: u64) -> Result<Rows, crate::error::Error> {
        let mut rows = Vec::new();
        snap.batch_rows_stored(id, &mut |at, cells| {
            rows.push((at, cells.to_vec()));
            Ok(())
        })?;
        Ok(rows)
    }

    /// A batch restored from its rows gives back the batch — the same rows
    /// in the same stored order with the same ingestion positions (its
    /// dictionary codes may be numbered otherwise) — whether the rows come
    /// in stored order (as checkpoints write them: nothing is sorted), in
    /// ingestion order (older checkpoints: sorted again) or in any other
    /// order (put back in ingestion order first), split anywhere. Returns
    /// the first restore that differs.
    fn restores_alike(csv: &str, cut: usize) -> Result<(), String> {
        let base = Snapshot::default();
        let (snap, info) = base
            .with_batch(Table::Contacts, Format::Csv, csv.as_bytes())
            .map_err(|e| e.to_string())?;
        let stored = stored_rows(&snap, info.id).map_err(|e| e.to_string())?;
        let mut ingested = stored.clone();
        ingested.sort_by_key(|r| r.0);
        if stored == ingested {
            return Err("the data must need the time sort".into());
        }
        let reversed: Rows = stored.iter().rev().cloned().collect();
        for (name, rows) in [("stored", &stored), ("ingestion", &ingested), ("reversed", &reversed)] {
            let cut = cut.min(rows.len());
            let parts = [&rows[..cut], &rows[cut..]];
            let counts = parts.map(|p| (String::new(), vec![(info.id, p.len())]));
            let restored = base
                .with_restored_parts(Table::Contacts, &counts, |i, f| {
                    parts[i]
                        .iter()
                        .try_for_each(|(at, cells)| f(info.id, *at, &cells.as_slice()))
                })
                .and_then(|r| stored_rows(&r, info.id))
                .map_err(|e| e.to_string())?;
            if restored != stored {
                return Err(format!("restored from {name} order: {restored:?}"));
            }
        }
        Ok(())
    }

    /// A part with fewer or more rows of a batch than its count lists, or
    /// rows of a batch it does not list, is refused, naming the part and
    /// the batch.
    #[test]
    fn a_part_with_other_rows_than_listed_is_refused() -> Result<(), String> {
        let csv = "contactId,channel,type,arrivalTime,changeTimestamp\n00000000000000000000000000000001,Phone,CallIn,2026-01-01T11:00:00Z,2026-01-02T00:00:00Z\n00000000000000000000000000000002,Phone,CallIn,2026-01-01T10:00:00Z,2026-01-02T00:00:00Z\n";
        let base = Snapshot::default();
        let (snap, info) =
            (base.with_batch(Table::Contacts, Format::Csv, csv.as_bytes())).map_err(|e| e.to_string())?;
        let (id, rows) = (info.id, stored_rows(&snap, info.id).map_err(|e| e.to_string())?);
        let restore = |counts: Vec<(u64, usize)>| {
            (base.with_restored_parts(
                Table::Contacts,
                &[("contacts/day=2026-01-01/1.parquet".into(), counts)],
                |_, f| rows.iter().try_for_each(|(at, cells)| f(id, *at, &cells.as_slice())),
            ))
            .and_then(|r| stored_rows(&r, id))
            .map_err(|e| e.to_string())
        };
        assert_eq!(restore(vec![(id, 2)]), Ok(rows.clone()));
        // (counts, rows read when refused, rows listed)
        for (counts, read, listed) in [(vec![(id, 3)], 2, 3), (vec![(id, 1)], 2, 1), (vec![(id + 1, 2)], 1, 0)] {
            let want = format!(
                "contacts/day=2026-01-01/1.parquet: read {read} rows of batch {id}, the checkpoint's manifest lists {listed}"
            );
            assert_eq!(restore(counts), Err(want));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// (Durations past 32 bits, anywhere: a run keeps them aside and
        /// the column is widened exactly.)
        #[test]
        fn restored_batches_equal_the_original(
            times in prop::collection::vec((0u32..6, any::<bool>()), 2..60),
            cut in 0usize..60,
        ) {
            let times: Vec<(u32, bool)> = [(5, false), (0, false)].into_iter().chain(times).collect();
            let mut csv = "contactId,channel,type,queueId,queueName,arrivalTime,waitingDuration,changeTimestamp\n".to_string();
            for (i, (t, wide)) in times.iter().enumerate() {
                // Few distinct times: many ties, which keep ingestion order.
                let wait = if *wide { 5_000_000_000 + i as u64 } else { i as u64 };
                csv.push_str(&format!(
                    "{:032X},Phone,CallIn,{:032X},Q{},2026-01-0{}T10:00:00Z,{wait},2026-01-09T00:00:00Z\n",
                    i + 1, 1 + t % 3, t % 3, 1 + t
                ));
            }
            prop_assert_eq!(restores_alike(&csv, cut), Ok(()));
        }

        /// Read and ingested in parts on every core, a batch is the one a
        /// single pass builds: the same columns, codes, texts, names and
        /// errors (a bad row anywhere — a type of the wrong channel, a bad
        /// number, boolean or timestamp, a name that is not UTF-8 — a byte
        /// that is not UTF-8 anywhere, a stray quote that forbids cutting).
        #[test]
        fn parallel_ingest_builds_the_one_pass_batch(
            rows in prop::collection::vec((0u8..6, 0u8..4, name(), 0u32..5000, any::<bool>()), 1..400),
            bad in prop::option::of(0usize..400),
            stray in any::<bool>(),
            crlf in any::<bool>(),
            bad_kind in 0u8..5,
            invalid_byte in prop::option::of(any::<prop::sample::Index>()),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let queues = ["249CEA29B6494EF1B1D16D23FE70E702", "990556DC18244B4AB5BF35D75A89CDEF", "AC083B34470B4164A6A5968DD031B5E5", ""];
            let mut csv = format!("contactId,channel,type,queueId,queueName,arrivalTime,waitingDuration,abandoned,changeTimestamp{end}");
            let mut jsonl = String::new();
            for (i, (ty, q, n, w, ab)) in rows.iter().enumerate() {
                let types = ["CallIn", "CallOut", "ChatIn", "ChatOut", "EmailIn", "EmailOut"];
                let channel = ["Phone", "Phone", "Chat", "Chat", "Email", "Email"];
                // A bad row: a type of the wrong channel (the ingest's check),
                // or a value its column's kind refuses (the reader's).
                let bad_here = bad == Some(i);
                let ch = if bad_here && bad_kind == 0 { "Chat" } else { channel[*ty as usize] };
                let w_shown = if bad_here && bad_kind == 1 { format!("{w}x") } else { w.to_string() };
                let ab_shown = if bad_here && bad_kind == 2 { "yes".to_string() } else { ab.to_string() };
                let name = if stray && i == rows.len() / 2 { format!("x\"{n}") } else { n.clone() };
                // \u{1} marks where the CSV gets a byte that is not UTF-8 (below).
                let name = if bad_here && bad_kind == 4 { format!("{name}\u{1}") } else { name };
                let t = format!("2026-01-{:02}T{:02}:{:02}:00Z", 1 + (w % 28), w % 24, w % 60);
                let t_shown = if bad_here && bad_kind == 3 { t.replace('T', " ") } else { t.clone() };
                csv.push_str(&format!(
                    "{:032X},{ch},{},{},{},{t_shown},{w_shown},{ab_shown},{t}{end}",
                    i + 1, types[*ty as usize], queues[*q as usize],
                    if stray && i == rows.len() / 2 { name.clone() } else { field(&name) }
                ));
                let mut o = serde_json::json!({"contactId": format!("{:032X}", i + 1), "channel": ch, "type": types[*ty as usize],
                    "arrivalTime": t, "waitingDuration": w, "abandoned": ab, "changeTimestamp": t});
                if !queues[*q as usize].is_empty() {
                    o["queueId"] = queues[*q as usize].into();
                    o["queueName"] = name.into();
                }
                jsonl.push_str(&o.to_string());
                jsonl.push('\n');
            }
            let array = format!("[\n{}\n]", jsonl.trim_end().replace('\n', ",\n"));
            // A byte that is not UTF-8 in any field of the CSV body: the part
            // reader checks text cells only, yet the error is the csv reader's.
            let mut csv: Vec<u8> = csv.into_bytes().into_iter().map(|b| if b == 1 { 0xFF } else { b }).collect();
            let header = csv.iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
            if let Some(at) = invalid_byte.map(|ix| header + ix.index(csv.len() - header)) {
                if !b",\r\n\"".contains(&csv[at]) {
                    csv[at] = 0xFF;
                }
            }
            for (format, text) in [(Format::Csv, &csv), (Format::JsonLines, &jsonl.into_bytes()), (Format::Json, &array.into_bytes())] {
                // On an empty store (every id new) and on one that already
                // holds the same batch (every id known: the dictionary is
                // read, not copied).
                let empty = Snapshot::default();
                let holding = empty.with_batch(Table::Contacts, format, text.as_slice()).map(|(s, _)| s);
                for base in [Ok(empty), holding].into_iter().flatten() {
                    let one = built(base.with_batch(Table::Contacts, format, text.as_slice()));
                    let parts = built(
                        Snapshot::prepare(Table::Contacts, format, text)
                            .and_then(|p| p.ok_or_else(|| crate::error::Error::internal("not prepared")))
                            .and_then(|p| base.with_prepared(p)),
                    );
                    prop_assert_eq!(parts, one, "{:?}", format);
                }
            }
        }
    }
}
