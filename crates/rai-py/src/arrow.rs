//! A query's page as one Arrow record batch, typed by the plan's output
//! fields: counts and durations `int64` (milliseconds, as in JSON), ratios
//! `float64`, timestamps `timestamp[ms, UTC]`, everything else (ids, names,
//! enums, bucket labels) `utf8`; an absent value is a null. The batch goes
//! to Python through the Arrow C stream interface, so pyarrow and Polars
//! take its buffers without copying them.

use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder, TimestampMillisecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use rai_core::{parse_timestamp, Kind, QueryResult, Value};
use std::sync::Arc;

/// The Arrow type of a field of `kind`.
pub fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Number => DataType::Float64,
        Kind::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        _ => DataType::Utf8,
    }
}

/// A value that does not have its field's declared kind: a bug, reported.
fn mismatch(name: &str, v: Value<'_>) -> ArrowError {
    ArrowError::InvalidArgumentError(format!("rai: field {name}: {v:?} does not have the declared type"))
}

/// The page of `res` with its fields typed by `kinds` (in output order).
pub fn record_batch(res: &QueryResult, kinds: &[Kind]) -> Result<RecordBatch, ArrowError> {
    let names = res.names();
    if names.len() != kinds.len() {
        return Err(ArrowError::InvalidArgumentError(format!(
            "rai: {} fields but {} types",
            names.len(),
            kinds.len()
        )));
    }
    let rows = res.len();
    let mut fields = Vec::with_capacity(names.len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(names.len());
    for (col, (&name, &kind)) in names.iter().zip(kinds).enumerate() {
        let values = (0..rows).map(|r| res.get(r, col));
        let array: ArrayRef = match data_type(kind) {
            DataType::Int64 => {
                let mut b = Int64Builder::with_capacity(rows);
                for v in values {
                    match v {
                        None => b.append_null(),
                        Some(Value::Int(i)) => b.append_value(i),
                        Some(other) => return Err(mismatch(name, other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::with_capacity(rows);
                for v in values {
                    match v {
                        None => b.append_null(),
                        Some(Value::Float(x)) => b.append_value(x),
                        Some(Value::Int(i)) => b.append_value(i as f64),
                        Some(other) => return Err(mismatch(name, other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Timestamp(..) => {
                let mut b = TimestampMillisecondBuilder::with_capacity(rows).with_timezone("UTC");
                for v in values {
                    match v {
                        None => b.append_null(),
                        Some(Value::Str(s)) => match parse_timestamp(s) {
                            Some(t) => b.append_value(t),
                            None => return Err(mismatch(name, Value::Str(s))),
                        },
                        Some(other) => return Err(mismatch(name, other)),
                    }
                }
                Arc::new(b.finish())
            }
            _ => {
                let mut b = StringBuilder::with_capacity(rows, rows * 16);
                for v in values {
                    match v {
                        None => b.append_null(),
                        Some(Value::Str(s)) => b.append_value(s),
                        Some(other) => return Err(mismatch(name, other)),
                    }
                }
                Arc::new(b.finish())
            }
        };
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new_with_options(
        schema,
        columns,
        &arrow_array::RecordBatchOptions::new().with_row_count(Some(rows)),
    )
}
