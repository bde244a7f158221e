//! `rai gen`: deterministic, realistic synthetic data for every table.
//!
//! Column names are SPEC §2's and values its canonical forms (timestamps
//! `YYYY-MM-DDTHH:MM:SS.mmmZ`, booleans `true`/`false`, empty = absent), so
//! other tools (the peer benchmark) read the same files. Contacts are made
//! in parallel chunks, each from its own seed, so the output depends only on
//! the options.

use rai_core::tables::{Col, Table};
use rai_core::{guid_hex, write_timestamp, Format, Guid, Millis, DAY_MS, QUARTER_HOUR_MS};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Options of `rai gen`.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// First instant (midnight UTC of the first day).
    pub start: Millis,
    /// Days to cover.
    pub days: u32,
    /// Contact segments to write.
    pub contacts: u64,
    /// Seed.
    pub seed: u64,
    /// Output format (JSON Lines or CSV).
    pub format: Format,
    /// The generation's "now": active contacts and agent states sit near it.
    /// Default: the current time.
    pub now: Option<Millis>,
}

/// SplitMix64: small, fast, deterministic (the generator's, and the
/// seeded query mixes of the tests).
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of `seed`'s stream number `stream`.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.bits();
        r
    }
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.bits() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A number in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.bits() % n
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Exponential with the given mean, in ms.
    fn exp(&mut self, mean_ms: f64) -> i64 {
        (-(1.0 - self.unit()).ln() * mean_ms) as i64
    }
    fn guid(&mut self) -> Guid {
        ((self.bits() as u128) << 64) | self.bits() as u128
    }
    /// One element of the non-empty `v`.
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// One value of a generated row.
#[derive(Clone, Copy)]
enum V<'a> {
    No,
    S(&'a str),
    G(Guid),
    T(Millis),
    I(i64),
    B(bool),
}

/// Writes rows of one table in one format into a String buffer.
struct Out {
    format: Format,
    cols: &'static [Col],
    buf: String,
}

impl Out {
    fn new(table: Table, format: Format) -> Out {
        Out {
            format,
            cols: table.columns(),
            buf: String::with_capacity(1 << 20),
        }
    }

    fn header(&mut self) {
        if self.format == Format::Csv {
            let names: Vec<&str> = self.cols.iter().map(|c| c.name).collect();
            self.buf.push_str(&names.join(","));
            self.buf.push('\n');
        }
    }

