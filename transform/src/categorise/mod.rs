//! The outcome categoriser: assigns a free-text statement the taxonomy categories it asks for
//! (multi-label), explaining each by the lexicon term that matched.
//!
//! A [`Categoriser`] is built once from a [`Taxonomy`] and is then a pure function of the text,
//! safe to share between threads. It handles spelling mistakes, slang and text-speak,
//! negation ("I don't want the day centre, I want a job" is `employment` only) and statements
//! that fit nothing (`unclassified`). Reading and writing tables is left to the callers.
//!
//! ```
//! use stf_schemas::codes::Category;
//! use stf_transform::categorise::Categoriser;
//!
//! let categoriser = Categoriser::current().expect("the embedded taxonomy is valid");
//! let result = categoriser.categorise("I wanna go swiming with my mates");
//! assert_eq!(result.categories, [Category::Relationships, Category::SportFitness]);
//! ```

mod fuzzy;
mod hash;
mod lexicon;
mod normalise;
mod rules;
mod stem;

use std::ops::Range;

use serde::Serialize;
use stf_schemas::codes::{Category, ServiceType};
use stf_schemas::taxonomy::{Taxonomy, TaxonomyError};

use lexicon::{encode, Compiled, ID_BYTES};
use normalise::{tokenise, Piece, BOUNDARY};
use rules::Hit;

/// The categoriser cannot be built from a taxonomy.
#[derive(Debug, thiserror::Error)]
pub enum CategoriseError {
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyError),
    #[error("lexicon phrase `{phrase}` is unusable: {reason}")]
    BadPhrase {
        phrase: String,
        reason: &'static str,
    },
    #[error("the lexicon has more than {limit} distinct words")]
    TooManyWords { limit: u32 },
    #[error("cannot build the phrase matcher: {0}")]
    Automaton(String),
}

/// A lexicon term found in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub category: Category,
    /// The term as the lexicon writes it, slots filled in ("with my mates").
    pub term: String,
    /// Where it was found: a byte range of the statement.
    pub span: Range<usize>,
}

/// Why a term that was found does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// A negation cue scopes it ("I don't want the day centre").
    Negated,
    /// It names where a job or a volunteering role is ("a job in a café").
    Framed,
    /// It is a weak term and another term counted.
    Outweighed,
}

/// A term that was found but does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub matched: Match,
    pub reason: Rejection,
}

/// The categories of one statement, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Categorisation {
    /// Sorted by id, no duplicates; `[Unclassified]` when nothing matched.
    pub categories: Vec<Category>,
    /// The terms that count, in order of position.
    pub matches: Vec<Match>,
    /// The terms found that do not count.
    pub rejected: Vec<Rejected>,
    /// The categories come from a planned-support item's service type, not its text.
    pub from_default: bool,
}

impl Categorisation {
    /// Whether no category applies.
    pub fn is_unclassified(&self) -> bool {
        self.categories == [Category::Unclassified]
    }

    /// The category ids joined by commas ("relationships,sport_fitness").
    pub fn ids(&self) -> String {
        let ids: Vec<&str> = self.categories.iter().map(|c| c.as_str()).collect();
        ids.join(",")
    }

    /// The terms that counted for `category`, in order of position, without repeats.
    pub fn terms_for(&self, category: Category) -> Vec<&str> {
        let mut terms: Vec<&str> = Vec::new();
        for m in self.matches.iter().filter(|m| m.category == category) {
            if !terms.contains(&m.term.as_str()) {
                terms.push(&m.term);
            }
        }
        terms
    }
}

/// Sizes of the compiled lexicon, for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconStats {
    pub phrases: usize,
    pub words: usize,
    pub typo_entries: usize,
}

/// Assigns taxonomy categories to statements.
#[derive(Debug)]
pub struct Categoriser {
    version: String,
    compiled: Compiled,
}

impl Categoriser {
    /// Compiles `taxonomy`'s lexicon.
    pub fn new(taxonomy: &Taxonomy) -> Result<Self, CategoriseError> {
        let compiled = lexicon::compile(taxonomy)?;
        let categoriser = Self {
            version: taxonomy.version.clone(),
            compiled,
        };
        let stats = categoriser.stats();
        tracing::debug!(
            version = %categoriser.version,
            phrases = stats.phrases,
            words = stats.words,
            typo_entries = stats.typo_entries,
            "Compiled taxonomy lexicon."
        );
        Ok(categoriser)
    }

