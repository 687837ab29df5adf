//! Categorising each distinct text once: outcome statements, planned-support descriptions
//! (with their service type's default) and service descriptions repeat across plans and
//! versions, so every answer is kept for the run.

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
    outcomes: HashMap<String, Arc<OutcomeCategories>>,
    items: HashMap<ServiceType, HashMap<String, Category>>,
    services: HashMap<String, Arc<[Category]>>,
    hits: u64,
    misses: u64,
}

impl<'a> Cache<'a> {
    pub fn new(categoriser: &'a Categoriser) -> Self {
        Self {
            categoriser,
            outcomes: HashMap::new(),
            items: HashMap::new(),
            services: HashMap::new(),
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
            return found.clone();
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
        if let Some(&found) = known.get(description) {
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
            return found.clone();
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