    /// `vals` in the table's column order.
    fn row(&mut self, vals: &[V<'_>]) {
        use std::fmt::Write as _;
        let csv = self.format == Format::Csv;
        if !csv {
            self.buf.push('{');
        }
        let mut first = true;
        for (c, v) in self.cols.iter().zip(vals) {
            if csv {
                if c.name != self.cols[0].name {
                    self.buf.push(',');
                }
            } else {
                if matches!(v, V::No) {
                    continue;
                }
                if !first {
                    self.buf.push(',');
                }
                first = false;
                self.buf.push('"');
                self.buf.push_str(c.name);
                self.buf.push_str("\":");
            }
            let quote = !csv && matches!(v, V::S(_) | V::G(_) | V::T(_));
            if quote {
                self.buf.push('"');
            }
            match *v {
                V::No => {}
                V::S(s) => {
                    if csv && s.contains([',', '"', '\n']) {
                        self.buf.push('"');
                        self.buf.push_str(&s.replace('"', "\"\""));
                        self.buf.push('"');
                    } else if !csv && s.contains(['"', '\\']) {
                        self.buf.push_str(&s.replace('\\', "\\\\").replace('"', "\\\""));
                    } else {
                        self.buf.push_str(s);
                    }
                }
                V::G(g) => self.buf.push_str(std::str::from_utf8(&guid_hex(g)).unwrap_or("")),
                V::T(t) => write_timestamp(&mut self.buf, t),
                V::I(i) => {
                    let _ = write!(self.buf, "{i}");
                }
                V::B(b) => self.buf.push_str(if b { "true" } else { "false" }),
            }
            if quote {
                self.buf.push('"');
            }
        }
        self.buf.push_str(if csv { "\n" } else { "}\n" });
    }
}

struct Queue {
    id: Guid,
    app: usize,
    name: &'static str,
    /// (day index from which the new name applies, new name)
    rename: Option<(u32, String)>,
    weight: f64,
}

struct User {
    id: Guid,
    name: String,
    old_name: Option<String>,
    group: usize,
}

const APPS: &[&str] = &[
    "Contact Center",
    "Sales",
    "Support",
    "Billing",
    "Outbound",
    "Back Office",
];
const QUEUE_NAMES: &[&str] = &[
    "Sales FI",
    "Sales SE",
    "Sales DE",
    "Sales EN",
    "Myynti",
    "Försäljning",
    "Verkauf",
    "Tuki",
    "Support EN",
    "Kundtjänst",
    "Kundendienst",
    "Laskutus",
    "Billing",
    "Fakturering",
    "Vaihde",
    "Switchboard",
    "Ångström Care",
    "Äpple Orders",
    "Öppen linje",
    "Zürich Desk",
    "Sales Chat",
    "Tuki Chat",
    "Email Sales",
    "Email Support",
    "VIP",
    "Premium",
    "Returns",
    "Palautukset",
    "Tekninen tuki",
    "Technical",
    "Callback",
    "Takaisinsoitto",
    "Outbound A",
    "Outbound B",
    "Kampanja",
    "Retention",
    "Onboarding",
    "Claims",
    "Vahingot",
    "Sales Nordic",
];
const FIRST: &[&str] = &[
    "Anna", "Åke", "Eva", "Jürgen", "Łukasz", "Ayşe", "Seán", "Zoë", "Mikko", "Päivi", "Jörg", "Søren", "Ólafur",
    "Chloé", "José", "Ängel", "Björn", "Sári", "Noël", "Renée", "Matti", "Ilse", "Kaisa", "Ümit",
];
const LAST: &[&str] = &[
    "Äijälä",
    "Öberg",
    "Müller",
    "Nowak",
    "Çelik",
    "O'Brien",
    "Åberg",
    "Virtanen",
    "Korhonen",
    "Lindström",
    "Groß",
    "Jensen",
    "Sigurðsson",
    "Dubois",
    "García",
    "Ångström",
    "Nieminen",
    "Mäkelä",
    "Holmström",
    "Wolf",
    "Fox",
    "Zimmermann",
    "Kärkkäinen",
    "Ødegaard",
    "Aalto",
    "Andersson",
    "Ahonen",
    "Alanko",
];
const PROFILES: &[(&str, &str, &str)] = &[
    ("Available", "NONE", "Presence"),
    ("Lunch", "Lunch break", "Absence"),
    ("Meeting", "MEETING", "Conference"),
    ("Coffee", "Break", "Absence"),
    ("Training", "Training", "Absence"),
    ("Back office", "Back office", "Presence"),
];
const CAMPAIGNS: &[&str] = &["Winter sale", "Kevätkampanja", "Återvinning", "Retention Q1", "Upsell"];
const GROUPS: &[&str] = &["Sales", "Support", "Överflöd", "Billing", "Nordic", "Team Zürich"];
const LOCATIONS: &[&str] = &["Helsinki", "Espoo", "Stockholm", "Berlin", "Tampere", "Zürich"];

/// Relative weight of a weekday (0 = Monday).
fn weekday_weight(day_number: i64) -> f64 {
    match (day_number + 3).rem_euclid(7) {
        0 => 1.15,
        1..=3 => 1.0,
        4 => 0.9,
        5 => 0.35,
        _ => 0.25,
    }
}

/// A time of day in ms (UTC), peaked around 08:00 and 12:00 UTC (10 and 14 Helsinki).
fn time_of_day(r: &mut Rng) -> i64 {
    let h = if r.chance(0.08) {
        r.unit() * 24.0
    } else {
        let centre = if r.chance(0.55) { 8.0 } else { 12.0 };
        // Sum of uniforms ≈ normal, σ ≈ 2 h.
        let n = (0..4).map(|_| r.unit()).sum::<f64>() - 2.0;
        (centre + n * 3.4).rem_euclid(24.0)
    };
    (h * 3_600_000.0) as i64
}

struct World {
    queues: Vec<Queue>,
    apps: Vec<Guid>,
    users: Vec<User>,
    profiles: Vec<Guid>,
    campaigns: Vec<Guid>,
    groups: Vec<Guid>,
    day_cdf: Vec<f64>,
    queue_cdf: Vec<f64>,
}

fn cdf(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let v: Vec<f64> = weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    v.iter().map(|x| x / acc.max(f64::MIN_POSITIVE)).collect()
}

fn sample(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c < u).min(cdf.len().saturating_sub(1))
}