    /// A categoriser for the taxonomy in force ([`Taxonomy::current`]).
    pub fn current() -> Result<Self, CategoriseError> {
        Self::new(&Taxonomy::current()?)
    }

    /// The taxonomy version, to record beside every categorised row.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Sizes of the compiled lexicon.
    pub fn stats(&self) -> LexiconStats {
        LexiconStats {
            phrases: self.compiled.patterns.len(),
            words: self.compiled.normaliser.vocabulary_len(),
            typo_entries: self.compiled.normaliser.fuzzy_len(),
        }
    }

    /// The categories a statement asks for.
    pub fn categorise(&self, text: &str) -> Categorisation {
        let mut words: Vec<u32> = Vec::with_capacity(32);
        let mut spans: Vec<Range<usize>> = Vec::with_capacity(32);
        self.words(text, &mut words, &mut spans);
        let mut haystack = Vec::with_capacity(words.len() * ID_BYTES);
        for &id in &words {
            encode(id, &mut haystack);
        }
        let hits: Vec<Hit> = self
            .compiled
            .automaton
            .find_overlapping_iter(&haystack)
            .map(|m| Hit {
                pattern: m.pattern().as_usize(),
                start: m.start() / ID_BYTES,
                end: m.end() / ID_BYTES,
            })
            .collect();
        rules::decide(&self.compiled, &words, &spans, hits)
    }

    /// The categories of a planned-support item: from its description, or, when that gives
    /// nothing, the service type's default (taxonomy.md, rules of assignment).
    pub fn categorise_planned(
        &self,
        description: &str,
        service_type: ServiceType,
    ) -> Categorisation {
        let mut result = self.categorise(description);
        if result.is_unclassified() {
            let default = service_type.default_category();
            if default != Category::Unclassified {
                result.categories = vec![default];
                result.from_default = true;
            }
        }
        result
    }

    /// The statement as the matcher sees it: normalised words, `|` for a clause break and `?`
    /// for a word the lexicon does not know. For explaining and debugging.
    pub fn normalised(&self, text: &str) -> String {
        let mut words = Vec::new();
        let mut spans = Vec::new();
        self.words(text, &mut words, &mut spans);
        let words: Vec<&str> = words
            .iter()
            .map(|&id| self.compiled.normaliser.word(id))
            .collect();
        words.join(" ")
    }

    /// What a misspelt word is read as ("swiming" -> "swim"), or `None` when the word is read
    /// as it is or is unknown. For explaining and for maintaining the known-words list.
    pub fn correction(&self, word: &str) -> Option<String> {
        let mut folded = None;
        tokenise(word, |piece| {
            if let Piece::Word(w, _) = piece {
                folded.get_or_insert_with(|| w.to_owned());
            }
        });
        let normaliser = &self.compiled.normaliser;
        let ids = normaliser.correction(&folded?)?;
        let words: Vec<&str> = ids.iter().map(|&id| normaliser.word(id)).collect();
        Some(words.join(" "))
    }

    /// Every term phrase of the lexicon, normalised as statements are, with its category.
    pub fn term_phrases(&self) -> impl Iterator<Item = (&str, Category)> {
        self.compiled
            .term_phrases
            .iter()
            .map(|(phrase, category)| (phrase.as_str(), *category))
    }

    fn words(&self, text: &str, words: &mut Vec<u32>, spans: &mut Vec<Range<usize>>) {
        let normaliser = &self.compiled.normaliser;
        let mut scratch = String::new();
        tokenise(text, |piece| match piece {
            Piece::Word(word, span) => normaliser.resolve(word, &mut scratch, |id| {
                words.push(id);
                spans.push(span.clone());
            }),
            Piece::Break => {
                if words.last().is_some_and(|&last| last != BOUNDARY) {
                    let at = spans.last().map_or(0, |s| s.end);
                    words.push(BOUNDARY);
                    spans.push(at..at);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests;
