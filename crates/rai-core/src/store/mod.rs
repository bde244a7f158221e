//! The columnar store: immutable batches behind an `Arc`ed snapshot.
//!
//! Fact tables (contacts, agentIntervals) are columns of fixed-width values;
//! ids are dictionary-encoded into one append-only [`IdDict`] whose codes
//! never change, so a snapshot's batches share them. Current names (§2.7)
//! and translations (§2.6) are derived per snapshot from small per-batch
//! summaries, so a load or a retraction never rescans the facts.

use crate::error::{Error, ErrorKind, Result};
use crate::load::{read_batch_from, Cell, Format};
use crate::model::{Guid, Millis, QUARTER_HOUR_MS};
use crate::schema::{Table, CONTACT_DURATIONS, CONTACT_FLAGS, INTERVAL_NUMBERS, TRANSLATABLE, TYPE_CHANNEL};
use ahash::AHashMap;
use std::sync::Arc;

/// The code of an absent id.
pub(crate) const NONE: u32 = 0;

/// GUID ↔ dense code dictionary; code 0 is "absent".
#[derive(Clone, Debug)]
pub(crate) struct IdDict {
    guids: Vec<Guid>,
    index: AHashMap<Guid, u32>,
}

impl Default for IdDict {
    fn default() -> Self {
        IdDict {
            guids: vec![0],
            index: AHashMap::new(),
        }
    }
}

impl IdDict {
    pub(crate) fn intern(&mut self, g: Guid) -> u32 {
        if let Some(&c) = self.index.get(&g) {
            return c;
        }
        let c = self.guids.len() as u32;
        self.guids.push(g);
        self.index.insert(g, c);
        c
    }
    pub(crate) fn get(&self, g: Guid) -> Option<u32> {
        self.index.get(&g).copied()
    }
    pub(crate) fn guid(&self, code: u32) -> Guid {
        self.guids.get(code as usize).copied().unwrap_or(0)
    }
    /// Number of codes including the "absent" code 0.
    pub(crate) fn len(&self) -> usize {
        self.guids.len()
    }
}

/// Texts that name an id (SPEC §2.7), each keyed by one id kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// applicationName of applicationId.
    ApplicationName,
    /// queueName of queueId.
    QueueName,
    /// userName of userId.
    UserName,
    /// profileName (agentStates `profile`) of profileId.
    ProfileName,
    /// profileReason of profileId.
    ProfileReason,
    /// campaignName of campaignId.
    CampaignName,
    /// reportingGroupName of reportingGroupId.
    ReportingGroupName,
}

impl NameKind {
    const COUNT: usize = 7;
    fn index(self) -> usize {
        self as usize
    }
    /// The translation field (§2.6) of this name, if translatable.
    pub fn translation_field(self) -> Option<&'static str> {
        match self {
            NameKind::ApplicationName => Some("applicationName"),
            NameKind::QueueName => Some("queueName"),
            NameKind::UserName => None,
            NameKind::ProfileName => Some("profileName"),
            NameKind::ProfileReason => Some("profileReason"),
            NameKind::CampaignName => Some("campaignName"),
            NameKind::ReportingGroupName => Some("reportingGroupName"),
        }
    }
}

/// Which (table, id column, text column) pairs name an id: §2.7 as data.
const NAME_SOURCES: &[(Table, &str, &str, NameKind)] = &[
    (
        Table::Contacts,
        "applicationId",
        "applicationName",
        NameKind::ApplicationName,
    ),
    (Table::Contacts, "queueId", "queueName", NameKind::QueueName),
    (Table::Contacts, "userId", "userName", NameKind::UserName),
    (Table::AgentIntervals, "userId", "userName", NameKind::UserName),
    (Table::AgentIntervals, "profileId", "profileName", NameKind::ProfileName),
    (
        Table::AgentIntervals,
        "profileId",
        "profileReason",
        NameKind::ProfileReason,
    ),
    (
        Table::AgentIntervals,
        "campaignId",
        "campaignName",
        NameKind::CampaignName,
    ),
    (Table::AgentStates, "profileId", "profile", NameKind::ProfileName),
    (
        Table::AgentStates,
        "profileId",
        "profileReason",
        NameKind::ProfileReason,
    ),
    (Table::Users, "userId", "userName", NameKind::UserName),
    (
        Table::Users,
        "reportingGroupId",
        "reportingGroupName",
        NameKind::ReportingGroupName,
    ),
];