fn world(opts: &GenOptions) -> World {
    let mut r = Rng::new(opts.seed, 1);
    let apps: Vec<Guid> = APPS.iter().map(|_| r.guid()).collect();
    let queues: Vec<Queue> = QUEUE_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| Queue {
            id: r.guid(),
            app: i % APPS.len(),
            name,
            rename: (i % 9 == 4).then(|| (opts.days / 2, format!("{name} (new)"))),
            weight: 1.0 / (1.0 + i as f64 * 0.15),
        })
        .collect();
    let groups: Vec<Guid> = GROUPS.iter().map(|_| r.guid()).collect();
    let users: Vec<User> = (0..400)
        .map(|i| {
            let name = format!(
                "{}, {}",
                LAST[i % LAST.len()],
                FIRST[(i / LAST.len() + i) % FIRST.len()]
            );
            let old_name = (i % 37 == 5).then(|| format!("{}, {}", LAST[(i + 3) % LAST.len()], FIRST[i % FIRST.len()]));
            User {
                id: r.guid(),
                name,
                old_name,
                group: i % GROUPS.len(),
            }
        })
        .collect();
    let profiles = PROFILES.iter().map(|_| r.guid()).collect();
    let campaigns = CAMPAIGNS.iter().map(|_| r.guid()).collect();
    let day0 = opts.start.div_euclid(DAY_MS);
    let day_cdf = cdf((0..opts.days as i64).map(|d| weekday_weight(day0 + d)));
    let queue_cdf = cdf(queues.iter().map(|q| q.weight));
    World {
        queues,
        apps,
        users,
        profiles,
        campaigns,
        groups,
        day_cdf,
        queue_cdf,
    }
}

const TYPES: &[(&str, &str, f64)] = &[
    ("Phone", "CallIn", 0.50),
    ("Phone", "CallOut", 0.10),
    ("Chat", "ChatIn", 0.22),
    ("Chat", "ChatOut", 0.03),
    ("Email", "EmailIn", 0.13),
    ("Email", "EmailOut", 0.02),
];

