//! The texts lean events name by number (targets, actors, and the report's context
//! fields), each kept once.

use std::collections::HashMap;

use crate::model::Text;

/// Texts kept once and named by number.
#[derive(Debug, Clone, Default)]
pub(super) struct Labels {
    texts: Vec<Text>,
    ids: HashMap<Text, u32>,
}

impl Labels {
    pub(super) fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        let t = Text::from(s);
        self.texts.push(t.clone());
        self.ids.insert(t, id);
        id
    }
    pub(super) fn get(&self, id: u32) -> &Text {
        &self.texts[id as usize]
    }
}