/// A name candidate: the row's changeTimestamp and ingestion order decide.
#[derive(Debug, Clone)]
pub(crate) struct NameSlot {
    ts: Millis,
    seq: u64,
    text: Arc<str>,
}

impl NameSlot {
    fn beats(&self, other: &NameSlot) -> bool {
        (self.ts, self.seq) >= (other.ts, other.seq)
    }
}

/// Current names per kind, indexed by id code.
#[derive(Debug, Default)]
pub(crate) struct Names {
    by_kind: [Vec<Option<NameSlot>>; NameKind::COUNT],
}

impl Names {
    pub(crate) fn get(&self, kind: NameKind, code: u32) -> Option<&str> {
        self.by_kind[kind.index()]
            .get(code as usize)
            .and_then(|s| s.as_ref())
            .map(|s| &*s.text)
    }
    fn offer(&mut self, kind: NameKind, code: u32, slot: &NameSlot) {
        let v = &mut self.by_kind[kind.index()];
        if v.len() <= code as usize {
            v.resize(code as usize + 1, None);
        }
        let cur = &mut v[code as usize];
        if cur.as_ref().is_none_or(|c| slot.beats(c)) {
            *cur = Some(slot.clone());
        }
    }
}

/// Original text → translated text.
type TextMap = AHashMap<Box<str>, Box<str>>;

/// Translations: (language, field) → original text → translated text.
#[derive(Debug, Default)]
pub(crate) struct Translations {
    map: AHashMap<(Box<str>, u8), TextMap>,
}

impl Translations {
    pub(crate) fn get(&self, language: &str, field: &str, value: &str) -> Option<&str> {
        let f = TRANSLATABLE.iter().position(|t| *t == field)? as u8;
        self.map.get(&(language.into(), f))?.get(value).map(|s| &**s)
    }
}

/// Bits of a contact segment's flag word (precomputed at load).
pub(crate) mod bit {
    /// The 8 outcome flags occupy bits 0..8 in CONTACT_FLAGS order.
    pub const HANDLED: u32 = 1 << 8;
    pub const NOT_HANDLED: u32 = 1 << 9;
    pub const COMPLETED: u32 = 1 << 10;
    pub const QUEUING: u32 = 1 << 11;
    pub const IN_PROCESS: u32 = 1 << 12;
    pub const INTERNAL: u32 = 1 << 13;
    pub const CONTACT_CENTER: u32 = 1 << 14;
    pub const DIRECT: u32 = 1 << 15;
}

/// A column of non-negative integers (durations, counts): 32 bits wide
/// when every value of the batch fits, which halves what a scan reads.
#[derive(Debug, Clone)]
pub(crate) enum NumCol {
    /// Every value fits in 32 bits.
    U32(Vec<u32>),
    /// Some value does not (or the column is being built).
    I64(Vec<i64>),
}

impl Default for NumCol {
    fn default() -> Self {
        NumCol::I64(Vec::new())
    }
}

impl NumCol {
    fn push(&mut self, v: i64) {
        match self {
            NumCol::I64(c) => c.push(v),
            NumCol::U32(c) => match u32::try_from(v) {
                Ok(x) => c.push(x),
                Err(_) => {
                    let mut w: Vec<i64> = c.iter().map(|&x| x as i64).collect();
                    w.push(v);
                    *self = NumCol::I64(w);
                }
            },
        }
    }

    /// The value of row `r`.
    #[inline]
    pub(crate) fn get(&self, r: usize) -> i64 {
        match self {
            NumCol::U32(c) => c.get(r).map_or(0, |&x| x as i64),
            NumCol::I64(c) => c.get(r).copied().unwrap_or(0),
        }
    }

    /// Stores the column 32 bits wide when every value fits.
    fn narrow(&mut self) {
        if let NumCol::I64(c) = self {
            if c.iter().all(|&x| (0..=u32::MAX as i64).contains(&x)) {
                *self = NumCol::U32(c.iter().map(|&x| x as u32).collect());
            }
        }
    }

    fn permute(&mut self, perm: &[u32]) {
        match self {
            NumCol::U32(c) => permute(c, perm),
            NumCol::I64(c) => permute(c, perm),
        }
    }

    fn keep(&self, mask: &[bool]) -> NumCol {
        match self {
            NumCol::U32(c) => NumCol::U32(keep(c, mask)),
            NumCol::I64(c) => NumCol::I64(keep(c, mask)),
        }
    }
}

/// Rows per block of the per-block time ranges used to skip blocks.
pub(crate) const BLOCK: usize = 4096;

