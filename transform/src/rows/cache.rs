//! Categorising each distinct text once, or nearly: outcome statements, planned-support
//! descriptions (with their service type's default) and service descriptions repeat across
//! plans and versions, so answers are remembered — in a bounded memory ([`Remembered`]): a
//! million plans hold millions of distinct texts, most seen once.

use std::collections::HashMap;
use std::sync::Arc;

use stf_schemas::codes::{Category, ServiceType};

use crate::categorise::Categoriser;

/// The categories of one outcome statement, each with the terms that matched it.
#[derive(Debug)]
pub struct OutcomeCategories {
    pub rows: Vec<(Category, Vec<String>)>,
}

/// Remembers the categoriser's answers for this run.
#[derive(Debug)]
pub struct Cache<'a> {
    categoriser: &'a Categoriser,
    outcomes: Remembered<Arc<OutcomeCategories>>,
    items: HashMap<ServiceType, Remembered<Category>>,
    services: Remembered<Arc<[Category]>>,
    hits: u64,
    misses: u64,
}

impl<'a> Cache<'a> {
    pub fn new(categoriser: &'a Categoriser) -> Self {
        Self {
            categoriser,
            outcomes: Remembered::default(),
            items: HashMap::new(),
            services: Remembered::default(),
            hits: 0,
            misses: 0,
        }
    }

    /// The taxonomy version every categorised row records.
    pub fn taxonomy_version(&self) -> &str {
        self.categoriser.version()
    }

    /// An outcome statement's categories (`unclassified` with no terms when none applies).
    pub fn outcome(&mut self, text: &str) -> Arc<OutcomeCategories> {
        if let Some(found) = self.outcomes.get(text) {
            self.hits += 1;
            return found;
        }
        self.misses += 1;
        let result = self.categoriser.categorise(text);
        let rows = result
            .categories
            .iter()
            .map(|&c| {
                let terms = result.terms_for(c).into_iter().map(str::to_owned).collect();
                (c, terms)
            })
            .collect();
        let answer = Arc::new(OutcomeCategories { rows });
        self.outcomes.insert(text.to_owned(), answer.clone());
        answer
    }

    /// A planned-support item's first category: from its description, else its service
    /// type's default (taxonomy.md). An unreadable service type gives no default.
    pub fn item(&mut self, description: &str, service_type: &str) -> Category {
        let service_type = service_type.parse().unwrap_or(ServiceType::Other);
        let known = self.items.entry(service_type).or_default();
        if let Some(found) = known.get(description) {
            self.hits += 1;
            return found;
        }
        self.misses += 1;
        let first = self
            .categoriser
            .categorise_planned(description, service_type)
            .categories
            .first()
            .copied()
            .unwrap_or(Category::Unclassified);
        known.insert(description.to_owned(), first);
        first
    }

    /// A service description's categories (`unclassified` when none applies).
    pub fn service(&mut self, description: &str) -> Arc<[Category]> {
        if let Some(found) = self.services.get(description) {
            self.hits += 1;
            return found;
        }
        self.misses += 1;
        let categories: Arc<[Category]> =
            self.categoriser.categorise(description).categories.into();
        self.services
            .insert(description.to_owned(), categories.clone());
        categories
    }

    /// (answers reused, texts categorised), for logs.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }
}

/// Answers by text, at most `2 × GENERATION` of them: when the young generation fills it
/// becomes the old one (the older is forgotten), and an answer found in the old generation
/// moves back to the young one. Texts that keep coming stay; the long tail of texts seen
/// once is forgotten instead of growing the run's memory.
#[derive(Debug)]
struct Remembered<V> {
    young: HashMap<String, V>,
    old: HashMap<String, V>,
}

/// Answers per generation.
const GENERATION: usize = 200_000;

impl<V> Default for Remembered<V> {
    fn default() -> Self {
        Self {
            young: HashMap::new(),
            old: HashMap::new(),
        }
    }
}

impl<V: Clone> Remembered<V> {
    fn get(&mut self, text: &str) -> Option<V> {
        if let Some(found) = self.young.get(text) {
            return Some(found.clone());
        }
        let (text, found) = self.old.remove_entry(text)?;
        self.insert(text, found.clone());
        Some(found)
    }

    fn insert(&mut self, text: String, answer: V) {
        if self.young.len() >= GENERATION {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(text, answer);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_at_most_two_generations_and_keeps_texts_in_use() {
        let mut answers = Remembered::default();
        answers.insert("kept".to_owned(), 0);
        for i in 1..=GENERATION * 3 {
            answers.insert(format!("text {i}"), i);
            assert!(answers.len() <= 2 * GENERATION);
            if i % 1000 == 0 {
                assert_eq!(answers.get("kept"), Some(0), "in use, so remembered");
            }
        }
        assert_eq!(answers.get("text 1"), None, "forgotten");
        assert_eq!(
            answers.get(&format!("text {}", GENERATION * 3)),
            Some(GENERATION * 3)
        );
    }
}
