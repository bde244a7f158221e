//! The declaration checked once, as a test: every reference in every
//! endpoint's declaration is well-formed, so no layer below needs a
//! fallback for a column that is not there.

use super::*;

/// The declaration checked once: every column a field, parameter or
/// metric names belongs to the endpoint's table (or, for the row
/// endpoints, to the user's `users` row), every metric input is a number
/// or timestamp, every condition a boolean, every field has a source,
/// the time key is a timestamp of the table, names are unique.
#[test]
fn the_declaration_is_consistent() {
    for e in Endpoint::ALL {
        let d = e.decl();
        assert_eq!(d.endpoint, e);
        assert!(d.field(d.default_sort).is_some(), "{e:?}");
        // The kept-row tables read their user's `users` row too.
        let reads_users = matches!(d.table, Table::AgentStates | Table::AgentStatusEvents);
        let own = |col: ColumnId| col.table() == d.table || (reads_users && col.table() == Table::Users);
        let is_time = |col: ColumnId| {
            col.input_kind() == Some(ColKind::Timestamp) || matches!(col.definition(), Some(Definition::Choose { .. }))
        };
        let is_number = |col: ColumnId| {
            col.input_kind().is_some_and(ColKind::is_number) || matches!(col.definition(), Some(Definition::Sum(_)))
        };
        assert!(own(d.time_key) && is_time(d.time_key), "{e:?} time key");
        let mut names: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), d.fields.len(), "{e:?}: duplicate field names");
        for p in &d.params {
            match *p {
                Param::Ids(_, col) => {
                    assert!(own(col) && col.input_kind() == Some(ColKind::Guid), "{e:?} {p:?}")
                }
                Param::Require(_, col, _) | Param::Include(_, col) => {
                    assert!(own(col) && col.is_bool(), "{e:?} {p:?}")
                }
                _ => {}
            }
        }
        // An aggregate over this table: a count of rows, or a sum or maximum
        // of a number or timestamp, under a boolean condition.
        let valid = |a: Agg| -> bool {
            let input = match a.input {
                Input::Rows => a.op == Op::Count,
                Input::Column(col) => own(col) && (is_number(col) || is_time(col)),
                Input::SinceNow(col) => own(col) && is_time(col),
            };
            input && a.when.is_none_or(|w| own(w) && w.is_bool())
        };
        // Derived metrics: signed sums of counts and sums (never of maxima or
        // timestamps), with the names their fields use.
        let linear = |terms: Linear| {
            !terms.is_empty()
                && terms.iter().all(|&(sign, a)| {
                    valid(a) && sign.abs() == 1 && a.op != Op::Max && !matches!(a.input, Input::Column(c) if is_time(c))
                })
        };
        if let Some(t) = d.thresholds {
            assert!(d.aggregated && own(t.compared) && is_number(t.compared), "{e:?}");
            assert!(own(t.when) && t.when.is_bool() && linear(t.denominator), "{e:?}");
            assert!(d.params.contains(&Param::Thresholds), "{e:?}");
        }
        // Percentiles: of a duration of this table, under a boolean condition.
        assert_eq!(
            d.params.contains(&Param::Percentiles),
            !d.percentiles.is_empty(),
            "{e:?}"
        );
        for p in d.percentiles {
            let a = Agg::new(Op::Distribution, Input::Column(p.input), p.when);
            assert!(d.aggregated && valid(a) && is_number(p.input), "{e:?} {p:?}");
            assert!(
                d.field(&format!("{}{}", &p.suffix[..1].to_lowercase(), &p.suffix[1..]))
                    .is_some(),
                "{p:?}"
            );
        }
        for m in d.derived {
            assert!(d.aggregated, "{e:?}");
            for name in [
                m.name.to_string(),
                format!("{}Numerator", m.name),
                format!("{}Denominator", m.name),
            ] {
                assert!(d.field(&name).is_some(), "{e:?}: {name}");
            }
        }
        for field in &d.fields {
            let name = field.name;
            assert!(!name.is_empty());
            match field.src {
                Src::Bucket => assert!(d.aggregated && field.kind == Kind::Label, "{name}"),
                Src::Key(col) | Src::RowKey(col) | Src::KeyName(col, _) => {
                    assert!(d.aggregated && own(col), "{name}");
                    // A key is an id, an enum, or (contacts) the channel/type.
                    assert!(
                        col.input_kind() == Some(ColKind::Guid) || col.is_enum(),
                        "{name}: key {col:?}"
                    );
                }
                Src::Metric(a) if a.op == Op::StateTime => {
                    // Time in state: over a change log (a userId and a session
                    // column), from its time key, in milliseconds.
                    assert!(
                        d.aggregated && a.input == Input::Column(d.time_key) && a.when.is_none(),
                        "{name}"
                    );
                    assert!(d.table.user_id().is_some() && d.table.session_id().is_some(), "{name}");
                    assert_eq!(field.kind, Kind::Int, "{name}");
                }
                Src::Metric(a) => {
                    assert!(d.aggregated && valid(a), "{name}");
                    let time = matches!(a.input, Input::Column(col) if is_time(col));
                    assert_eq!(time, field.kind == Kind::Timestamp, "{name}");
                }
                Src::Linear(terms) => assert!(d.aggregated && linear(terms) && field.kind == Kind::Int, "{name}"),
                Src::Quotient {
                    numerator, denominator, ..
                } => assert!(
                    d.aggregated && linear(numerator) && linear(denominator) && field.kind == Kind::Number,
                    "{name}"
                ),
                Src::Cell(col) | Src::CellTranslated(col, _) => assert!(!d.aggregated && own(col), "{name}"),
                Src::CellName(col, _, fallback) => {
                    assert!(!d.aggregated && own(col), "{name}");
                    assert!(fallback.is_none_or(own), "{name}");
                }
                Src::CellSince(col) => assert!(!d.aggregated && own(col) && is_time(col), "{name}"),
            }
            if let Presence::WhenPositive(col) = field.presence {
                assert!(own(col) && col.input_kind().is_some_and(ColKind::is_number), "{name}");
            }
            assert!(!field.kept_when_reduced || d.reduction.is_some(), "{name}");
        }
        if let Some(r) = d.reduction {
            let values = match r.column.input_kind() {
                Some(ColKind::Enum(values)) => values,
                _ => &[],
            };
            assert!(values.contains(&r.value), "{e:?}: reduction over {:?}", r.column);
        }
    }
}

/// The JSON reader marks the columns an object gave in a 128-bit word.
#[test]
fn tables_have_fewer_than_128_columns() {
    for t in Table::ALL {
        assert!(t.columns().len() < 128, "{t:?}");
    }
}
