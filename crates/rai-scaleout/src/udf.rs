//! rai's functions on every node of the cluster, resolved by name (Ballista
//! ships plans with function names): `rai_bucket(t, category, zone)`, the
//! timeCategory bucket of an instant exactly as rai-core numbers it, and
//! `rai_matches(text, pattern)`, rai's `*`/`?` case-insensitive match.
//! Both call rai-core's own code, so no time or pattern rule is restated.

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Int64Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use rai_core::{parse_zone, Bucketer, Pattern, TimeCategory};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The bucket function's name.
pub const BUCKET: &str = "rai_bucket";
/// The pattern function's name.
pub const MATCHES: &str = "rai_matches";

/// rai's functions, for a session, scheduler or executor.
pub fn functions() -> Vec<Arc<ScalarUDF>> {
    functions_counting(Arc::new(AtomicU64::new(0)))
}

/// [`functions`] whose bucket function adds the rows it buckets to
/// `rows` (tests see which executor ran tasks).
pub fn functions_counting(rows: Arc<AtomicU64>) -> Vec<Arc<ScalarUDF>> {
    vec![
        Arc::new(ScalarUDF::new_from_impl(RaiBucket {
            signature: Signature::new(
                TypeSignature::Exact(vec![DataType::Int64, DataType::Utf8, DataType::Utf8]),
                Volatility::Immutable,
            ),
            rows,
        })),
        Arc::new(ScalarUDF::new_from_impl(RaiMatches {
            signature: Signature::new(
                TypeSignature::Exact(vec![DataType::Utf8, DataType::Utf8]),
                Volatility::Immutable,
            ),
        })),
    ]
}

/// The text of a literal argument.
fn literal<'a>(args: &'a [ColumnarValue], i: usize, name: &str) -> Result<&'a str> {
    match args.get(i) {
        Some(ColumnarValue::Scalar(ScalarValue::Utf8(Some(s)))) => Ok(s),
        _ => exec_err!("{name}: argument {} must be a text literal", i + 1),
    }
}

#[derive(Debug)]
struct RaiBucket {
    signature: Signature,
    rows: Arc<AtomicU64>,
}

impl PartialEq for RaiBucket {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for RaiBucket {}
impl std::hash::Hash for RaiBucket {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        BUCKET.hash(h)
    }
}

impl ScalarUDFImpl for RaiBucket {
    fn name(&self) -> &str {
        BUCKET
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let (category, zone) = (literal(&args.args, 1, BUCKET)?, literal(&args.args, 2, BUCKET)?);
        let (Some(category), Some(zone)) = (TimeCategory::parse(category), parse_zone(zone)) else {
            return exec_err!("{BUCKET}: unknown timeCategory '{category}' or zone '{zone}'");
        };
        let times = match &args.args[0] {
            ColumnarValue::Array(a) => a.clone(),
            ColumnarValue::Scalar(s) => s.to_array_of_size(args.number_rows)?,
        };
        let Some(times) = times.as_any().downcast_ref::<Int64Array>() else {
            return exec_err!("{BUCKET}: argument 1 must be BIGINT");
        };
        self.rows.fetch_add(times.len() as u64, Ordering::Relaxed);
        // The batch's extent: one zone lookup per quarter hour, not per row.
        let (lo, hi) = times
            .iter()
            .flatten()
            .fold((i64::MAX, i64::MIN), |(l, h), t| (l.min(t), h.max(t)));
        let bucketer = Bucketer::with_range(category, zone, lo, hi.saturating_add(1));
        let out: Int64Array = times.iter().map(|t| t.map(|t| bucketer.bucket(t))).collect();
        Ok(ColumnarValue::Array(Arc::new(out) as ArrayRef))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct RaiMatches {
    signature: Signature,
}

impl ScalarUDFImpl for RaiMatches {
    fn name(&self) -> &str {
        MATCHES
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let pattern = Pattern::new(literal(&args.args, 1, MATCHES)?);
        let texts = match &args.args[0] {
            ColumnarValue::Array(a) => a.clone(),
            ColumnarValue::Scalar(s) => s.to_array_of_size(args.number_rows)?,
        };
        let Some(texts) = texts.as_any().downcast_ref::<StringArray>() else {
            return exec_err!("{MATCHES}: argument 1 must be text");
        };
        let out: BooleanArray = texts
            .iter()
            .map(|t| Some(t.is_some_and(|t| pattern.matches(t))))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out) as ArrayRef))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_agree_with_the_core() {
        let f = functions();
        let times: Vec<i64> = (0..2000)
            .map(|i| 1_546_300_800_000 + i * 3_600_000 * 7 + i * 61_000)
            .collect();
        for (cat, zone) in [
            ("Day", "Europe/Berlin"),
            ("Week", "America/New_York"),
            ("QuarterHour", "Asia/Kolkata"),
        ] {
            let args = ScalarFunctionArgs {
                args: vec![
                    ColumnarValue::Array(Arc::new(Int64Array::from(times.clone()))),
                    ColumnarValue::Scalar(ScalarValue::Utf8(Some(cat.into()))),
                    ColumnarValue::Scalar(ScalarValue::Utf8(Some(zone.into()))),
                ],
                arg_fields: vec![],
                number_rows: times.len(),
                return_field: Arc::new(datafusion::arrow::datatypes::Field::new("b", DataType::Int64, true)),
                config_options: Default::default(),
            };
            let Ok(ColumnarValue::Array(out)) = f[0].invoke_with_args(args) else {
                unreachable!("an array")
            };
            let out = out.as_any().downcast_ref::<Int64Array>().map(|a| a.values().to_vec());
            let (Some(c), Some(z)) = (TimeCategory::parse(cat), parse_zone(zone)) else {
                unreachable!("known")
            };
            let core = Bucketer::new(c, z);
            assert_eq!(
                out,
                Some(times.iter().map(|&t| core.exact(t)).collect::<Vec<_>>()),
                "{cat} {zone}"
            );
        }
    }
}
