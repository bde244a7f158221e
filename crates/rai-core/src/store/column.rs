//! Stored columns: what every column of a fact table can do (take a row's
//! value, be permuted into time order, keep the rows of a mask, report its
//! length), so that sorting, retention and serialisation iterate one
//! column list instead of naming each column.

use crate::model::Millis;

/// Rows per block of the per-block time ranges used to skip blocks.
pub(crate) const BLOCK: usize = 4096;

/// Batches (and merges) of at least this many rows work column by column
/// on the rayon pool; smaller ones — a POST — stay on the caller's thread,
/// so that concurrent writers do not queue for the pool.
pub(crate) const PARALLEL_ROWS: usize = 65_536;

/// One piece of work on one column (of a batch being merged).
pub(crate) type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// The job that makes `out` of the column `of` picks from each of `parts`
/// (the parts of one batch being merged; see [`Column::combine`]), and
/// seals it: packing name codes and narrowing numbers then run beside the
/// other columns' copies, not after all of them (sealing the batch again
/// finds nothing left to do).
pub(crate) fn combine_job<'a, P: Sync, C: Column + Send + Sync + 'a>(
    out: &'a mut C,
    parts: &'a [P],
    perm: Option<&'a [u32]>,
    of: impl Fn(&P) -> &C + Send + 'a,
) -> Job<'a> {
    Box::new(move || {
        let columns: Vec<&C> = parts.iter().map(of).collect();
        out.combine(&columns, perm);
        out.seal();
    })
}

/// Runs `jobs` on the pool when the batch has [`PARALLEL_ROWS`] rows or
/// more, else one after another on this thread.
pub(crate) fn run_jobs(jobs: Vec<Job<'_>>, rows: usize) {
    if rows >= PARALLEL_ROWS {
        rayon::in_place_scope(|s| jobs.into_iter().for_each(|job| s.spawn(move |_| job())));
    } else {
        jobs.into_iter().for_each(|job| job());
    }
}

/// A pre-sized run of one column's rows that a restore fills by place,
/// on its own thread: every part of a restore writes its rows straight
/// into the batch's final columns (no concatenation, and each page is
/// first touched by the thread that fills it).
pub(crate) trait Window: Send {
    /// The value of one row.
    type Item;
    /// What the run could not hold in place, handed back to the column.
    type Spill;
    /// Writes row `at` of the run (a row out of range is left out; the
    /// caller counts rows against the run's size).
    fn put(&mut self, at: usize, v: Self::Item);
    /// Ends the run.
    fn into_spill(self) -> Self::Spill;
}

impl<T: Send> Window for &mut [T] {
    type Item = T;
    type Spill = ();
    #[inline]
    fn put(&mut self, at: usize, v: T) {
        if let Some(x) = self.get_mut(at) {
            *x = v;
        }
    }
    fn into_spill(self) {}
}

/// `all` cut into consecutive runs of `sizes` (the last ones shorter if
/// `all` is).
pub(crate) fn split_runs<'a, T>(mut all: &'a mut [T], sizes: &[usize]) -> Vec<&'a mut [T]> {
    sizes
        .iter()
        .map(|&n| {
            let n = n.min(all.len());
            let (run, rest) = std::mem::take(&mut all).split_at_mut(n);
            all = rest;
            run
        })
        .collect()
}

