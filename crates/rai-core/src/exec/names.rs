//! The names a query shows: §2.7 current names, translated (§2.6) into the
//! plan's language where a translation exists.

use crate::schema::NameKind;
use crate::store::Snapshot;

/// Resolved display text (current name, translated) per id code.
pub(crate) struct NameView<'s> {
    snap: &'s Snapshot,
    language: Option<&'s str>,
}

impl<'s> NameView<'s> {
    pub(crate) fn new(snap: &'s Snapshot, language: Option<&'s str>) -> Self {
        NameView { snap, language }
    }

    /// The shown name of `code` as `kind`.
    pub(crate) fn get(&self, kind: NameKind, code: u32) -> Option<&'s str> {
        let name = self.snap.names.get(kind, code)?;
        Some(self.translate(kind, name))
    }

    /// `text` translated as `kind` when the language has a translation.
    pub(crate) fn translate(&self, kind: NameKind, text: &'s str) -> &'s str {
        if let (Some(lang), Some(field)) = (self.language, kind.translation_field()) {
            if let Some(t) = self.snap.translations.get(lang, field, text) {
                return t;
            }
        }
        text
    }
}
