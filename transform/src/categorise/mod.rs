//! The outcome categoriser: assigns a free-text statement the taxonomy categories it asks for
//! (multi-label), explaining each by the lexicon term that matched.
//!
//! A [`Categoriser`] is built once from a [`Taxonomy`] and is then a pure function of the text,
//! safe to share between threads. It handles spelling mistakes, slang and text-speak,
//! negation ("I don't want the day centre, I want a job" is `employment` only) and statements
//! that fit nothing (`unclassified`). Reading and writing tables is left to the callers.
//!
//! How a statement is read: `tokenise` cuts it into words and clause breaks; `normalise` turns
//! each word into a lexicon word id (rewrites, stems, typo correction through `fuzzy`); one
//! Aho-Corasick automaton (`lexicon`) finds every lexicon phrase in the id sequence; `rules`
//! weighs them (longest phrase wins, negation, frames, weak terms). The lexicon itself, and
//! what each setting means, is `schemas/taxonomy/v1.toml`.
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
mod tokenise;

use std::cell::RefCell;
use std::ops::Range;

use serde::Serialize;
use stf_schemas::codes::{Category, ServiceType};
use stf_schemas::taxonomy::{Taxonomy, TaxonomyError};

use lexicon::{encode, Compiled, ID_BYTES};
use normalise::BOUNDARY;
use rules::Hit;
use tokenise::{tokenise, Piece};

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
        SCRATCH.with(|cell| {
            let Ok(mut scratch) = cell.try_borrow_mut() else {
                // Only reachable by re-entering from inside a categorisation; stay correct.
                return self.categorise_with(text, &mut Scratch::default());
            };
            self.categorise_with(text, &mut scratch)
        })
    }

    fn categorise_with(&self, text: &str, scratch: &mut Scratch) -> Categorisation {
        scratch.clear();
        self.words(text, scratch);
        let Scratch {
            words,
            spans,
            haystack,
            hits,
            ..
        } = scratch;
        for &id in words.iter() {
            encode(id, haystack);
        }
        hits.extend(
            self.compiled
                .automaton
                .find_overlapping_iter(haystack.as_slice())
                .map(|m| Hit {
                    pattern: m.pattern().as_usize(),
                    start: m.start() / ID_BYTES,
                    end: m.end() / ID_BYTES,
                }),
        );
        rules::decide(&self.compiled, words, spans, hits)
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
        let mut scratch = Scratch::default();
        self.words(text, &mut scratch);
        let words: Vec<&str> = scratch
            .words
            .iter()
            .map(|&id| self.compiled.normaliser.word(id))
            .collect();
        words.join(" ")
    }

    /// What a misspelt word is read as ("swiming" -> "swim"), or `None` when the word is read
    /// as it is or is unknown. For explaining and for maintaining the known-words list.
    pub fn correction(&self, word: &str) -> Option<String> {
        let mut folded = None;
        tokenise(word, &mut String::new(), |piece| {
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

    /// The word ids of `text` and their spans, into `scratch`.
    fn words(&self, text: &str, scratch: &mut Scratch) {
        let normaliser = &self.compiled.normaliser;
        let Scratch {
            words,
            spans,
            word,
            stem,
            ..
        } = scratch;
        tokenise(text, word, |piece| match piece {
            Piece::Word(word, span) => normaliser.resolve(word, stem, |id| {
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

/// Buffers reused from one statement to the next on a thread, so that categorising allocates
/// little more than its result.
#[derive(Debug, Default)]
struct Scratch {
    words: Vec<u32>,
    spans: Vec<Range<usize>>,
    haystack: Vec<u8>,
    hits: Vec<Hit>,
    word: String,
    stem: String,
}

impl Scratch {
    fn clear(&mut self) {
        self.words.clear();
        self.spans.clear();
        self.haystack.clear();
        self.hits.clear();
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[cfg(test)]
mod tests;