/// One stored column of a fact table.
pub(crate) trait Column {
    /// The value of one row.
    type Item;
    /// A run of rows a restore fills ([`Column::windows`]).
    type Window<'a>: Window<Item = Self::Item, Spill = Self::Spill>
    where
        Self: 'a;
    /// What a run hands back ([`Column::close`]).
    type Spill: Send + Default;
    /// Makes the column `sizes` rows long in all, zeroed (untouched pages:
    /// each is faulted in by the thread that fills it), and cuts it into
    /// one run per size, in order.
    fn windows(&mut self, sizes: &[usize]) -> Vec<Self::Window<'_>>;
    /// Takes back what the runs starting at rows `starts` spilled.
    fn close(&mut self, _starts: &[usize], _spills: Vec<Self::Spill>) {}
    /// Appends a row's value.
    fn push(&mut self, v: Self::Item);
    /// Makes room for `rows` more rows (a batch being read knows about how
    /// many it brings: its columns then grow once, not by doubling copies).
    fn reserve(&mut self, rows: usize);
    /// Reorders the rows: row `i` becomes old row `perm[i]`.
    fn permute(&mut self, perm: &[u32]);
    /// Keeps the rows whose mask entry is true.
    fn keep(&mut self, mask: &[bool]);
    /// Number of rows.
    fn len(&self) -> usize;
    /// Called once the batch is complete (narrows number columns).
    fn seal(&mut self) {}
    /// Appends the rows of `parts`, in order, reserving room for all of
    /// them first (the parts of one batch being merged, before sealing).
    fn extend_from(&mut self, parts: &[&Self])
    where
        Self: Sized;
    /// Becomes the rows of `parts` one after another, then, given `perm`,
    /// permuted (the parts of one batch merged into time order). Both in
    /// one job, so the permutation follows the copy at once (a column of
    /// a few MiB may still be in cache) and the batch needs no second
    /// round of jobs.
    fn combine(&mut self, parts: &[&Self], perm: Option<&[u32]>)
    where
        Self: Sized,
    {
        self.extend_from(parts);
        if let Some(perm) = perm {
            self.permute(perm);
        }
    }
    /// Bytes held on the heap (what the column costs in memory).
    fn heap_bytes(&self) -> usize;
}

/// A type-erased view of a column for code that iterates the column list
/// (on several threads when a batch is large).
pub(crate) trait AnyColumn: Send {
    fn reserve(&mut self, rows: usize);
    fn permute(&mut self, perm: &[u32]);
    fn keep(&mut self, mask: &[bool]);
    fn len(&self) -> usize;
    fn seal(&mut self);
}

impl<C: Column + Send> AnyColumn for C {
    fn reserve(&mut self, rows: usize) {
        Column::reserve(self, rows)
    }
    fn permute(&mut self, perm: &[u32]) {
        Column::permute(self, perm)
    }
    fn keep(&mut self, mask: &[bool]) {
        Column::keep(self, mask)
    }
    fn len(&self) -> usize {
        Column::len(self)
    }
    fn seal(&mut self) {
        Column::seal(self)
    }
}

/// `v` in the order of `perm` (a permutation of its rows). Mapped, not
/// filtered, so that the result is allocated once at its size: a filtered
/// collect grows by doubling, copying and faulting in fresh pages each time.
fn permuted<T: Copy + Default>(v: &[T], perm: &[u32]) -> Vec<T> {
    perm.iter()
        .map(|&i| v.get(i as usize).copied().unwrap_or_default())
        .collect()
}

fn kept<T: Copy>(v: &[T], mask: &[bool]) -> Vec<T> {
    v.iter().zip(mask).filter(|(_, k)| **k).map(|(x, _)| *x).collect()
}

impl<T: Copy + Default + Send> Column for Vec<T> {
    type Item = T;
    type Window<'a>
        = &'a mut [T]
    where
        T: 'a;
    type Spill = ();
    fn windows(&mut self, sizes: &[usize]) -> Vec<&mut [T]> {
        // vec![0; n] of a zero value is one zeroed allocation (calloc), not a fill.
        *self = vec![T::default(); sizes.iter().sum()];
        split_runs(self, sizes)
    }
    #[inline]
    fn push(&mut self, v: T) {
        Vec::push(self, v)
    }
    fn reserve(&mut self, rows: usize) {
        Vec::reserve(self, rows)
    }
    fn permute(&mut self, perm: &[u32]) {
        *self = permuted(self, perm);
    }
    fn keep(&mut self, mask: &[bool]) {
        *self = kept(self, mask);
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn extend_from(&mut self, parts: &[&Self]) {
        self.reserve(parts.iter().map(|p| p.len()).sum());
        parts.iter().for_each(|p| self.extend_from_slice(p));
    }
    /// A sealed batch never grows: the growth slack (up to half) goes.
    fn seal(&mut self) {
        self.shrink_to_fit();
    }
    fn heap_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
    }
}

/// A column of non-negative integers (durations, counts): 32 bits wide
/// while every value of the batch fits, which halves what a scan reads and
/// what a load writes (it is built narrow and widened at the first value
/// that does not fit).
#[derive(Debug, Clone)]
pub(crate) enum NumCol {
    /// Every value fits in 32 bits.
    U32(Vec<u32>),
    /// Some value does not.
    I64(Vec<i64>),
}

