//! Batches: what one load adds, immutable once built.

use super::contacts::Contacts;
use super::intervals::Intervals;
use super::summary::NameEntry;
use crate::load::Cell;
use crate::schema::Table;
use std::sync::Arc;

/// A row kept whole (status events, agent states, users, translations), with its ingestion order.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Box<[Cell]>,
    pub(crate) seq: u64,
}

/// What a batch holds.
#[derive(Debug)]
pub(crate) enum BatchData {
    Contacts(Box<Contacts>),
    Intervals(Box<Intervals>),
    Events(Vec<Row>),
    Translations(Vec<Row>),
}

impl BatchData {
    /// The table and its rows.
    pub(crate) fn rows(&self) -> (Table, usize) {
        use super::fact::Fact;
        match self {
            BatchData::Contacts(c) => (Table::Contacts, c.len()),
            BatchData::Intervals(c) => (Table::AgentIntervals, c.len()),
            BatchData::Events(v) => (Table::AgentStatusEvents, v.len()),
            BatchData::Translations(v) => (Table::Translations, v.len()),
        }
    }
}

/// One loaded, immutable batch.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) id: u64,
    pub(crate) data: BatchData,
    /// The distinct name texts of the batch (index 0 = absent).
    pub(crate) texts: Arc<Vec<Arc<str>>>,
    /// The best name per (kind, code) within this batch.
    pub(crate) names: Vec<NameEntry>,
}

/// What loading a batch reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchInfo {
    /// The batch id (retract with it).
    pub id: u64,
    /// The table loaded.
    pub table: Table,
    /// Rows read.
    pub rows: usize,
}
