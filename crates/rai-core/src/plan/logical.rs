//! The logical plan: what a query asks of a table, independent of how and
//! where it runs. The columnar executor runs one against a snapshot; a
//! second backend (a distributed one) lowers the same plan. It names
//! columns by typed id and fields by output position, never by endpoint.

use crate::model::{guid_string, timestamp_string, Guid, Millis, TimeCategory};
use crate::schema::{Agg, ColumnId, Kind, NameKind, Table};
use chrono_tz::Tz;
use icu_locale_core::Locale;
use serde::{Serialize, Serializer};

/// A query as a plan: scan `table` over `time`, keep the rows every
/// predicate accepts, group them (or not), aggregate, compute the output
/// expressions, sort, page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogicalPlan {
    /// The table scanned.
    pub table: Table,
    /// The half-open time range on the table's time key.
    pub time: TimeRange,
    /// Row predicates, all of which must hold.
    pub predicates: Vec<Predicate>,
    /// The group keys; None: one output row per stored row.
    pub group_by: Option<Vec<GroupKey>>,
    /// Zero-fill: every bucket of the time range (to now when it is open)
    /// for every group present, with zero counts and sums and absent maxima.
    pub fill: bool,
    /// The aggregates computed per group (referred to by [`Expr::Aggregate`]).
    pub aggregates: Vec<Agg>,
    /// The output fields in output order (only those shown).
    pub output: Vec<OutputField>,
    /// Sort keys over output fields, then the stable tie-break.
    pub order: Vec<SortKey>,
    /// The collation locale of text sort keys (None: CLDR root).
    #[serde(serialize_with = "ser_locale")]
    pub locale: Option<Locale>,
    /// Rows skipped.
    pub offset: u64,
    /// Rows returned at most.
    pub limit: u64,
    /// The language names are translated to (None: untranslated).
    pub language: Option<String>,
    /// The element name of one row in XML (`contactHistory`).
    pub item: &'static str,
    /// A row rule of the row endpoints: rows whose column holds the value
    /// show only the fields marked [`Expr::UnlessReduced`]'s complement.
    pub reduction: Option<crate::schema::Reduction>,
}

/// `key ∈ [start, end)`.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeRange {
    /// The time key column.
    pub key: ColumnId,
    /// Inclusive start.
    #[serde(serialize_with = "ser_ts")]
    pub start: Millis,
    /// Exclusive end (None: unbounded).
    #[serde(serialize_with = "ser_opt_ts")]
    pub end: Option<Millis>,
}

/// A row predicate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Predicate {
    /// The id in `column` is one of `ids` (an absent id matches none).
    IdIn {
        /// The id column (a users column: of the row's user).
        column: ColumnId,
        /// The ids.
        #[serde(serialize_with = "ser_guids")]
        ids: Vec<Guid>,
    },
    /// The text of `expr` matches one of the `*`/`?` patterns (case-insensitive).
    Matches {
        /// What is matched.
        expr: Expr,
        /// The patterns.
        patterns: Vec<crate::model::Pattern>,
    },
    /// The contact type is one of `types` (channelType).
    TypeIn {
        /// Contact type names.
        types: Vec<&'static str>,
    },
    /// The boolean `column` equals `value`.
    Is {
        /// A boolean column.
        column: ColumnId,
        /// The required value.
        value: bool,
    },
}

/// A group key.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum GroupKey {
    /// The timeCategory bucket of the time key, in a zone.
    Bucket {
        /// The time key column.
        key: ColumnId,
        /// The category.
        #[serde(serialize_with = "ser_category")]
        category: TimeCategory,
        /// The IANA zone.
        #[serde(serialize_with = "ser_zone")]
        zone: Tz,
    },
    /// The value of a column (channel, type, an id).
    Column(ColumnId),
    /// Every stored row its own group (detail rows).
    Row,
}