impl Default for NumCol {
    fn default() -> Self {
        NumCol::U32(Vec::new())
    }
}

impl NumCol {
    /// The first value that does not fit 32 bits: the column widens.
    #[cold]
    fn widen_and_push(&mut self, v: i64) {
        let mut wide: Vec<i64> = match std::mem::take(self) {
            NumCol::U32(c) => c.into_iter().map(i64::from).collect(),
            NumCol::I64(c) => c,
        };
        wide.push(v);
        *self = NumCol::I64(wide);
    }

    /// The value of row `r` (rows are in range by construction).
    #[inline]
    pub(crate) fn get(&self, r: usize) -> i64 {
        match self {
            NumCol::U32(c) => c.get(r).map_or(0, |&x| x as i64),
            NumCol::I64(c) => c.get(r).copied().unwrap_or(0),
        }
    }
}

/// A run of a [`NumCol`] being restored: 32 bits wide, the values that do
/// not fit kept aside (row in the run, value) and widened in by
/// [`Column::close`].
pub(crate) struct NumWindow<'a> {
    narrow: &'a mut [u32],
    wide: Vec<(usize, i64)>,
}

impl Window for NumWindow<'_> {
    type Item = i64;
    type Spill = Vec<(usize, i64)>;
    #[inline]
    fn put(&mut self, at: usize, v: i64) {
        match (u32::try_from(v), self.narrow.get_mut(at)) {
            (Ok(x), Some(slot)) => *slot = x,
            (Err(_), Some(_)) => self.wide.push((at, v)),
            (_, None) => {}
        }
    }
    fn into_spill(self) -> Self::Spill {
        self.wide
    }
}

impl Column for NumCol {
    type Item = i64;
    type Window<'a> = NumWindow<'a>;
    type Spill = Vec<(usize, i64)>;
    fn windows(&mut self, sizes: &[usize]) -> Vec<NumWindow<'_>> {
        *self = NumCol::U32(vec![0; sizes.iter().sum()]);
        let NumCol::U32(all) = self else { return Vec::new() };
        (split_runs(all, sizes).into_iter())
            .map(|narrow| NumWindow {
                narrow,
                wide: Vec::new(),
            })
            .collect()
    }
    /// Widens the column when some run kept values aside, and puts them in.
    fn close(&mut self, starts: &[usize], spills: Vec<Self::Spill>) {
        if spills.iter().all(Vec::is_empty) {
            return;
        }
        let mut all = match std::mem::take(self) {
            NumCol::I64(v) => v,
            NumCol::U32(v) => v.into_iter().map(i64::from).collect(),
        };
        for (start, spill) in starts.iter().zip(spills) {
            for (at, v) in spill {
                if let Some(slot) = all.get_mut(start + at) {
                    *slot = v;
                }
            }
        }
        *self = NumCol::I64(all);
    }
    fn reserve(&mut self, rows: usize) {
        match self {
            NumCol::I64(c) => c.reserve(rows),
            NumCol::U32(c) => c.reserve(rows),
        }
    }
    /// Inlined into each row's ingest: one value per column per row.
    #[inline]
    fn push(&mut self, v: i64) {
        match self {
            NumCol::I64(c) => c.push(v),
            NumCol::U32(c) => match u32::try_from(v) {
                Ok(x) => c.push(x),
                Err(_) => self.widen_and_push(v),
            },
        }
    }
    fn permute(&mut self, perm: &[u32]) {
        match self {
            NumCol::U32(c) => *c = permuted(c, perm),
            NumCol::I64(c) => *c = permuted(c, perm),
        }
    }
    fn keep(&mut self, mask: &[bool]) {
        match self {
            NumCol::U32(c) => *c = kept(c, mask),
            NumCol::I64(c) => *c = kept(c, mask),
        }
    }
    fn len(&self) -> usize {
        match self {
            NumCol::U32(c) => c.len(),
            NumCol::I64(c) => c.len(),
        }
    }
    fn extend_from(&mut self, parts: &[&Self]) {
        let total = parts.iter().map(|p| Column::len(*p)).sum();
        if let NumCol::U32(all) = self {
            if parts.iter().all(|p| matches!(p, NumCol::U32(_))) {
                all.reserve(total);
                parts.iter().for_each(|p| {
                    if let NumCol::U32(v) = p {
                        all.extend_from_slice(v)
                    }
                });
                return;
            }
        }
        let mut all = match std::mem::take(self) {
            NumCol::I64(v) => v,
            NumCol::U32(v) => v.into_iter().map(i64::from).collect(),
        };
        all.reserve(total);
        for p in parts {
            match p {
                NumCol::I64(v) => all.extend_from_slice(v),
                NumCol::U32(v) => all.extend(v.iter().map(|&x| i64::from(x))),
            }
        }
        *self = NumCol::I64(all);
    }
    fn heap_bytes(&self) -> usize {
        match self {
            NumCol::U32(c) => Column::heap_bytes(c),
            NumCol::I64(c) => Column::heap_bytes(c),
        }
    }
    /// Stores the column 32 bits wide when every value fits.
    fn seal(&mut self) {
        match self {
            NumCol::I64(c) if c.iter().all(|&x| (0..=u32::MAX as i64).contains(&x)) => {
                *self = NumCol::U32(c.iter().map(|&x| x as u32).collect());
            }
            NumCol::I64(c) => c.shrink_to_fit(),
            NumCol::U32(c) => c.shrink_to_fit(),
        }
    }
}