/// Contact segments, column by column.
#[derive(Debug, Default)]
pub(crate) struct Contacts {
    pub contact_id: Vec<Guid>,
    pub ctype: Vec<u8>,
    pub app: Vec<u32>,
    pub queue: Vec<u32>,
    pub user: Vec<u32>,
    pub bits: Vec<u32>,
    pub arrival: Vec<Millis>,
    pub queue_arrival: Vec<Millis>,
    pub connect: Vec<Millis>,
    /// contactStatistic's time key: disconnectTime if completed, else arrivalTime.
    pub stat_key: Vec<Millis>,
    pub durations: [NumCol; 6],
    pub change: Vec<Millis>,
    /// Per block of [`BLOCK`] rows: (min, max) of arrival and of stat_key.
    pub blocks: Vec<[Millis; 4]>,
    /// Each row's position in its batch as ingested (rows are stored sorted by arrivalTime).
    pub order: Vec<u32>,
    /// Per row, the batch text code of applicationName, queueName, userName (0 = absent).
    pub name_codes: Vec<[u32; 4]>,
    /// The distinct id codes of app, queue and user in this batch (sorted).
    pub distinct: [Vec<u32>; 3],
}

/// Agent quarter-hour intervals, column by column.
#[derive(Debug, Default)]
pub(crate) struct Intervals {
    pub start: Vec<Millis>,
    pub user: Vec<u32>,
    pub profile: Vec<u32>,
    pub campaign: Vec<u32>,
    pub numbers: [NumCol; 28],
    pub change: Vec<Millis>,
    pub blocks: Vec<[Millis; 4]>,
    /// Each row's position in its batch as ingested.
    pub order: Vec<u32>,
    /// Per row, the batch text code of userName, profileName, profileReason, campaignName.
    pub name_codes: Vec<[u32; 4]>,
    /// The distinct id codes of user, profile and campaign in this batch (sorted).
    pub distinct: [Vec<u32>; 3],
}

/// A row kept whole (status events, agent states, users), with its ingestion order.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub cells: Box<[Cell]>,
    pub seq: u64,
}

/// What a batch holds.
#[derive(Debug)]
pub(crate) enum BatchData {
    Contacts(Box<Contacts>),
    Intervals(Box<Intervals>),
    Events(Vec<Row>),
    Translations(Vec<Row>),
}

/// One loaded, immutable batch.
#[derive(Debug)]
pub(crate) struct Batch {
    pub id: u64,
    pub data: BatchData,
    /// The distinct name texts of the batch (index 0 = absent).
    texts: Arc<Vec<Arc<str>>>,
    /// The best name per (kind, code) within this batch.
    names: Vec<(NameKind, u32, NameSlot)>,
}

/// What loading a batch reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchInfo {
    /// The batch id (retract with it).
    pub id: u64,
    /// The table loaded.
    pub table: Table,
    /// Rows read.
    pub rows: usize,
}

/// One consistent, immutable view of every table.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) ids: Arc<IdDict>,
    pub(crate) batches: Vec<Arc<Batch>>,
    pub(crate) states: Arc<AHashMap<Guid, Arc<Row>>>,
    pub(crate) users: Arc<AHashMap<Guid, Arc<Row>>>,
    pub(crate) names: Arc<Names>,
    pub(crate) translations: Arc<Translations>,
    /// Ids of upsert batches (not retractable).
    upsert_batches: Arc<Vec<u64>>,
    next_batch: u64,
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

fn opt_ts(c: &Cell) -> Millis {
    c.ts().unwrap_or(Millis::MIN)
}

/// Per batch: the distinct name texts, and per row the code of each name
/// source's text (0 = absent), so a batch's §2.7 summary can be recomputed
/// after rows are dropped (retention).
#[derive(Default)]
struct NameTexts {
    texts: Vec<Arc<str>>,
    index: AHashMap<Arc<str>, u32>,
    /// (id column, name column) of the table's name sources, in NAME_SOURCES order.
    sources: Vec<(usize, usize)>,
}

impl NameTexts {
    fn new(table: Table) -> Self {
        let sources = NAME_SOURCES
            .iter()
            .filter(|s| s.0 == table)
            .filter_map(|&(t, id, name, _)| Some((t.col(id)?, t.col(name)?)))
            .collect();
        NameTexts {
            texts: vec![Arc::from("")],
            index: AHashMap::new(),
            sources,
        }
    }

