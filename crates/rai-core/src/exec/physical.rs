//! The plan of an aggregating query: everything evaluated once per query
//! (masks per dictionary code, the type mask, the flag-word test, the bucketer),
//! not once per row.

use super::{dim_slot, id_param_dim, NameView};
use crate::model::Bucketer;
use crate::model::Pattern;
use crate::model::{guid_hex, Millis};
use crate::plan::Query;
use crate::schema::{Agg, Field, Flag, Src, TimeKey};
use crate::schema::{CHANNELS, TYPES, TYPE_CHANNEL};
use crate::store::{bit, Snapshot, NONE};

/// The plan: everything evaluated once per query, not per row.
pub(super) struct Plan<'q> {
    pub(super) lo: Millis,
    pub(super) hi: Millis,
    /// The range within the data's extent (where rows can be).
    pub(super) extent: (Millis, Millis),
    pub(super) types: [bool; 6],
    pub(super) masks: [Option<Vec<bool>>; 3],
    pub(super) must_mask: u32,
    pub(super) must_val: u32,
    pub(super) contact_id: Vec<&'q [Pattern]>,
    /// Which group-key parts are on.
    pub(super) type_mode: u8, // 0 none, 1 channel, 2 type, 3 both
    pub(super) dims_on: [bool; 3],
    pub(super) details: bool,
    pub(super) bucketer: Bucketer,
    pub(super) time_key: TimeKey,
    /// (field index, agg) of every shown metric.
    pub(super) metrics: Vec<(usize, Agg)>,
    pub(super) now: Millis,
}

pub(super) fn plan<'q>(snap: &Snapshot, q: &'q Query, names: &NameView<'_>, now: Millis, contacts: bool) -> Plan<'q> {
    let fields: &[Field] = &q.decl.fields;
    let n_codes = snap.ids.len();
    let mut masks: [Option<Vec<bool>>; 3] = [None, None, None];
    let mut and_mask = |slot: usize, f: &dyn Fn(u32) -> bool| {
        let m = masks[slot].get_or_insert_with(|| {
            let mut v = vec![true; n_codes];
            v[NONE as usize] = false;
            v
        });
        for (code, ok) in m.iter_mut().enumerate() {
            if *ok && !f(code as u32) {
                *ok = false;
            }
        }
    };
    for (p, list) in &q.ids {
        if let Some(dim) = id_param_dim(*p) {
            let codes: Vec<u32> = list.iter().filter_map(|g| snap.ids.get(*g)).collect();
            and_mask(dim_slot(contacts, dim), &|c| codes.contains(&c));
        }
    }
    let mut types = q.types.unwrap_or([true; 6]);
    let mut contact_id = Vec::new();
    for (fi, pats) in &q.filters {
        let any = |s: &str| pats.iter().any(|p| p.matches(s));
        match fields[*fi].src {
            Src::Id(dim) => and_mask(dim_slot(contacts, dim), &|c| {
                c != NONE && any(std::str::from_utf8(&guid_hex(snap.ids.guid(c))).unwrap_or(""))
            }),
            Src::Name(dim, kind) => and_mask(dim_slot(contacts, dim), &|c| names.get(kind, c).is_some_and(any)),
            Src::Channel => {
                for (t, ok) in types.iter_mut().enumerate() {
                    *ok &= any(CHANNELS[TYPE_CHANNEL[t] as usize]);
                }
            }
            Src::Type => {
                for (t, ok) in types.iter_mut().enumerate() {
                    *ok &= any(TYPES[t]);
                }
            }
            Src::ContactId => contact_id.push(pats.as_slice()),
            _ => {}
        }
    }
    let (mut must_mask, mut must_val) = (0u32, 0u32);
    if contacts {
        let mut tri = |v: u8, b: u32| match v {
            0 => must_mask |= b,
            2 => {
                must_mask |= b;
                must_val |= b;
            }
            _ => {}
        };
        tri(q.direct, bit::DIRECT);
        if q.decl.params.contains(&crate::schema::Param::InternalContacts) {
            tri(q.internal, bit::INTERNAL);
        }
        if q.flag(Flag::OnlyContactCenter) {
            must_mask |= bit::CONTACT_CENTER;
            must_val |= bit::CONTACT_CENTER;
        }
    }
    let shown = |src: Src| fields.iter().enumerate().any(|(i, f)| f.src == src && q.shows(i));
    let type_mode = match (shown(Src::Channel), shown(Src::Type)) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    };
    let mut dims_on = [false; 3];
    for (i, f) in fields.iter().enumerate() {
        if let Src::Id(dim) = f.src {
            if q.shows(i) {
                dims_on[dim_slot(contacts, dim)] = true;
            }
        }
    }
    let metrics = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f.src {
            Src::Metric(a) if q.shows(i) => Some((i, a)),
            _ => None,
        })
        .collect();
    let lo = q.start;
    let hi = q.end.unwrap_or(Millis::MAX);
    // Bucket cache over the data's actual extent within the range.
    let (mut dmin, mut dmax) = (Millis::MAX, Millis::MIN);
    let bi = if q.decl.time_key == TimeKey::DisconnectOrArrival {
        2
    } else {
        0
    };
    for b in &snap.batches {
        let blocks = match &b.data {
            crate::store::BatchData::Contacts(c) if contacts => &c.blocks,
            crate::store::BatchData::Intervals(c) if !contacts => &c.blocks,
            _ => continue,
        };
        for bl in blocks {
            dmin = dmin.min(bl[bi]);
            dmax = dmax.max(bl[bi + 1]);
        }
    }
    let extent = (lo.max(dmin), hi.min(dmax.saturating_add(1)));
    let bucketer = Bucketer::with_range(q.category, q.zone, extent.0, extent.1);
    Plan {
        lo,
        hi,
        extent,
        types,
        masks,
        must_mask,
        must_val,
        contact_id,
        type_mode,
        dims_on,
        details: q.flag(Flag::Details),
        bucketer,
        time_key: q.decl.time_key,
        metrics,
        now,
    }
}

impl Plan<'_> {
    /// Whether a row's dimension codes pass every id mask.
    #[inline]
    pub(super) fn ids_pass(&self, d: &[u32; 3]) -> bool {
        !self.masks.iter().zip(d).any(|(m, &code)| {
            m.as_ref()
                .is_some_and(|m| !m.get(code as usize).copied().unwrap_or(false))
        })
    }

    /// The group-key parts of a row's dimension codes (0 for dimensions not shown).
    #[inline]
    pub(super) fn key_dims(&self, d: [u32; 3]) -> [u32; 3] {
        [0, 1, 2].map(|i| if self.dims_on[i] { d[i] } else { 0 })
    }
}