/// The most number columns a [`Numbers`] group holds (each fact table's
/// count is checked against it by a test).
pub(crate) const MAX_NUMBERS: usize = 32;

/// A row's values of a [`Numbers`] group, in a fixed array on the stack:
/// written in place by the row's ingest and read in place by the push,
/// where a growable small vector checked its capacity at every value.
pub(crate) struct NumberRow {
    len: usize,
    values: [i64; MAX_NUMBERS],
}

impl NumberRow {
    /// A row of one value per item (of the first [`MAX_NUMBERS`]).
    #[inline(always)]
    pub(crate) fn from_each<T: Copy>(items: &[T], mut value: impl FnMut(T) -> i64) -> NumberRow {
        let mut row = NumberRow {
            len: items.len().min(MAX_NUMBERS),
            values: [0; MAX_NUMBERS],
        };
        for (v, &item) in row.values.iter_mut().zip(items) {
            *v = value(item);
        }
        row
    }

    /// The row's values.
    #[inline(always)]
    pub(crate) fn values(&self) -> &[i64] {
        &self.values[..self.len]
    }
}

#[cfg(test)]
impl FromIterator<i64> for NumberRow {
    fn from_iter<T: IntoIterator<Item = i64>>(iter: T) -> Self {
        let v: Vec<i64> = iter.into_iter().collect();
        assert!(v.len() <= MAX_NUMBERS);
        NumberRow::from_each(&v, |x| x)
    }
}

/// Several number columns stored side by side, in a declared order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Numbers(pub(crate) Vec<NumCol>);

/// A run of every column of a [`Numbers`] group.
pub(crate) struct NumbersWindow<'a>(Vec<NumWindow<'a>>);

impl Window for NumbersWindow<'_> {
    type Item = NumberRow;
    type Spill = Vec<Vec<(usize, i64)>>;
    #[inline]
    fn put(&mut self, at: usize, v: NumberRow) {
        self.0.iter_mut().zip(v.values()).for_each(|(w, &x)| w.put(at, x));
    }
    fn into_spill(self) -> Self::Spill {
        self.0.into_iter().map(Window::into_spill).collect()
    }
}