    /// The name codes of one row (interning new texts).
    fn row(&mut self, cells: &[Cell]) -> [u32; 4] {
        let mut out = [0u32; 4];
        for (o, &(_, namec)) in out.iter_mut().zip(&self.sources) {
            if let Some(text) = cells[namec].text() {
                *o = match self.index.get(text) {
                    Some(&c) => c,
                    None => {
                        let t: Arc<str> = Arc::from(text);
                        let c = self.texts.len() as u32;
                        self.texts.push(t.clone());
                        self.index.insert(t, c);
                        c
                    }
                };
            }
        }
        out
    }
}

/// The name kinds of a fact table's sources, in NAME_SOURCES order.
fn source_kinds(table: Table) -> Vec<NameKind> {
    NAME_SOURCES.iter().filter(|s| s.0 == table).map(|s| s.3).collect()
}

/// The best name per (kind, id code) among a batch's rows.
fn summarize(
    kinds: &[NameKind],
    ids: &[&[u32]],
    codes: &[[u32; 4]],
    change: &[Millis],
    seq: impl Fn(usize) -> u64,
    texts: &[Arc<str>],
) -> Vec<(NameKind, u32, NameSlot)> {
    let mut best: AHashMap<(NameKind, u32), (Millis, u64, u32)> = AHashMap::new();
    for (r, row) in codes.iter().enumerate() {
        for (s, (&kind, col)) in kinds.iter().zip(ids).enumerate() {
            let (id, text) = (col[r], row[s]);
            if id == NONE || text == 0 {
                continue;
            }
            let cand = (change[r], seq(r), text);
            match best.get_mut(&(kind, id)) {
                Some(cur) if (cand.0, cand.1) < (cur.0, cur.1) => {}
                Some(cur) => *cur = cand,
                None => {
                    best.insert((kind, id), cand);
                }
            }
        }
    }
    best.into_iter()
        .map(|((k, c), (ts, seq, t))| {
            (
                k,
                c,
                NameSlot {
                    ts,
                    seq,
                    text: texts.get(t as usize).cloned().unwrap_or_else(|| Arc::from("")),
                },
            )
        })
        .collect()
}

