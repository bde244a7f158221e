//! SPEC §3 time: timeCategory buckets in any IANA zone and their labels.
//!
//! A bucket is an `i64` that sorts chronologically within its category:
//! the UTC instant of its first moment (quarterHour, hour), a local day
//! number (day), the day number of its ISO week's Monday (week),
//! `year * 12 + month - 1` (month), the year (year), 0 (all).

use crate::model::{civil_from_days, days_from_civil, write_local, Millis, DAY_MS, QUARTER_HOUR_MS};
use chrono::{Offset, TimeZone};
use chrono_tz::Tz;
use std::fmt::Write;

/// The timeCategory parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeCategory {
    /// No time dimension.
    Null,
    /// Local wall clock floored to 15 minutes.
    QuarterHour,
    /// Local wall clock floored to the hour.
    Hour,
    /// Local date.
    Day,
    /// ISO 8601 week.
    Week,
    /// Local month.
    Month,
    /// Local year.
    Year,
    /// One bucket for the whole range.
    All,
}

impl TimeCategory {
    /// Every category, in the source document's order.
    pub const ALL: [TimeCategory; 8] = [
        TimeCategory::Null,
        TimeCategory::QuarterHour,
        TimeCategory::Hour,
        TimeCategory::Day,
        TimeCategory::Week,
        TimeCategory::Month,
        TimeCategory::Year,
        TimeCategory::All,
    ];

    /// The parameter value (`quarterHour`): the one spelling that parsing,
    /// the typed builder, the plan and OpenAPI all use.
    pub fn name(self) -> &'static str {
        match self {
            TimeCategory::Null => "null",
            TimeCategory::QuarterHour => "quarterHour",
            TimeCategory::Hour => "hour",
            TimeCategory::Day => "day",
            TimeCategory::Week => "week",
            TimeCategory::Month => "month",
            TimeCategory::Year => "year",
            TimeCategory::All => "all",
        }
    }

    /// Parses a timeCategory value, case-insensitively.
    pub fn parse(s: &str) -> Option<TimeCategory> {
        TimeCategory::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(s))
    }
}

/// Parses an IANA zone name (case-sensitive, backward links included).
pub fn parse_zone(s: &str) -> Option<Tz> {
    let tz: Tz = s.parse().ok()?;
    // chrono-tz also accepts names case-insensitively; SPEC wants exact names.
    (tz.name() == s).then_some(tz)
}

/// Every zone name `parse_zone` accepts (IANA, as chrono-tz spells them).
pub fn zone_names() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

/// UTC offset of `tz` at instant `t`, in milliseconds.
pub fn offset_ms(tz: Tz, t: Millis) -> i64 {
    match chrono::DateTime::from_timestamp_millis(t) {
        Some(dt) => tz.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc() as i64 * 1000,
        None => 0,
    }
}

/// Buckets instants of one category in one zone.
#[derive(Debug, Clone)]
pub struct Bucketer {
    cat: TimeCategory,
    tz: Tz,
    utc: bool,
    /// Per UTC quarter hour from `base`: the bucket, when the whole quarter shares it.
    slots: Vec<Option<i64>>,
    base: i64,
}

impl Bucketer {
    /// A bucketer without a slot cache.
    pub fn new(cat: TimeCategory, tz: Tz) -> Bucketer {
        Bucketer {
            cat,
            tz,
            utc: tz == Tz::UTC || tz == Tz::Etc__UTC,
            slots: Vec::new(),
            base: 0,
        }
    }

    /// A bucketer that precomputes the bucket of every UTC quarter hour in
    /// `[lo, hi)` (when that is a reasonable number of slots), so the per-row
    /// work is one subtraction, one division and one load.
    pub fn with_range(cat: TimeCategory, tz: Tz, lo: Millis, hi: Millis) -> Bucketer {
        let mut b = Bucketer::new(cat, tz);
        if matches!(cat, TimeCategory::Null | TimeCategory::All) || hi <= lo {
            return b;
        }
        let base = lo.div_euclid(QUARTER_HOUR_MS);
        let end = (hi - 1).div_euclid(QUARTER_HOUR_MS) + 1;
        let n = end.saturating_sub(base);
        if n <= 0 || n > (1 << 20) {
            return b;
        }
        b.base = base;
        b.slots = (base..end)
            .map(|s| {
                let t0 = s * QUARTER_HOUR_MS;
                let first = b.exact(t0);
                (first == b.exact(t0 + QUARTER_HOUR_MS - 1)).then_some(first)
            })
            .collect();
        b
    }

