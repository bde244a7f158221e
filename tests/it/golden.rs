//! Golden bodies: one reviewable file per (endpoint, query, representation)
//! on the SPEC example data, compared byte for byte, and the logical plan
//! of each query (`plans/<case>.json`, what `rai explain` prints).
//! `RAI_BLESS=1 cargo test` rewrites them.

use rai_core::{parse_timestamp, Endpoint, Representation};
use std::path::PathBuf;

const NOW: &str = "2026-10-24T09:45:59.000Z";

const CASES: &[(&str, Endpoint, &str)] = &[
    (
        "contactHistory-day-helsinki",
        Endpoint::ContactHistory,
        "startTime=2026-10-24T00:00:00Z&endTime=2026-10-26T00:00:00Z&timeCategory=day&timeZone=Europe/Helsinki&showUser=true&sort=queueName,LOCALE-fi",
    ),
    (
        "contactHistory-details-quarterhour",
        Endpoint::ContactHistory,
        "startTime=2026-10-25T00:00:00Z&endTime=2026-10-25T03:00:00Z&timeCategory=quarterHour&timeZone=Europe/Helsinki&showDetails=true&limit=5",
    ),
    (
        "contactStatistic-week",
        Endpoint::ContactStatistic,
        "startTime=2026-10-20T00:00:00Z&timeCategory=week&showChannel=false&language=fi",
    ),
    (
        "agentHistory-profile-campaign",
        Endpoint::AgentHistory,
        "startTime=2026-06-15T00:00:00Z&endTime=2026-06-17T00:00:00Z&timeCategory=all&showProfile=true&showCampaign=true&language=de&limit=6",
    ),
    (
        "agentStatistic-hour-kolkata",
        Endpoint::AgentStatistic,
        "startTime=2026-03-08T00:00:00Z&endTime=2026-03-09T00:00:00Z&timeCategory=hour&timeZone=Asia/Kolkata&limit=6",
    ),
    (
        "agentStatus-agentinfo",
        Endpoint::AgentStatus,
        "startTime=2026-01-01&showAgentInfo=true&sort=userName,LOCALE-sv&language=fi",
    ),
    (
        "agentStatusHistory-user",
        Endpoint::AgentStatusHistory,
        "startTime=2026-06-15T00:00:00Z&endTime=2026-06-16T00:00:00Z&userId=AE438701151F935BBAA97F43B1D48633&limit=8",
    ),
];

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden"))
}

#[test]
fn golden_bodies() {
    let engine = crate::examples::engine();
    let now = parse_timestamp(NOW).expect("now");
    let bless = std::env::var_os("RAI_BLESS").is_some();
    let mut diffs = Vec::new();
    for (name, endpoint, query) in CASES {
        let res = match engine.query_at(*endpoint, query, now) {
            Ok(r) => r,
            Err(e) => panic!("{name}: {e}"),
        };
        assert!(res.total() > 0, "{name}: a golden case should return rows");
        for (rep, ext) in [(Representation::Json, "json"), (Representation::Xml, "xml")] {
            let mut body = res.render(rep);
            if rep == Representation::Json {
                // One row per line, for reviewable diffs.
                body = body.replace("},{", "},\n{");
                body.push('\n');
            }
            let path = dir().join(format!("{name}.{ext}"));
            if bless {
                std::fs::create_dir_all(dir()).expect("golden dir");
                std::fs::write(&path, &body).expect("write golden");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
                diffs.push(format!("{} differs (RAI_BLESS=1 to accept)", path.display()));
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn golden_plans() {
    let engine = rai_core::Engine::new();
    let bless = std::env::var_os("RAI_BLESS").is_some();
    let dir = dir().join("plans");
    let mut diffs = Vec::new();
    for (name, endpoint, query) in CASES {
        let plan = match engine.plan(*endpoint, query) {
            Ok(p) => p,
            Err(e) => panic!("{name}: {e}"),
        };
        let body = plan.to_json() + "\n";
        let path = dir.join(format!("{name}.json"));
        if bless {
            std::fs::create_dir_all(&dir).expect("golden dir");
            std::fs::write(&path, &body).expect("write golden");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
            diffs.push(format!("{} differs (RAI_BLESS=1 to accept)", path.display()));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