impl Column for Numbers {
    type Item = NumberRow;
    type Window<'a> = NumbersWindow<'a>;
    type Spill = Vec<Vec<(usize, i64)>>;
    /// The group's width must be set first: a run holds only the columns
    /// there are.
    fn windows(&mut self, sizes: &[usize]) -> Vec<NumbersWindow<'_>> {
        let mut by_column: Vec<std::vec::IntoIter<NumWindow<'_>>> =
            self.0.iter_mut().map(|c| c.windows(sizes).into_iter()).collect();
        (0..sizes.len())
            .map(|_| NumbersWindow(by_column.iter_mut().filter_map(Iterator::next).collect()))
            .collect()
    }
    fn close(&mut self, starts: &[usize], mut spills: Vec<Self::Spill>) {
        for (k, c) in self.0.iter_mut().enumerate() {
            let of_column = spills
                .iter_mut()
                .map(|s| s.get_mut(k).map(std::mem::take).unwrap_or_default());
            c.close(starts, of_column.collect());
        }
    }
    /// Only the columns there are: set the group's width first.
    fn reserve(&mut self, rows: usize) {
        self.0.iter_mut().for_each(|c| Column::reserve(c, rows));
    }
    #[inline]
    fn push(&mut self, v: NumberRow) {
        let v = v.values();
        if self.0.len() < v.len() {
            self.0.resize_with(v.len(), NumCol::default);
        }
        for (c, &x) in self.0.iter_mut().zip(v) {
            c.push(x);
        }
    }
    fn permute(&mut self, perm: &[u32]) {
        self.0.iter_mut().for_each(|c| Column::permute(c, perm));
    }
    fn keep(&mut self, mask: &[bool]) {
        self.0.iter_mut().for_each(|c| Column::keep(c, mask));
    }
    fn len(&self) -> usize {
        self.0.first().map_or(0, Column::len)
    }
    fn seal(&mut self) {
        self.0.iter_mut().for_each(Column::seal);
    }
    fn extend_from(&mut self, parts: &[&Self]) {
        self.combine_each(parts, None);
    }
    fn combine(&mut self, parts: &[&Self], perm: Option<&[u32]>) {
        self.combine_each(parts, perm);
    }
    fn heap_bytes(&self) -> usize {
        self.0.iter().map(Column::heap_bytes).sum()
    }
}

impl Numbers {
    /// [`Column::combine`], each number column a job of its own.
    fn combine_each(&mut self, parts: &[&Self], perm: Option<&[u32]>) {
        let width = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
        if self.0.len() < width {
            self.0.resize_with(width, NumCol::default);
        }
        let rows = parts.iter().map(|p| Column::len(*p)).sum();
        let empty = NumCol::default();
        let empty = &empty;
        let jobs = (self.0.iter_mut().enumerate())
            .map(|(k, c)| combine_job(c, parts, perm, move |p: &&Numbers| p.0.get(k).unwrap_or(empty)))
            .collect();
        run_jobs(jobs, rows);
    }
}

/// Per block of [`BLOCK`] rows: (min, max) of two time keys.
pub(crate) fn blocks(a: &[Millis], b: &[Millis]) -> Vec<[Millis; 4]> {
    a.chunks(BLOCK)
        .zip(b.chunks(BLOCK))
        .map(|(x, y)| {
            let (amin, amax) = x
                .iter()
                .fold((Millis::MAX, Millis::MIN), |(l, h), &t| (l.min(t), h.max(t)));
            let (bmin, bmax) = y
                .iter()
                .fold((Millis::MAX, Millis::MIN), |(l, h), &t| (l.min(t), h.max(t)));
            [amin, amax, bmin, bmax]
        })
        .collect()
}

/// The distinct values of a code column, sorted.
pub(crate) fn distinct(codes: &[u32]) -> Vec<u32> {
    let max = codes.iter().copied().max().unwrap_or(0) as usize;
    let mut seen = vec![false; max + 1];
    for &c in codes {
        seen[c as usize] = true;
    }
    seen.iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(c, _)| c as u32)
        .collect()
}

/// Per row, the batch text codes of a fact table's §2.7 name sources
/// (`[u32; 4]`). While a batch is built they are kept row by row; sealing
/// packs them into the distinct tuples and a 4-byte index per row — a
/// batch has few distinct (application, queue, user, …) name tuples, so
/// this stores 4 bytes a row instead of 16. Only summaries and checkpoints
/// read them, never a query.
#[derive(Debug, Clone)]
pub(crate) enum NameCodes {
    /// Row by row (being built).
    Rows(Vec<[u32; 4]>),
    /// The distinct tuples and each row's index into them (sealed).
    Packed { tuples: Vec<[u32; 4]>, index: Vec<u32> },
}

impl Default for NameCodes {
    fn default() -> Self {
        NameCodes::Rows(Vec::new())
    }
}