fn contact_rows(w: &World, opts: &GenOptions, now: Millis, from: u64, to: u64, out: &mut Out) {
    let type_cdf = cdf(TYPES.iter().map(|t| t.2));
    let n_agents = 200;
    for i in from..to {
        let mut r = Rng::new(opts.seed, 1_000_000 + i);
        let day = sample(&w.day_cdf, r.unit()) as i64;
        let mut arrival = opts.start + day * DAY_MS + time_of_day(&mut r);
        // About 0.2% are live: arrived in the last half hour before now.
        let mut active = r.chance(0.002);
        if active {
            arrival = now - r.below(30 * 60_000) as i64;
        } else if arrival > now {
            // Nothing arrives after "now": move it back by whole days.
            arrival -= ((arrival - now) / DAY_MS + 1) * DAY_MS;
        }
        let (channel, ty, _) = TYPES[sample(&type_cdf, r.unit())];
        let direct = r.chance(0.07);
        let q = &w.queues[sample(&w.queue_cdf, r.unit())];
        let day_index = ((arrival - opts.start).div_euclid(DAY_MS)).max(0) as u32;
        let qname: &str = match &q.rename {
            Some((d, new)) if day_index >= *d => new,
            _ => q.name,
        };
        let internal = r.chance(0.03);
        let cc = !r.chance(0.04);
        let handled = r.chance(0.86);
        let waiting = r.exp(if ty.starts_with("Email") { 600_000.0 } else { 35_000.0 });
        let queuing = (waiting as f64 * (0.5 + 0.5 * r.unit())) as i64;
        let user = &w.users[r.below(n_agents) as usize];
        let uname: &str = match &user.old_name {
            Some(old) if day_index < opts.days / 3 => old,
            _ => &user.name,
        };
        let handling = if handled { r.exp(280_000.0) + 5_000 } else { 0 };
        let afterwork = if handled { r.exp(45_000.0) } else { 0 };
        let hold = if handled && r.chance(0.2) { r.exp(30_000.0) } else { 0 };
        let queue_arrival = (!direct).then(|| arrival + (waiting - queuing));
        let mut connect = handled.then(|| arrival + waiting);
        let mut disconnect = Some(if handled {
            arrival + waiting + handling
        } else {
            arrival + waiting
        });
        // A segment still going on at "now" is active.
        active |= disconnect.is_some_and(|d| d > now);
        if active {
            // Live: still queuing (no connect) or in process (connected).
            disconnect = None;
            if r.chance(0.5) {
                connect = None;
            } else {
                connect = Some((arrival + waiting).min(now));
            }
        }
        let change = disconnect.map_or(arrival + 1_000, |d| d + afterwork);
        let abandoned = !handled && r.chance(0.7);
        let flags = [
            !handled && !abandoned && r.chance(0.3),
            abandoned,
            !handled && !abandoned && r.chance(0.2),
            handled && waiting < 20_000,
            r.chance(0.04),
            r.chance(0.02),
            handled && r.chance(0.06),
            r.chance(0.05),
        ];
        let has_user = connect.is_some();
        let mut v: Vec<V<'_>> = vec![
            V::G(r.guid()),
            V::S(channel),
            V::S(ty),
            if direct { V::No } else { V::G(w.apps[q.app]) },
            if direct { V::No } else { V::S(APPS[q.app]) },
            if direct { V::No } else { V::G(q.id) },
            if direct { V::No } else { V::S(qname) },
            if has_user { V::G(user.id) } else { V::No },
            if has_user { V::S(uname) } else { V::No },
            V::B(internal),
            V::B(cc),
            V::T(arrival),
            queue_arrival.map_or(V::No, V::T),
            connect.map_or(V::No, V::T),
            disconnect.map_or(V::No, V::T),
        ];
        v.extend(flags.iter().map(|&b| V::B(b)));
        let user_handling = if handled {
            (handling as f64 * (0.6 + 0.4 * r.unit())) as i64
        } else {
            0
        };
        v.extend([waiting, queuing, handling, user_handling, afterwork, hold].map(V::I));
        v.push(V::T(change));
        out.row(&v);
    }
}

/// One generated table: its rows in the chosen format, in parts.
pub struct Generated {
    /// The table.
    pub table: Table,
    /// The file body in parts (header first for CSV).
    pub parts: Vec<String>,
}

impl Generated {
    /// The whole body as bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.parts.iter().map(String::len).sum());
        for p in &self.parts {
            v.extend_from_slice(p.as_bytes());
        }
        v
    }

    /// The body's JSON lines (or CSV records without quoted line ends)
    /// cut into about `parts` batches, in order.
    pub fn batches(&self, parts: usize) -> Vec<Vec<u8>> {
        let body = self.bytes();
        let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
        lines
            .chunks(lines.len().div_ceil(parts).max(1))
            .map(|chunk| chunk.join(&b'\n'))
            .collect()
    }
}

fn write_file(dir: &Path, format: Format, g: &Generated) -> std::io::Result<usize> {
    let path = dir.join(format!("{}.{}", g.table.name(), format.extension()));
    let mut f = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut n = 0;
    for p in &g.parts {
        f.write_all(p.as_bytes())?;
        n += p.len();
    }
    f.flush()?;
    Ok(n)
}