/// An output or predicate expression over a group (or a stored row).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Expr {
    /// The label of the group's bucket.
    Bucket,
    /// The value of a column: a group key, or a row's column (a users
    /// column: of the row's user).
    Column(ColumnId),
    /// The current (translated) name of the id in `id`; when it has none,
    /// the row's own text in `fallback`, translated.
    Name {
        /// The id column.
        id: ColumnId,
        /// The name kind.
        kind: NameKind,
        /// The row's own text, if any.
        fallback: Option<ColumnId>,
    },
    /// A text column translated as a name kind.
    Translated {
        /// The text column.
        column: ColumnId,
        /// The name kind.
        kind: NameKind,
    },
    /// Aggregate number `n` of [`LogicalPlan::aggregates`].
    Aggregate(usize),
    /// `now − timestamp column`, clamped at 0.
    Since(ColumnId),
    /// `expr`, present only while the counter column is > 0.
    WhenPositive {
        /// The counter.
        counter: ColumnId,
        /// The value.
        expr: Box<Expr>,
    },
    /// `expr`, absent in a reduced row.
    UnlessReduced(Box<Expr>),
    /// `Σ sign × aggregate` over aggregates of [`LogicalPlan::aggregates`].
    Linear(Vec<(i64, usize)>),
    /// `numerator / denominator`, absent when the denominator is ≤ 0; a
    /// ratio is clamped to [0, 1].
    Quotient {
        /// The numerator.
        numerator: Box<Expr>,
        /// The denominator.
        denominator: Box<Expr>,
        /// Whether the quotient is a ratio.
        ratio: bool,
    },
    /// The `percentile`-th percentile (nearest rank) of a distribution
    /// aggregate ([`crate::Op::Distribution`]), absent over no rows.
    Percentile {
        /// The distribution aggregate.
        aggregate: usize,
        /// 1–99.
        percentile: u8,
    },
}

/// One output field.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OutputField {
    /// The output name.
    pub name: &'static str,
    /// Its kind (rendering, sorting).
    pub kind: Kind,
    /// Its value.
    pub expr: Expr,
}

/// A sort key.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SortKey {
    /// The output field (index into [`LogicalPlan::output`]).
    pub field: usize,
    /// Descending.
    pub descending: bool,
}

impl LogicalPlan {
    /// The plan as pretty-printed JSON (what `rai explain` prints).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// How the answer depends on the clock: `None` — not at all; `Some(h)`
    /// — on `min(now, h)` only (`h` = [`Millis::MAX`]: on `now` itself).
    /// Durations to now (`Since`) and a zero-fill of an open range read
    /// the clock; time in state (the status log) ends at `min(endTime,
    /// now)`. The result cache keys clock-dependent answers by this value;
    /// the executor reads `now` nowhere else (a property test checks it).
    pub fn clock_horizon(&self) -> Option<Millis> {
        let since_now = self
            .aggregates
            .iter()
            .any(|a| matches!(a.input, crate::schema::Input::SinceNow(_)));
        let since_expr = self.output.iter().any(|f| f.expr.reads_clock())
            || self.predicates.iter().any(|p| match p {
                Predicate::Matches { expr, .. } => expr.reads_clock(),
                _ => false,
            });
        let state_log = self.group_by.is_some() && self.table == crate::schema::Table::AgentStatusEvents;
        if since_now || since_expr || (self.fill && self.time.end.is_none()) {
            Some(Millis::MAX)
        } else if state_log {
            Some(self.time.end.unwrap_or(Millis::MAX))
        } else {
            None
        }
    }

    /// Whether every stored row is its own group (detail rows).
    pub fn per_row(&self) -> bool {
        self.group_by
            .as_ref()
            .is_some_and(|g| g.iter().any(|k| matches!(k, GroupKey::Row)))
    }
}

impl Expr {
    /// Whether the value reads the clock (`now − t` somewhere inside).
    fn reads_clock(&self) -> bool {
        match self {
            Expr::Since(_) => true,
            Expr::WhenPositive { expr, .. } | Expr::UnlessReduced(expr) => expr.reads_clock(),
            Expr::Quotient {
                numerator, denominator, ..
            } => numerator.reads_clock() || denominator.reads_clock(),
            Expr::Bucket
            | Expr::Column(_)
            | Expr::Name { .. }
            | Expr::Translated { .. }
            | Expr::Aggregate(_)
            | Expr::Linear(_)
            | Expr::Percentile { .. } => false,
        }
    }
}

fn ser_ts<S: Serializer>(t: &Millis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&timestamp_string(*t))
}

fn ser_opt_ts<S: Serializer>(t: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&timestamp_string(*t)),
        None => s.serialize_none(),
    }
}

fn ser_guids<S: Serializer>(ids: &[Guid], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ids.iter().map(|g| guid_string(*g)))
}

fn ser_category<S: Serializer>(c: &TimeCategory, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.name())
}

fn ser_zone<S: Serializer>(z: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(z.name())
}

fn ser_locale<S: Serializer>(l: &Option<Locale>, s: S) -> Result<S::Ok, S::Error> {
    match l {
        Some(l) => s.collect_str(l),
        None => s.serialize_none(),
    }
}