impl NameCodes {
    /// Row `r`'s codes (zeros when out of range).
    pub(crate) fn get(&self, r: usize) -> [u32; 4] {
        match self {
            NameCodes::Rows(v) => v.get(r).copied(),
            NameCodes::Packed { tuples, index } => index.get(r).and_then(|&i| tuples.get(i as usize)).copied(),
        }
        .unwrap_or_default()
    }

    /// The row-by-row form (a packed one unpacked).
    fn into_rows(self) -> Vec<[u32; 4]> {
        match self {
            NameCodes::Rows(rows) => rows,
            NameCodes::Packed { tuples, index } => index
                .iter()
                .map(|&i| tuples.get(i as usize).copied().unwrap_or_default())
                .collect(),
        }
    }

    /// Replaces every text code `c` of rows `rows` by `map[c]` (0 when out
    /// of range); a packed column is unpacked first (only a restore's
    /// columns, row by row still, are remapped by range).
    pub(crate) fn remap_rows(&mut self, rows: std::ops::Range<usize>, map: &[u32]) {
        if let NameCodes::Packed { .. } = self {
            *self = NameCodes::Rows(std::mem::take(self).into_rows());
        }
        if let NameCodes::Rows(v) = self {
            (v.get_mut(rows).into_iter().flatten().flatten())
                .for_each(|c| *c = map.get(*c as usize).copied().unwrap_or(0));
        }
    }
}

impl Column for NameCodes {
    type Item = [u32; 4];
    type Window<'a> = &'a mut [[u32; 4]];
    type Spill = ();
    fn windows(&mut self, sizes: &[usize]) -> Vec<&mut [[u32; 4]]> {
        *self = NameCodes::Rows(vec![[0; 4]; sizes.iter().sum()]);
        match self {
            NameCodes::Rows(all) => split_runs(all, sizes),
            NameCodes::Packed { .. } => Vec::new(),
        }
    }
    fn reserve(&mut self, rows: usize) {
        if let NameCodes::Rows(v) = self {
            v.reserve(rows);
        }
    }
    #[inline]
    fn push(&mut self, v: [u32; 4]) {
        match self {
            NameCodes::Rows(rows) => rows.push(v),
            // Only a batch being built grows: back to rows.
            NameCodes::Packed { .. } => {
                let mut rows = std::mem::take(self).into_rows();
                rows.push(v);
                *self = NameCodes::Rows(rows);
            }
        }
    }
    fn permute(&mut self, perm: &[u32]) {
        match self {
            NameCodes::Rows(v) => *v = permuted(v, perm),
            NameCodes::Packed { index, .. } => *index = permuted(index, perm),
        }
    }
    fn keep(&mut self, mask: &[bool]) {
        match self {
            NameCodes::Rows(v) => *v = kept(v, mask),
            NameCodes::Packed { index, .. } => *index = kept(index, mask),
        }
    }
    fn len(&self) -> usize {
        match self {
            NameCodes::Rows(v) => v.len(),
            NameCodes::Packed { index, .. } => index.len(),
        }
    }
    fn extend_from(&mut self, parts: &[&Self]) {
        let mut rows = std::mem::take(self).into_rows();
        rows.reserve(parts.iter().map(|p| Column::len(*p)).sum());
        for p in parts {
            match p {
                NameCodes::Rows(v) => rows.extend_from_slice(v),
                packed => rows.extend((0..Column::len(*packed)).map(|r| packed.get(r))),
            }
        }
        *self = NameCodes::Rows(rows);
    }
    /// Packs the rows into their distinct tuples and an index.
    fn seal(&mut self) {
        let NameCodes::Rows(rows) = self else { return };
        let mut at: ahash::AHashMap<[u32; 4], u32> = ahash::AHashMap::new();
        let mut tuples = Vec::new();
        let index = rows
            .iter()
            .map(|t| {
                *at.entry(*t).or_insert_with(|| {
                    tuples.push(*t);
                    tuples.len() as u32 - 1
                })
            })
            .collect();
        tuples.shrink_to_fit();
        *self = NameCodes::Packed { tuples, index };
    }
    fn heap_bytes(&self) -> usize {
        match self {
            NameCodes::Rows(v) => Column::heap_bytes(v),
            NameCodes::Packed { tuples, index } => Column::heap_bytes(tuples) + Column::heap_bytes(index),
        }
    }
}
