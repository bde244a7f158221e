//! Contact segments, stored column by column in arrivalTime order.

use super::column::Numbers;
use super::fact::{fact_table, Fact};
use crate::model::{Guid, Millis};
use crate::schema::derived::cd;
use crate::schema::ids::c;
use crate::schema::{ColumnId, ContactCol as C, ContactDerived as D, Table};
use std::sync::LazyLock;

/// The flag word's layout: bit i holds the boolean column i.
pub(crate) const FLAG_COLUMNS: [ColumnId; 16] = [
    c(C::FalseAttempt),
    c(C::Abandoned),
    c(C::ServiceClosed),
    c(C::AnsweredOnTime),
    c(C::Overflowed),
    c(C::Diverted),
    c(C::AgentTransferred),
    c(C::TransferredIn),
    cd(D::Handled),
    cd(D::NotHandled),
    cd(D::Completed),
    cd(D::Queuing),
    cd(D::InProcess),
    cd(D::Internal),
    cd(D::ContactCenter),
    cd(D::Direct),
];

/// The number columns stored in [`Contacts::numbers`]: the table's durations, in table order.
static NUMBER_COLUMNS: LazyLock<Vec<ColumnId>> = LazyLock::new(|| {
    C::ALL
        .iter()
        .filter(|col| col.kind().is_number())
        .map(|&col| c(col))
        .collect()
});

fact_table! {
    /// Contact segments, column by column.
    Contacts |r| {
        /// contactId (required; its presence is checked before the row is pushed).
        contact_id: Vec<Guid> = r.guid(c(C::ContactId)).unwrap_or_default();
        /// The contact type's index in `TYPES`, its channel following from it
        /// (required; checked before the row is pushed).
        ctype: Vec<u8> = r.enum_index(c(C::Type)).unwrap_or_default();
        app: Vec<u32> = r.code(c(C::ApplicationId));
        queue: Vec<u32> = r.code(c(C::QueueId));
        user: Vec<u32> = r.code(c(C::UserId));
        /// The boolean columns of [`FLAG_COLUMNS`], one bit each.
        flags: Vec<u32> = r.flags(&FLAG_COLUMNS);
        arrival: Vec<Millis> = r.time(c(C::ArrivalTime));
        queue_arrival: Vec<Millis> = r.time(c(C::QueueArrivalTime));
        connect: Vec<Millis> = r.time(c(C::ConnectTime));
        stat_key: Vec<Millis> = r.time(cd(D::StatisticTime));
        change: Vec<Millis> = r.time(c(C::ChangeTimestamp));
        /// The durations of [`NUMBER_COLUMNS`].
        numbers: Numbers = r.numbers(&NUMBER_COLUMNS);
    }
}

impl Fact for Contacts {
    const TABLE: Table = Table::Contacts;
    const CODE_COLUMNS: [ColumnId; 3] = [c(C::ApplicationId), c(C::QueueId), c(C::UserId)];
    const BLOCK_KEYS: [ColumnId; 2] = [c(C::ArrivalTime), cd(D::StatisticTime)];
    const TYPE_COLUMNS: Option<(ColumnId, ColumnId)> = Some((c(C::Channel), c(C::Type)));
    const HAS_FLAGS: bool = true;
    const ROW_ID: Option<ColumnId> = Some(c(C::ContactId));

    fn of(data: &super::BatchData) -> Option<&Self> {
        match data {
            super::BatchData::Contacts(c) => Some(c),
            _ => None,
        }
    }
    fn len(&self) -> usize {
        self.arrival.len()
    }
    fn codes_mut(&mut self, slot: usize) -> &mut Vec<u32> {
        match slot {
            0 => &mut self.app,
            1 => &mut self.queue,
            _ => &mut self.user,
        }
    }
    fn codes(&self, slot: usize) -> &[u32] {
        match slot {
            0 => &self.app,
            1 => &self.queue,
            _ => &self.user,
        }
    }
    fn time(&self, col: ColumnId) -> Option<&[Millis]> {
        Some(match col {
            ColumnId::Contacts(C::ArrivalTime) => &self.arrival,
            ColumnId::Contacts(C::QueueArrivalTime) => &self.queue_arrival,
            ColumnId::Contacts(C::ConnectTime) => &self.connect,
            ColumnId::Contacts(C::ChangeTimestamp) => &self.change,
            ColumnId::ContactsDerived(D::StatisticTime) => &self.stat_key,
            _ => return None,
        })
    }
    fn number_columns() -> &'static [ColumnId] {
        &NUMBER_COLUMNS
    }
    fn numbers(&self) -> &Numbers {
        &self.numbers
    }
    fn numbers_mut(&mut self) -> &mut Numbers {
        &mut self.numbers
    }
    fn types(&self) -> Option<&[u8]> {
        Some(&self.ctype)
    }
    fn flags(&self) -> Option<&[u32]> {
        Some(&self.flags)
    }
    fn flag_bit(col: ColumnId) -> Option<u32> {
        FLAG_COLUMNS.iter().position(|&f| f == col).map(|i| 1 << i)
    }
    fn row_ids(&self) -> Option<&[Guid]> {
        Some(&self.contact_id)
    }
}