/// The distinct values of a code column, sorted.
fn distinct(codes: &[u32]) -> Vec<u32> {
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

fn keep<T: Copy>(v: &[T], mask: &[bool]) -> Vec<T> {
    v.iter().zip(mask).filter(|(_, k)| **k).map(|(x, _)| *x).collect()
}

impl Contacts {
    fn summary(&self, batch: u64, texts: &[Arc<str>]) -> Vec<(NameKind, u32, NameSlot)> {
        let ids: [&[u32]; 3] = [&self.app, &self.queue, &self.user];
        summarize(
            &source_kinds(Table::Contacts),
            &ids,
            &self.name_codes,
            &self.change,
            |r| batch << 32 | self.order.get(r).copied().unwrap_or(r as u32) as u64,
            texts,
        )
    }

    fn retain(&self, mask: &[bool]) -> Contacts {
        let mut c = Contacts {
            contact_id: keep(&self.contact_id, mask),
            ctype: keep(&self.ctype, mask),
            app: keep(&self.app, mask),
            queue: keep(&self.queue, mask),
            user: keep(&self.user, mask),
            bits: keep(&self.bits, mask),
            arrival: keep(&self.arrival, mask),
            queue_arrival: keep(&self.queue_arrival, mask),
            connect: keep(&self.connect, mask),
            stat_key: keep(&self.stat_key, mask),
            durations: std::array::from_fn(|i| self.durations[i].keep(mask)),
            change: keep(&self.change, mask),
            blocks: Vec::new(),
            order: keep(&self.order, mask),
            name_codes: keep(&self.name_codes, mask),
            distinct: Default::default(),
        };
        c.blocks = rebuild_blocks(&c.arrival, &c.stat_key);
        c.distinct = [distinct(&c.app), distinct(&c.queue), distinct(&c.user)];
        c
    }
}

impl Intervals {
    fn summary(&self, batch: u64, texts: &[Arc<str>]) -> Vec<(NameKind, u32, NameSlot)> {
        let ids: [&[u32]; 4] = [&self.user, &self.profile, &self.profile, &self.campaign];
        summarize(
            &source_kinds(Table::AgentIntervals),
            &ids,
            &self.name_codes,
            &self.change,
            |r| batch << 32 | self.order.get(r).copied().unwrap_or(r as u32) as u64,
            texts,
        )
    }

    fn retain(&self, mask: &[bool]) -> Intervals {
        let mut c = Intervals {
            start: keep(&self.start, mask),
            user: keep(&self.user, mask),
            profile: keep(&self.profile, mask),
            campaign: keep(&self.campaign, mask),
            numbers: std::array::from_fn(|i| self.numbers[i].keep(mask)),
            change: keep(&self.change, mask),
            blocks: Vec::new(),
            order: keep(&self.order, mask),
            name_codes: keep(&self.name_codes, mask),
            distinct: Default::default(),
        };
        c.blocks = rebuild_blocks(&c.start, &c.start);
        c.distinct = [distinct(&c.user), distinct(&c.profile), distinct(&c.campaign)];
        c
    }
}

/// The permutation that sorts `key` (stable), or None when already sorted.
fn sort_permutation(key: &[Millis]) -> Option<Vec<u32>> {
    if key.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    let mut perm: Vec<u32> = (0..key.len() as u32).collect();
    perm.sort_by_key(|&i| key[i as usize]);
    Some(perm)
}

fn permute<T: Copy>(v: &mut Vec<T>, perm: &[u32]) {
    *v = perm.iter().map(|&i| v[i as usize]).collect();
}

fn rebuild_blocks(a: &[Millis], b: &[Millis]) -> Vec<[Millis; 4]> {
    let mut blocks = Vec::with_capacity(a.len() / BLOCK + 1);
    for (n, (&x, &y)) in a.iter().zip(b).enumerate() {
        update_blocks(&mut blocks, n, x, y);
    }
    blocks
}

impl Contacts {
    /// Stores rows in arrivalTime order, so a time range touches few blocks;
    /// `order` keeps each row's ingestion position for tie-breaks.
    fn sort_by_time(&mut self) {
        let n = self.arrival.len() as u32;
        let Some(perm) = sort_permutation(&self.arrival) else {
            self.order = (0..n).collect();
            return;
        };
        permute(&mut self.contact_id, &perm);
        permute(&mut self.ctype, &perm);
        permute(&mut self.app, &perm);
        permute(&mut self.queue, &perm);
        permute(&mut self.user, &perm);
        permute(&mut self.bits, &perm);
        permute(&mut self.arrival, &perm);
        permute(&mut self.queue_arrival, &perm);
        permute(&mut self.connect, &perm);
        permute(&mut self.stat_key, &perm);
        for d in &mut self.durations {
            d.permute(&perm);
        }
        permute(&mut self.change, &perm);
        permute(&mut self.name_codes, &perm);
        self.blocks = rebuild_blocks(&self.arrival, &self.stat_key);
        self.order = perm;
    }
}

impl Intervals {
    /// Stores rows in intervalStart order (ties keep ingestion order).
    fn sort_by_time(&mut self) {
        let Some(perm) = sort_permutation(&self.start) else {
            return;
        };
        permute(&mut self.start, &perm);
        permute(&mut self.user, &perm);
        permute(&mut self.profile, &perm);
        permute(&mut self.campaign, &perm);
        for d in &mut self.numbers {
            d.permute(&perm);
        }
        permute(&mut self.change, &perm);
        permute(&mut self.name_codes, &perm);
        self.blocks = rebuild_blocks(&self.start, &self.start);
        self.order = perm;
    }
}

fn update_blocks(blocks: &mut Vec<[Millis; 4]>, n: usize, a: Millis, b: Millis) {
    if n.is_multiple_of(BLOCK) {
        blocks.push([a, a, b, b]);
    } else if let Some(bl) = blocks.last_mut() {
        bl[0] = bl[0].min(a);
        bl[1] = bl[1].max(a);
        bl[2] = bl[2].min(b);
        bl[3] = bl[3].max(b);
    }
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
        let mut next = self.clone();
        let id = next.next_batch;
        next.next_batch += 1;
        let ids = Arc::make_mut(&mut next.ids);
        let seq0 = id << 32;
        let mut names = NameTexts::new(table);
        let rows;
        let data = match table {
            Table::Contacts => {
                let mut c = Contacts::default();
                let ty_col = table.col("type").unwrap_or(0);
                let ch_col = table.col("channel").unwrap_or(0);
                let idx = |n: &str| table.col(n).unwrap_or(0);
                let (cid, app, queue, user) = (idx("contactId"), idx("applicationId"), idx("queueId"), idx("userId"));
                let (internal, cc) = (idx("internal"), idx("contactCenter"));
                let (arr, qarr, con, dis, chg) = (
                    idx("arrivalTime"),
                    idx("queueArrivalTime"),
                    idx("connectTime"),
                    idx("disconnectTime"),
                    idx("changeTimestamp"),
                );
                let flags: Vec<usize> = CONTACT_FLAGS.iter().map(|f| idx(f)).collect();
                let durs: Vec<usize> = CONTACT_DURATIONS.iter().map(|f| idx(f)).collect();
                let mut sink = |line: usize, cells: &[Cell]| -> Result<()> {
                    let ty = cells[ty_col].enum_index().unwrap_or(0);
                    let ch = cells[ch_col].enum_index().unwrap_or(0);
                    if TYPE_CHANNEL[ty as usize] != ch {
                        return Err(Error::data(format!(
                            "line {line}: type: '{}' does not agree with channel '{}'",
                            crate::schema::TYPES[ty as usize],
                            crate::schema::CHANNELS[ch as usize]
                        )));
                    }
                    let change = opt_ts(&cells[chg]);
                    c.name_codes.push(names.row(cells));
                    let code = |ids: &mut IdDict, i: usize| cells[i].guid().map_or(NONE, |g| ids.intern(g));
                    c.contact_id.push(cells[cid].guid().unwrap_or(0));
                    c.ctype.push(ty);
                    c.app.push(code(ids, app));
                    let q = code(ids, queue);
                    c.queue.push(q);
                    c.user.push(code(ids, user));
                    let mut b = 0u32;
                    for (i, &f) in flags.iter().enumerate() {
                        if cells[f].bool_or(false) {
                            b |= 1 << i;
                        }
                    }
                    let connect = opt_ts(&cells[con]);
                    let disconnect = opt_ts(&cells[dis]);
                    let qa = opt_ts(&cells[qarr]);
                    let handled = connect != Millis::MIN;
                    let completed = disconnect != Millis::MIN;
                    b |= if handled { bit::HANDLED } else { bit::NOT_HANDLED };
                    if completed {
                        b |= bit::COMPLETED;
                    } else if handled {
                        b |= bit::IN_PROCESS;
                    } else if qa != Millis::MIN {
                        b |= bit::QUEUING;
                    }
                    if cells[internal].bool_or(false) {
                        b |= bit::INTERNAL;
                    }
                    if cells[cc].bool_or(true) {
                        b |= bit::CONTACT_CENTER;
                    }
                    if q == NONE {
                        b |= bit::DIRECT;
                    }
                    c.bits.push(b);
                    let arrival = opt_ts(&cells[arr]);
                    let key = if completed { disconnect } else { arrival };
                    update_blocks(&mut c.blocks, c.arrival.len(), arrival, key);
                    c.arrival.push(arrival);
                    c.queue_arrival.push(qa);
                    c.connect.push(connect);
                    c.stat_key.push(key);
                    for (col, &i) in c.durations.iter_mut().zip(&durs) {
                        col.push(cells[i].int());
                    }
                    c.change.push(change);
                    Ok(())
                };
                rows = read_batch_from(table, format, input, &mut sink)?;
                c.sort_by_time();
                c.durations.iter_mut().for_each(NumCol::narrow);
                c.distinct = [distinct(&c.app), distinct(&c.queue), distinct(&c.user)];
                BatchData::Contacts(Box::new(c))
            }
            Table::AgentIntervals => {
                let mut c = Intervals::default();
                let idx = |n: &str| table.col(n).unwrap_or(0);
                let (st, user, profile, campaign, chg) = (
                    idx("intervalStart"),
                    idx("userId"),
                    idx("profileId"),
                    idx("campaignId"),
                    idx("changeTimestamp"),
                );
                let nums: Vec<usize> = INTERVAL_NUMBERS.iter().map(|f| idx(f)).collect();
                let mut sink = |line: usize, cells: &[Cell]| -> Result<()> {
                    let start = opt_ts(&cells[st]);
                    if start.rem_euclid(QUARTER_HOUR_MS) != 0 {
                        return Err(Error::data(format!(
                            "line {line}: intervalStart: not on a quarter hour '{}'",
                            crate::model::timestamp_string(start)
                        )));
                    }
                    let change = opt_ts(&cells[chg]);
                    c.name_codes.push(names.row(cells));
                    let code = |ids: &mut IdDict, i: usize| cells[i].guid().map_or(NONE, |g| ids.intern(g));
                    update_blocks(&mut c.blocks, c.start.len(), start, start);
                    c.start.push(start);
                    c.user.push(code(ids, user));
                    c.profile.push(code(ids, profile));
                    c.campaign.push(code(ids, campaign));
                    for (col, &i) in c.numbers.iter_mut().zip(&nums) {
                        col.push(cells[i].int());
                    }
                    c.change.push(change);
                    Ok(())
                };
                rows = read_batch_from(table, format, input, &mut sink)?;
                c.sort_by_time();
                c.numbers.iter_mut().for_each(NumCol::narrow);
                c.distinct = [distinct(&c.user), distinct(&c.profile), distinct(&c.campaign)];
                BatchData::Intervals(Box::new(c))
            }
            Table::AgentStatusEvents | Table::Translations => {
                let mut v = Vec::new();
                let mut sink = |_line: usize, cells: &[Cell]| -> Result<()> {
                    let seq = seq0 | v.len() as u64;
                    v.push(Row {
                        cells: cells.into(),
                        seq,
                    });
                    Ok(())
                };
                rows = read_batch_from(table, format, input, &mut sink)?;
                if table == Table::Translations {
                    BatchData::Translations(v)
                } else {
                    BatchData::Events(v)
                }
            }
            Table::AgentStates | Table::Users => {
                let mut staged: Vec<Row> = Vec::new();
                let mut sink = |_line: usize, cells: &[Cell]| -> Result<()> {
                    let seq = seq0 | staged.len() as u64;
                    staged.push(Row {
                        cells: cells.into(),
                        seq,
                    });
                    Ok(())
                };
                rows = read_batch_from(table, format, input, &mut sink)?;
                next.apply_upserts(table, staged);
                Arc::make_mut(&mut next.upsert_batches).push(id);
                next.rebuild_derived();
                return Ok((next, BatchInfo { id, table, rows }));
            }
        };
        let texts = names.texts;
        let summary = match &data {
            BatchData::Contacts(c) => c.summary(id, &texts),
            BatchData::Intervals(c) => c.summary(id, &texts),
            _ => Vec::new(),
        };
        next.batches.push(Arc::new(Batch {
            id,
            data,
            texts: Arc::new(texts),
            names: summary,
        }));
        next.rebuild_derived();
        Ok((next, BatchInfo { id, table, rows }))
    }

    /// Upserts rows by userId: a row replaces the stored one unless older.
    fn apply_upserts(&mut self, table: Table, rows: Vec<Row>) {
        let (uid, chg) = (
            table.col("userId").unwrap_or(0),
            table.col("changeTimestamp").unwrap_or(0),
        );
        let ids = Arc::make_mut(&mut self.ids);
        for (_, idc, _, _) in NAME_SOURCES
            .iter()
            .filter(|s| s.0 == table)
            .map(|s| (s.0, s.1, s.2, s.3))
        {
            if let Some(ci) = table.col(idc) {
                for r in &rows {
                    if let Some(g) = r.cells[ci].guid() {
                        ids.intern(g);
                    }
                }
            }
        }
        let map = if table == Table::Users {
            Arc::make_mut(&mut self.users)
        } else {
            Arc::make_mut(&mut self.states)
        };
        for r in rows {
            let Some(user) = r.cells[uid].guid() else { continue };
            let ts = opt_ts(&r.cells[chg]);
            match map.get(&user) {
                Some(old) if opt_ts(&old.cells[chg]) > ts => {}
                _ => {
                    map.insert(user, Arc::new(r));
                }
            }
        }
    }

    /// Removes an appended batch. Upsert batches cannot be retracted.
    pub(crate) fn without_batch(&self, id: u64) -> Result<Snapshot> {
        if self.upsert_batches.contains(&id) {
            return Err(Error::query(format!(
                "Batch {id} upserted rows and cannot be retracted"
            )));
        }
        let Some(pos) = self.batches.iter().position(|b| b.id == id) else {
            return Err(Error::new(ErrorKind::NotFound, format!("Unknown batch: '{id}'")));
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
            Table::Translations => {
                return Err(Error::query("Retention is not defined for 'translations'"));
            }
            Table::AgentStates | Table::Users => {
                let chg = table.col("changeTimestamp").unwrap_or(0);
                let map = if table == Table::Users {
                    Arc::make_mut(&mut next.users)
                } else {
                    Arc::make_mut(&mut next.states)
                };
                map.retain(|_, r| opt_ts(&r.cells[chg]) >= before);
            }
            _ => {
                let chg = Table::AgentStatusEvents.col("changeTimestamp").unwrap_or(0);
                let mut batches = Vec::with_capacity(self.batches.len());
                for b in &self.batches {
                    let kept = match &b.data {
                        BatchData::Contacts(c) if table == Table::Contacts => {
                            let mask: Vec<bool> = c.arrival.iter().map(|&t| t >= before).collect();
                            let c = c.retain(&mask);
                            let names = c.summary(b.id, &b.texts);
                            (!c.arrival.is_empty()).then(|| (BatchData::Contacts(Box::new(c)), names))
                        }
                        BatchData::Intervals(c) if table == Table::AgentIntervals => {
                            let mask: Vec<bool> = c.start.iter().map(|&t| t >= before).collect();
                            let c = c.retain(&mask);
                            let names = c.summary(b.id, &b.texts);
                            (!c.start.is_empty()).then(|| (BatchData::Intervals(Box::new(c)), names))
                        }
                        BatchData::Events(v) if table == Table::AgentStatusEvents => {
                            let v: Vec<Row> = v.iter().filter(|r| opt_ts(&r.cells[chg]) >= before).cloned().collect();
                            (!v.is_empty()).then(|| (BatchData::Events(v), Vec::new()))
                        }
                        _ => {
                            batches.push(b.clone());
                            continue;
                        }
                    };
                    if let Some((data, names)) = kept {
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
            let chg = table.col("changeTimestamp").unwrap_or(0);
            let sources: Vec<_> = NAME_SOURCES
                .iter()
                .filter(|s| s.0 == table)
                .filter_map(|&(t, id, name, kind)| Some((t.col(id)?, t.col(name)?, kind)))
                .collect();
            for r in rows.values() {
                for &(idc, namec, kind) in &sources {
                    if let (Some(g), Some(text)) = (r.cells[idc].guid(), r.cells[namec].text()) {
                        if let Some(code) = self.ids.get(g) {
                            let slot = NameSlot {
                                ts: opt_ts(&r.cells[chg]),
                                seq: r.seq,
                                text: text.into(),
                            };
                            names.offer(kind, code, &slot);
                        }
                    }
                }
            }
        }
        self.names = Arc::new(names);
        let mut tr = Translations::default();
        for b in &self.batches {
            if let BatchData::Translations(rows) = &b.data {
                for r in rows {
                    let (Some(lang), Some(field), Some(value), Some(text)) = (
                        r.cells[0].text(),
                        r.cells[1].text(),
                        r.cells[2].text(),
                        r.cells[3].text(),
                    ) else {
                        continue;
                    };
                    let f = TRANSLATABLE.iter().position(|t| *t == field).unwrap_or(0) as u8;
                    tr.map
                        .entry((lang.into(), f))
                        .or_default()
                        .insert(value.into(), text.into());
                }
            }
        }
        self.translations = Arc::new(tr);
    }

    /// Rows of each table (for diagnostics and tests).
    pub fn row_counts(&self) -> Vec<(Table, usize)> {
        let mut counts: AHashMap<Table, usize> = AHashMap::new();
        for b in &self.batches {
            let (t, n) = match &b.data {
                BatchData::Contacts(c) => (Table::Contacts, c.contact_id.len()),
                BatchData::Intervals(c) => (Table::AgentIntervals, c.start.len()),
                BatchData::Events(v) => (Table::AgentStatusEvents, v.len()),
                BatchData::Translations(v) => (Table::Translations, v.len()),
            };
            *counts.entry(t).or_default() += n;
        }
        counts.insert(Table::AgentStates, self.states.len());
        counts.insert(Table::Users, self.users.len());
        Table::ALL
            .iter()
            .map(|t| (*t, counts.get(t).copied().unwrap_or(0)))
            .collect()
    }

    pub(crate) fn contacts(&self) -> impl Iterator<Item = (usize, &Contacts)> {
        self.batches.iter().enumerate().filter_map(|(i, b)| match &b.data {
            BatchData::Contacts(c) => Some((i, &**c)),
            _ => None,
        })
    }

    pub(crate) fn intervals(&self) -> impl Iterator<Item = (usize, &Intervals)> {
        self.batches.iter().enumerate().filter_map(|(i, b)| match &b.data {
            BatchData::Intervals(c) => Some((i, &**c)),
            _ => None,
        })
    }

    pub(crate) fn events(&self) -> impl Iterator<Item = &Row> {
        self.batches.iter().flat_map(|b| match &b.data {
            BatchData::Events(v) => v.as_slice(),
            _ => &[],
        })
    }

    /// The ingestion sequence of batch `i` (its id).
    pub(crate) fn batch_id(&self, i: usize) -> u64 {
        self.batches.get(i).map_or(0, |b| b.id)
    }
}