    /// Every bucket that an instant of `[lo, hi)` falls in, in order, or
    /// None when there would be more than `max` of them. Zone offsets are
    /// whole quarter hours (since 1980), so stepping by UTC quarter hours
    /// meets every local quarter hour and hour; a local day is at least 23
    /// hours long, so stepping by hours meets every day (and so every week,
    /// month and year).
    pub fn buckets_in(&self, lo: Millis, hi: Millis, max: usize) -> Option<Vec<i64>> {
        let mut out: Vec<i64> = Vec::new();
        if hi <= lo {
            return Some(out);
        }
        let step = match self.cat {
            TimeCategory::QuarterHour | TimeCategory::Hour => QUARTER_HOUR_MS,
            _ => 4 * QUARTER_HOUR_MS,
        };
        // Give up early on ranges that cannot fit: a bucket spans at most a
        // year (366 days) and at least a quarter hour.
        let min_span = if step == QUARTER_HOUR_MS {
            QUARTER_HOUR_MS
        } else {
            366 * 24 * 4 * QUARTER_HOUR_MS
        };
        if (hi - lo) / min_span > max as i64 + 1 {
            return None;
        }
        let push = |b: i64, out: &mut Vec<i64>| {
            if out.last() != Some(&b) {
                out.push(b);
            }
        };
        push(self.bucket(lo), &mut out);
        let mut t = (lo.div_euclid(step) + 1) * step;
        while t < hi {
            push(self.bucket(t), &mut out);
            if out.len() > max {
                return None;
            }
            t += step;
        }
        push(self.bucket(hi - 1), &mut out);
        (out.len() <= max).then_some(out)
    }