/// Generates the data set into `dir` (created); returns a one-line summary.
pub fn generate(dir: &Path, opts: &GenOptions) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    for t in Table::ALL {
        for f in [Format::JsonLines, Format::Json, Format::Csv] {
            let _ = std::fs::remove_file(dir.join(format!("{}.{}", t.name(), f.extension())));
        }
    }
    let mut contact_bytes = 0;
    for g in generate_tables(opts) {
        let n = write_file(dir, opts.format, &g)?;
        if g.table == Table::Contacts {
            contact_bytes = n;
        }
    }
    Ok(format!(
        "rai gen: {} contact segments ({} MB), {} days from {} into {}",
        opts.contacts,
        contact_bytes / 1_000_000,
        opts.days,
        rai_core::timestamp_string(opts.start),
        dir.display()
    ))
}

/// Generates every table in memory, in SPEC §2's table order.
pub fn generate_tables(opts: &GenOptions) -> Vec<Generated> {
    let mut tables = Vec::new();
    let fmt = opts.format;
    let w = world(opts);
    let now = opts.now.unwrap_or_else(|| chrono::Utc::now().timestamp_millis());

    // contacts, in parallel chunks
    const CHUNK: u64 = 100_000;
    let chunks: Vec<(u64, u64)> = (0..opts.contacts.div_ceil(CHUNK))
        .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(opts.contacts)))
        .collect();
    let mut parts: Vec<String> = chunks
        .par_iter()
        .map(|&(a, b)| {
            let mut out = Out::new(Table::Contacts, fmt);
            contact_rows(&w, opts, now, a, b, &mut out);
            out.buf
        })
        .collect();
    let mut head = Out::new(Table::Contacts, fmt);
    head.header();
    parts.insert(0, head.buf);
    tables.push(Generated {
        table: Table::Contacts,
        parts,
    });

    // agentIntervals: ~200 agents × ~32 quarter hours per working day
    let days: Vec<u32> = (0..opts.days).collect();
    let day0 = opts.start.div_euclid(DAY_MS);
    let mut parts: Vec<String> = days
        .par_iter()
        .map(|&d| {
            let mut out = Out::new(Table::AgentIntervals, fmt);
            let mut r = Rng::new(opts.seed, 2_000_000 + d as u64);
            let weight = weekday_weight(day0 + d as i64);
            for (ui, user) in w.users.iter().take(200).enumerate() {
                if r.unit() > weight.min(1.0) * 0.95 {
                    continue;
                }
                let first_q = 20 + r.below(12) as i64 + (ui as i64 % 4); // 05:00–08:45 UTC
                let uname: &str = match &user.old_name {
                    Some(old) if d < opts.days / 3 => old,
                    _ => &user.name,
                };
                for qh in 0..32 {
                    let start = opts.start + d as i64 * DAY_MS + (first_q + qh) * QUARTER_HOUR_MS;
                    if start > now {
                        break;
                    }
                    let p = if r.chance(0.8) {
                        0
                    } else {
                        1 + r.below(PROFILES.len() as u64 - 1) as usize
                    };
                    let campaign = (ui % 5 == 0).then(|| r.below(CAMPAIGNS.len() as u64) as usize);
                    let q = QUARTER_HOUR_MS;
                    let ready = if p == 0 { q - r.below(q as u64 / 3) as i64 } else { 0 };
                    let not_ready = q - ready - if p == 0 { 0 } else { r.below(60_000) as i64 };
                    let pause = q - ready - not_ready;
                    let handling = if p == 0 {
                        (ready as f64 * r.unit() * 0.8) as i64
                    } else {
                        0
                    };
                    let after = (handling as f64 * 0.15) as i64;
                    let free = ready - handling - after;
                    let n_in = if handling > 0 { 1 + r.below(3) as i64 } else { 0 };
                    let mut v: Vec<V<'_>> = vec![
                        V::T(start),
                        V::G(user.id),
                        V::S(uname),
                        V::G(w.profiles[p]),
                        V::S(PROFILES[p].0),
                        V::S(PROFILES[p].1),
                        campaign.map_or(V::No, |c| V::G(w.campaigns[c])),
                        campaign.map_or(V::No, |c| V::S(CAMPAIGNS[c])),
                    ];
                    // readyDuration … previewDuration
                    v.extend(
                        [
                            ready,
                            not_ready,
                            pause,
                            free.max(0),
                            r.below(20_000) as i64,
                            handling,
                            after,
                            0,
                            0,
                        ]
                        .map(V::I),
                    );
                    // the eight counts
                    v.extend(
                        [
                            n_in,
                            r.below(2) as i64,
                            r.below(2) as i64,
                            0,
                            r.below(2) as i64,
                            0,
                            r.below(2) as i64,
                            0,
                        ]
                        .map(V::I),
                    );
                    // the eleven channel durations
                    v.extend(
                        [
                            handling / 2,
                            after / 2,
                            handling / 8,
                            handling / 6,
                            after / 4,
                            handling / 12,
                            handling / 10,
                            0,
                            after / 8,
                            handling / 10,
                            after / 8,
                        ]
                        .map(V::I),
                    );
                    v.push(V::T(start + q + r.below(60_000) as i64));
                    out.row(&v);
                }
            }
            out.buf
        })
        .collect();
    let mut head = Out::new(Table::AgentIntervals, fmt);
    head.header();
    parts.insert(0, head.buf);
    tables.push(Generated {
        table: Table::AgentIntervals,
        parts,
    });

    // agentStates: one per user, near now; agents on shift are logged in.
    let mut r = Rng::new(opts.seed, 3);
    let mut out = Out::new(Table::AgentStates, fmt);
    out.header();
    const STATUSES: &[&str] = &["Ready", "NotReady", "Pause"];
    const HANDLING: &[&str] = &[
        "Talking_Inbound",
        "Talking_Outbound",
        "Chatting_Inbound",
        "Emailing_Inbound",
        "Waiting",
    ];
    for (ui, user) in w.users.iter().enumerate() {
        let logged_in = ui < 200 && r.chance(0.6);
        let changed = now - r.below(3_600_000) as i64;
        let mut v: Vec<V<'_>> = vec![V::G(user.id)];
        if logged_in {
            let p = if r.chance(0.7) {
                0
            } else {
                r.below(PROFILES.len() as u64) as usize
            };
            let status = *r.pick(STATUSES);
            let h = *r.pick(HANDLING);
            let (phone, chat, email) = match h {
                "Talking_Inbound" => (1, 0, 0),
                "Chatting_Inbound" => (0, 1 + r.below(2) as i64, 0),
                "Emailing_Inbound" => (0, 0, 1),
                _ => (0, 0, 0),
            };
            let since = |r: &mut Rng| changed - r.below(1_800_000) as i64;
            v.extend([
                V::G(w.profiles[p]),
                V::S(PROFILES[p].0),
                V::S(PROFILES[p].1),
                V::S(PROFILES[p].2),
                V::T(since(&mut r)),
                V::S(status),
                V::T(since(&mut r)),
                V::S(if h == "Waiting" { "Free" } else { "Busy" }),
                V::S(h),
                V::T(since(&mut r)),
            ]);
            let counts = [phone, 0, chat, 0, email, 0];
            v.extend(counts.map(V::I));
            for c in counts {
                v.push(if c > 0 { V::T(since(&mut r)) } else { V::No });
            }
        } else {
            v.extend([
                V::No,
                V::No,
                V::No,
                V::No,
                V::No,
                V::S("LoggedOut"),
                V::T(changed),
                V::S("LoggedOut"),
            ]);
            v.extend(std::iter::repeat_n(V::No, 14));
        }
        v.push(V::T(changed));
        out.row(&v);
    }
    tables.push(Generated {
        table: Table::AgentStates,
        parts: vec![out.buf],
    });

    // agentStatusEvents: a session per logged-in agent over the last three days.
    let mut out = Out::new(Table::AgentStatusEvents, fmt);
    out.header();
    let mut r = Rng::new(opts.seed, 4);
    const EVENT_STATUSES: &[&str] = &[
        "Waiting",
        "Talking_Inbound",
        "Wrap",
        "Waiting",
        "Chatting_Inbound",
        "Emailing_Inbound",
    ];
    for d in (opts.days.saturating_sub(3))..opts.days {
        for user in w.users.iter().take(120) {
            let session = r.guid();
            let sign_on = opts.start + d as i64 * DAY_MS + 6 * 3_600_000 + r.below(3 * 3_600_000) as i64;
            if sign_on > now {
                continue;
            }
            let mut t = sign_on;
            for k in 0..12 {
                t += r.exp(600_000.0) + 1_000;
                if t > now {
                    break;
                }
                let mut v: Vec<V<'_>> = vec![V::G(session), V::G(user.id), V::T(sign_on)];
                if k % 4 == 0 {
                    let p = r.below(PROFILES.len() as u64) as usize;
                    v.extend([V::S(PROFILES[p].0), V::S(PROFILES[p].1), V::S(PROFILES[p].2)]);
                    v.extend([V::S(r.pick::<&str>(STATUSES)), V::T(t - 300), V::No, V::No, V::No]);
                } else {
                    v.extend([V::No, V::No, V::No, V::No, V::No]);
                    v.extend([V::S(r.pick::<&str>(EVENT_STATUSES)), V::T(t - 200), V::No]);
                }
                v.push(V::T(t));
                out.row(&v);
            }
            // The session ends with a log-out (if it has by now).
            t += r.exp(1_800_000.0) + 1_000;
            if t <= now {
                let mut v: Vec<V<'_>> = vec![V::G(session), V::G(user.id), V::T(sign_on), V::No, V::No, V::No];
                v.extend([
                    V::S("LoggedOut"),
                    V::T(t - 300),
                    V::S("LoggedOut"),
                    V::T(t - 200),
                    V::No,
                    V::T(t),
                ]);
                out.row(&v);
            }
        }
    }
    tables.push(Generated {
        table: Table::AgentStatusEvents,
        parts: vec![out.buf],
    });

    // users: the directory, current names.
    let mut out = Out::new(Table::Users, fmt);
    out.header();
    let mut r = Rng::new(opts.seed, 5);
    for (i, u) in w.users.iter().enumerate() {
        let number = format!("{}", 2000 + i);
        let mobile = format!("+35840{:07}", r.below(10_000_000));
        let email = format!("agent{i}@example.com");
        let v = [
            V::G(u.id),
            V::S(&u.name),
            V::G(w.groups[u.group]),
            V::S(GROUPS[u.group]),
            V::S(&number),
            V::S(&mobile),
            if i % 10 == 0 { V::S(&mobile) } else { V::No },
            V::S(&email),
            V::S(&u.name),
            V::S(&email),
            V::I(1 + (i % 3) as i64),
            V::S(LOCATIONS[i % LOCATIONS.len()]),
            V::T(now - DAY_MS),
        ];
        out.row(&v);
    }
    tables.push(Generated {
        table: Table::Users,
        parts: vec![out.buf],
    });

    // translations
    let mut out = Out::new(Table::Translations, fmt);
    out.header();
    let tr: &[(&str, &str, &str, &str)] = &[
        ("fi", "queueName", "Sales FI", "Myynti FI"),
        ("sv", "queueName", "Sales FI", "Försäljning FI"),
        ("fi", "applicationName", "Contact Center", "Asiakaspalvelu"),
        ("fi", "profileName", "Available", "Vapaa"),
        ("sv", "profileName", "Available", "Ledig"),
        ("de", "profileName", "Available", "Verfügbar"),
        ("fi", "profileReason", "Lunch break", "Lounastauko"),
        ("fi", "campaignName", "Winter sale", "Talvialennus"),
        ("fi", "reportingGroupName", "Sales", "Myynti"),
    ];
    for (l, f, v, t) in tr {
        out.row(&[V::S(l), V::S(f), V::S(v), V::S(t)]);
    }
    tables.push(Generated {
        table: Table::Translations,
        parts: vec![out.buf],
    });

    tables
}
