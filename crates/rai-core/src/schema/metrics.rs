//! Derived metrics (beyond RAI v1): quotients of a group's aggregates,
//! computed after aggregation and asked for with `derived=`. Each is
//! declared once here, as signed sums of aggregates; the docs
//! (`docs/beyond-rai-v1.md`) state the same definitions in words.

use super::derived::{cd, ivd};
use super::derived::{ContactDerived as D, IntervalDerived};
use super::endpoint::{Agg, DerivedMetric, Linear, PercentileMetric, ThresholdMetric};
use super::ids::{c, iv};
use super::table::{ContactCol as C, IntervalCol as I};

const ARRIVED: Agg = Agg::count(None);
const HANDLED: Agg = Agg::count(Some(cd(D::Handled)));
/// The segments a service level is measured over (the seed's denominator):
/// completed − false attempts − service closed.
const OFFERED: Linear = &[
    (1, Agg::count(Some(cd(D::Completed)))),
    (-1, Agg::count(Some(c(C::FalseAttempt)))),
    (-1, Agg::count(Some(c(C::ServiceClosed)))),
];

const fn ratio(name: &'static str, numerator: Linear, denominator: Linear) -> DerivedMetric {
    DerivedMetric {
        name,
        ratio: true,
        numerator,
        denominator,
    }
}
const fn average(name: &'static str, numerator: Linear, denominator: Linear) -> DerivedMetric {
    DerivedMetric {
        name,
        ratio: false,
        numerator,
        denominator,
    }
}

/// contactHistory's and contactStatistic's derived metrics.
pub(crate) const CONTACT_METRICS: &[DerivedMetric] = &[
    ratio("serviceLevel", &[(1, Agg::count(Some(c(C::AnsweredOnTime))))], OFFERED),
    ratio("handledRatio", &[(1, HANDLED)], OFFERED),
    ratio("abandonRatio", &[(1, Agg::count(Some(c(C::Abandoned))))], OFFERED),
    average(
        "averageSpeedOfAnswer",
        &[(1, Agg::sum(c(C::WaitingDuration), Some(cd(D::Handled))))],
        &[(1, HANDLED)],
    ),
    average(
        "averageHandlingTime",
        &[
            (1, Agg::sum(c(C::HandlingDuration), None)),
            (1, Agg::sum(c(C::AfterworkDuration), None)),
        ],
        &[(1, HANDLED)],
    ),
    average(
        "averageQueuingTime",
        &[(1, Agg::sum(c(C::QueuingDuration), None))],
        &[(1, ARRIVED)],
    ),
    average(
        "averageWaitingTime",
        &[(1, Agg::sum(c(C::WaitingDuration), None))],
        &[(1, ARRIVED)],
    ),
];

/// Service level per threshold: handled segments whose queuingDuration (the
/// time the queue made them wait before they were connected; the waiting
/// before the queue, such as a welcome message, is not the queue's doing)
/// is at most the threshold, over the offered ones.
pub(crate) const SERVICE_LEVEL_THRESHOLDS: ThresholdMetric = ThresholdMetric {
    prefix: "serviceLevel",
    compared: c(C::QueuingDuration),
    when: cd(D::Handled),
    denominator: OFFERED,
};

/// The durations `percentiles=` summarises on contactHistory and
/// contactStatistic. Each is taken over the rows of the matching average's
/// denominator: waiting and queuing over every segment (as
/// averageWaitingTime and averageQueuingTime), handling over the handled
/// segments (those an agent connected to, as averageHandlingTime).
pub(crate) const CONTACT_PERCENTILES: &[PercentileMetric] = &[
    PercentileMetric {
        suffix: "WaitingDuration",
        input: c(C::WaitingDuration),
        when: None,
    },
    PercentileMetric {
        suffix: "QueuingDuration",
        input: c(C::QueuingDuration),
        when: None,
    },
    PercentileMetric {
        suffix: "HandlingDuration",
        input: c(C::HandlingDuration),
        when: Some(cd(D::Handled)),
    },
];

/// Time spent on contacts: contact handling plus after-contact work.
const WORK: Linear = &[
    (1, Agg::sum(iv(I::ContactHandlingDuration), None)),
    (1, Agg::sum(iv(I::AfterworkDuration), None)),
];

/// agentHistory's and agentStatistic's derived metrics.
pub(crate) const AGENT_METRICS: &[DerivedMetric] = &[
    ratio(
        "occupancy",
        WORK,
        &[
            (1, Agg::sum(iv(I::ContactHandlingDuration), None)),
            (1, Agg::sum(iv(I::AfterworkDuration), None)),
            (1, Agg::sum(iv(I::FreeDuration), None)),
        ],
    ),
    ratio(
        "utilization",
        WORK,
        &[(1, Agg::sum(ivd(IntervalDerived::ServingDuration), None))],
    ),
    average(
        "averageHandlingTime",
        WORK,
        &[
            (1, Agg::sum(iv(I::CountOfHandledCallIn), None)),
            (1, Agg::sum(iv(I::CountOfHandledCallOut), None)),
            (1, Agg::sum(iv(I::CountOfHandledEmailIn), None)),
            (1, Agg::sum(iv(I::CountOfHandledEmailOut), None)),
            (1, Agg::sum(iv(I::CountOfHandledChatIn), None)),
            (1, Agg::sum(iv(I::CountOfHandledChatOut), None)),
        ],
    ),
];