    /// The end of `t`'s bucket, at most `limit`: the first instant after
    /// `t` in another bucket. Boundaries fall on UTC quarter hours (zone
    /// offsets are whole quarter hours) and buckets follow each other in
    /// time, so a gallop then a bisection over quarter hours finds it in a
    /// few dozen bucket lookups however long the bucket is.
    pub fn bucket_end(&self, t: Millis, limit: Millis) -> Millis {
        if matches!(self.cat, TimeCategory::Null | TimeCategory::All) || t >= limit {
            return limit;
        }
        let b = self.bucket(t);
        // Whether quarter hour `q` starts at or past the limit or in another bucket.
        let past = |q: i64| q.saturating_mul(QUARTER_HOUR_MS) >= limit || self.bucket(q * QUARTER_HOUR_MS) != b;
        let (mut lo, mut hi) = (t.div_euclid(QUARTER_HOUR_MS), t.div_euclid(QUARTER_HOUR_MS) + 1);
        let mut step = 1i64;
        while !past(hi) {
            lo = hi;
            hi = hi.saturating_add(step);
            step = step.saturating_mul(2);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if past(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi.saturating_mul(QUARTER_HOUR_MS).min(limit)
    }

    /// The category.
    pub fn category(&self) -> TimeCategory {
        self.cat
    }

    /// The bucket of instant `t`.
    #[inline]
    pub fn bucket(&self, t: Millis) -> i64 {
        if matches!(self.cat, TimeCategory::Null | TimeCategory::All) {
            return 0;
        }
        if !self.slots.is_empty() {
            let s = t.div_euclid(QUARTER_HOUR_MS) - self.base;
            if let Some(Some(b)) = self.slots.get(s as usize) {
                if s >= 0 {
                    return *b;
                }
            }
        }
        self.exact(t)
    }

    fn offset(&self, t: Millis) -> i64 {
        if self.utc {
            0
        } else {
            offset_ms(self.tz, t)
        }
    }

    /// The bucket of `t`, computed from the zone's rules.
    pub fn exact(&self, t: Millis) -> i64 {
        let floor = |local: i64, unit: i64| local - local.rem_euclid(unit);
        match self.cat {
            TimeCategory::Null | TimeCategory::All => 0,
            TimeCategory::QuarterHour => {
                let off = self.offset(t);
                floor(t + off, QUARTER_HOUR_MS) - off
            }
            TimeCategory::Hour => {
                let off = self.offset(t);
                floor(t + off, 3_600_000) - off
            }
            _ => {
                let day = (t + self.offset(t)).div_euclid(DAY_MS);
                match self.cat {
                    TimeCategory::Day => day,
                    TimeCategory::Week => day - (day + 3).rem_euclid(7),
                    TimeCategory::Month => {
                        let (y, m, _) = civil_from_days(day);
                        y * 12 + m as i64 - 1
                    }
                    _ => civil_from_days(day).0,
                }
            }
        }
    }

    /// Appends the label of bucket `b` (SPEC §3 table).
    pub fn write_label(&self, out: &mut String, b: i64) {
        match self.cat {
            TimeCategory::Null => {}
            TimeCategory::All => out.push_str("all"),
            TimeCategory::QuarterHour | TimeCategory::Hour => {
                let off = self.offset(b);
                if off == 0 {
                    write_local(out, b, "Z");
                } else {
                    let m = off.abs() / 60_000;
                    let sign = if off < 0 { '-' } else { '+' };
                    let suffix = format!("{sign}{:02}:{:02}", m / 60, m % 60);
                    write_local(out, b + off, &suffix);
                }
            }
            TimeCategory::Day => {
                let (y, m, d) = civil_from_days(b);
                let _ = write!(out, "{y:04}-{m:02}-{d:02}");
            }
            TimeCategory::Week => {
                let thursday = b + 3;
                let (y, _, _) = civil_from_days(thursday);
                let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
                let _ = write!(out, "{y:04}-W{week:02}");
            }
            TimeCategory::Month => {
                let _ = write!(out, "{:04}-{:02}", b.div_euclid(12), b.rem_euclid(12) + 1);
            }
            TimeCategory::Year => {
                let _ = write!(out, "{b:04}");
            }
        }
    }

    /// The label of bucket `b` as an owned string.
    pub fn label(&self, b: i64) -> String {
        let mut s = String::new();
        self.write_label(&mut s, b);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_timestamp;

    fn label(cat: TimeCategory, zone: &str, t: &str) -> String {
        let tz = parse_zone(zone).unwrap_or(Tz::UTC);
        let b = Bucketer::new(cat, tz);
        b.label(b.bucket(parse_timestamp(t).unwrap_or(0)))
    }

    /// The end of a bucket is where stepping quarter hour by quarter hour
    /// first meets another bucket (around DST changes, in odd zones, for
    /// every category), capped at the limit.
    #[test]
    fn bucket_ends_are_where_the_bucket_changes() {
        let start = parse_timestamp("2026-03-27T21:07:00Z").unwrap_or(0);
        for zone in [
            "UTC",
            "Europe/Helsinki",
            "America/New_York",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
        ] {
            let tz = parse_zone(zone).unwrap_or(Tz::UTC);
            for cat in TimeCategory::ALL {
                let b = Bucketer::new(cat, tz);
                for i in 0..60 {
                    let t = start + i * 3_517_000;
                    let limit = t + 40 * DAY_MS;
                    let mut want = (t.div_euclid(QUARTER_HOUR_MS) + 1) * QUARTER_HOUR_MS;
                    while want < limit && b.bucket(want) == b.bucket(t) {
                        want += QUARTER_HOUR_MS;
                    }
                    assert_eq!(b.bucket_end(t, limit), want.min(limit), "{zone} {cat:?} {t}");
                }
            }
        }
    }

    #[test]
    fn buckets_in_a_range_cover_every_local_bucket_once() {
        let t = |s: &str| parse_timestamp(s).unwrap_or(0);
        let hel = parse_zone("Europe/Helsinki").unwrap_or(Tz::UTC);
        let count = |cat, lo: &str, hi: &str| {
            Bucketer::new(cat, hel)
                .buckets_in(t(lo), t(hi), 100_000)
                .map(|v| v.len())
        };
        // The fall-back day in Helsinki has 25 hours and 100 quarter hours.
        let (lo, hi) = ("2019-10-26T21:00:00Z", "2019-10-27T22:00:00Z");
        assert_eq!(count(TimeCategory::Hour, lo, hi), Some(25));
        assert_eq!(count(TimeCategory::QuarterHour, lo, hi), Some(100));
        assert_eq!(count(TimeCategory::Day, lo, hi), Some(1));
        // A partial first and last day count.
        assert_eq!(
            count(TimeCategory::Day, "2019-01-01T12:00:00Z", "2019-01-03T00:30:00Z"),
            Some(3)
        );
        // Helsinki is UTC+2 in winter: 2019-02-28T22:00Z is local March 1, 00:00.
        assert_eq!(
            count(TimeCategory::Month, "2019-01-31T00:00:00Z", "2019-02-28T22:00:00Z"),
            Some(2)
        );
        assert_eq!(
            count(TimeCategory::Month, "2019-01-31T00:00:00Z", "2019-02-28T22:00:00.001Z"),
            Some(3)
        );
        let kolkata = Bucketer::new(TimeCategory::Hour, parse_zone("Asia/Kolkata").unwrap_or(Tz::UTC));
        let hours = kolkata.buckets_in(t("2019-01-01T00:00:00Z"), t("2019-01-02T00:00:00Z"), 100);
        assert_eq!(
            hours.map(|v| v.len()),
            Some(25),
            "+05:30: 24 hours straddle 25 local hours"
        );
        // Too many buckets is None, not a long loop.
        let b = Bucketer::new(TimeCategory::QuarterHour, Tz::UTC);
        assert_eq!(b.buckets_in(0, 400 * 86_400_000 * 365, 1_000).map(|v| v.len()), None);
        assert_eq!(b.buckets_in(5, 5, 10), Some(vec![]));
    }

    #[test]
    fn helsinki_fall_back_hours_are_distinct_buckets() {
        // 2019-10-27 04:00 EEST → 03:00 EET at 01:00 UTC; 03:15 local happens twice.
        let q = TimeCategory::QuarterHour;
        assert_eq!(
            label(q, "Europe/Helsinki", "2019-10-27T00:15:00Z"),
            "2019-10-27T03:15:00.000+03:00"
        );
        assert_eq!(
            label(q, "Europe/Helsinki", "2019-10-27T01:15:00Z"),
            "2019-10-27T03:15:00.000+02:00"
        );
        let h = TimeCategory::Hour;
        assert_eq!(
            label(h, "Europe/Helsinki", "2019-10-27T00:59:59.999Z"),
            "2019-10-27T03:00:00.000+03:00"
        );
        assert_eq!(
            label(h, "Europe/Helsinki", "2019-10-27T01:00:00Z"),
            "2019-10-27T03:00:00.000+02:00"
        );
    }

    #[test]
    fn labels_per_category() {
        assert_eq!(
            label(TimeCategory::QuarterHour, "UTC", "2019-01-01T13:29:59Z"),
            "2019-01-01T13:15:00.000Z"
        );
        assert_eq!(
            label(TimeCategory::Hour, "Asia/Kolkata", "2019-01-01T00:00:00Z"),
            "2019-01-01T05:00:00.000+05:30"
        );
        assert_eq!(
            label(TimeCategory::Day, "America/New_York", "2019-01-01T03:00:00Z"),
            "2018-12-31"
        );
        assert_eq!(label(TimeCategory::Month, "UTC", "2019-12-31T23:59:59Z"), "2019-12");
        assert_eq!(
            label(TimeCategory::Year, "Europe/Helsinki", "2019-12-31T22:00:00Z"),
            "2020"
        );
        assert_eq!(label(TimeCategory::All, "UTC", "2019-12-31T22:00:00Z"), "all");
        assert_eq!(
            label(TimeCategory::Hour, "Europe/London", "2019-01-01T10:30:00Z"),
            "2019-01-01T10:00:00.000Z"
        );
    }

    #[test]
    fn iso_week_at_year_boundary() {
        let w = TimeCategory::Week;
        assert_eq!(label(w, "UTC", "2019-12-30T12:00:00Z"), "2020-W01");
        assert_eq!(label(w, "UTC", "2021-01-03T12:00:00Z"), "2020-W53");
        assert_eq!(label(w, "UTC", "2021-01-04T00:00:00Z"), "2021-W01");
        assert_eq!(label(w, "UTC", "2019-01-01T00:00:00Z"), "2019-W01");
        // Sunday night UTC is already Monday in Helsinki.
        assert_eq!(label(w, "Europe/Helsinki", "2021-01-03T22:30:00Z"), "2021-W01");
    }

    #[test]
    fn slot_cache_agrees_with_exact() {
        let tz = parse_zone("Australia/Lord_Howe").unwrap_or(Tz::UTC);
        let lo = parse_timestamp("2019-03-30T00:00:00Z").unwrap_or(0);
        let hi = parse_timestamp("2019-04-14T00:00:00Z").unwrap_or(0);
        for cat in [
            TimeCategory::QuarterHour,
            TimeCategory::Hour,
            TimeCategory::Day,
            TimeCategory::Week,
        ] {
            let b = Bucketer::with_range(cat, tz, lo, hi);
            let mut t = lo;
            while t < hi {
                assert_eq!(b.bucket(t), b.exact(t));
                t += 7 * 60_000 + 13;
            }
        }
    }

    #[test]
    fn zone_names_are_case_sensitive() {
        assert!(parse_zone("Europe/Helsinki").is_some());
        assert!(parse_zone("US/Eastern").is_some());
        assert!(parse_zone("Etc/GMT+5").is_some());
        assert!(parse_zone("europe/helsinki").is_none());
        assert!(parse_zone("Mars/Olympus").is_none());
    }
}
