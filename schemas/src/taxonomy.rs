//! The outcome taxonomy lexicon (taxonomy.md): the versioned file under `schemas/taxonomy/`,
//! parsed and checked into plain data.
//!
//! This module knows the file's shape and its term syntax; it does no matching. Turning the
//! lexicon into a fast matcher is `stf-transform`'s job. The file is embedded with
//! `include_str!`, so reading the taxonomy does no I/O.
//!
//! Term syntax: words separated by spaces; `{slot}` stands for every value of a slot listed
//! under `[slots]`; `[word]` is an optional word. `v1.toml` says more in its opening comment.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Deserialize;

use crate::codes::Category;

/// The text of taxonomy version 1.
pub const V1_TOML: &str = include_str!("../taxonomy/v1.toml");

/// Real words that sit within the typo radius of a lexicon word (see `v1.toml`, `[fuzzy]`).
pub const V1_KNOWN_WORDS: &str = include_str!("../taxonomy/v1-known-words.txt");

/// Longest expansion of one term that is accepted, to keep slot products in check.
const MAX_EXPANSIONS: usize = 4096;

/// A taxonomy file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("cannot parse taxonomy file: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("taxonomy file has an empty version")]
    MissingVersion,
    #[error("`{id}` is not a category id")]
    UnknownCategory { id: String },
    #[error("category `{id}` has no lexicon entry")]
    MissingCategory { id: &'static str },
    #[error("`unclassified` takes no terms: it is what is left when nothing matches")]
    UnclassifiedHasTerms,
    #[error("term `{term}` names slot `{slot}`, which is not defined under [slots]")]
    UnknownSlot { term: String, slot: String },
    #[error("term `{term}` is malformed: {reason}")]
    BadTerm { term: String, reason: &'static str },
    #[error("term `{term}` expands to more than {MAX_EXPANSIONS} phrases")]
    TooManyExpansions { term: String },
}

/// A parsed, checked taxonomy.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Written into every categorised output row as `taxonomy_version`.
    pub version: String,
    pub normalise: Normalise,
    pub fuzzy: Fuzzy,
    pub negation: Negation,
    /// Named word lists that terms refer to as `{name}`.
    pub slots: BTreeMap<String, Vec<String>>,
    /// Phrases that mean nothing; they win over the shorter terms and cues inside them.
    pub neutral: Vec<String>,
    pub frames: Vec<Frame>,
    /// One entry per category, in contract order, `unclassified` excepted.
    pub categories: Vec<CategoryLexicon>,
}

/// How text is made comparable before matching.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Normalise {
    /// Words removed from the token stream (articles).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Words never stemmed, to keep them apart from their stem's other meaning.
    #[serde(default)]
    pub keep: Vec<String>,
    /// One word rewritten as one or more words (text-speak, dialect, synonyms).
    #[serde(default)]
    pub rewrite: BTreeMap<String, String>,
}

/// Typo tolerance: words the lexicon does not know are matched to a near lexicon word.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fuzzy {
    /// Words shorter than this are never corrected.
    pub min_len: usize,
    /// From this length on, two edits are allowed; below it, one.
    pub two_edits_from: usize,
    /// Only correct to a word with the same first letter.
    #[serde(default)]
    pub same_first_letter: bool,
    /// Real words that are never corrected (they are what they are).
    #[serde(default)]
    pub known_words: Vec<String>,
}

/// Negation cues and where their scope ends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    /// Cues that reject every negatable term from the cue to the end of its clause.
    pub clause: Vec<String>,
    /// Cues that reject only a term starting within `near_reach` words after them.
    #[serde(default)]
    pub near: Vec<String>,
    #[serde(default)]
    pub near_reach: usize,
    /// Words that end a clause, besides punctuation.
    #[serde(default)]
    pub breaks: Vec<String>,
}

/// A cue such as "job in" that gives its category and swallows the place named after it,
/// so "a job in a café" is employment, not community.
#[derive(Debug, Clone)]
pub struct Frame {
    pub category: Category,
    pub cues: Vec<String>,
    /// How many words after the cue a swallowed term may start.
    pub window: usize,
    /// Categories whose terms are swallowed.
    pub absorbs: Vec<Category>,
    /// Words that end the window early.
    pub stops: Vec<String>,
}

/// The lexicon of one category.
#[derive(Debug, Clone)]
pub struct CategoryLexicon {
    pub category: Category,
    /// Whether a negation cue can reject this category's terms. Categories about a need or a
    /// problem ("I don't want to fall again") are not negatable.
    pub negatable: bool,
    /// Terms that assign the category, negatable as the category is.
    pub terms: Vec<String>,
    /// Terms that are never negated, whatever the category says.
    pub fixed: Vec<String>,
    /// Terms that a negation cue rejects, whatever the category says ("I don't want to live
    /// with my parents" does not ask for the relationship).
    pub negatable_terms: Vec<String>,
    /// Terms that count only when no other term in the statement does.
    pub weak: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    version: String,
    normalise: Normalise,
    fuzzy: Fuzzy,
    negation: Negation,
    #[serde(default)]
    slots: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    neutral: Vec<String>,
    #[serde(default)]
    frames: Vec<RawFrame>,
    categories: BTreeMap<String, RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrame {
    category: String,
    cues: Vec<String>,
    window: usize,
    absorbs: Vec<String>,
    #[serde(default)]
    stops: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    #[serde(default = "yes")]
    negatable: bool,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    fixed: Vec<String>,
    #[serde(default)]
    negatable_terms: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
}

fn yes() -> bool {
    true
}

fn category(id: &str) -> Result<Category, TaxonomyError> {
    Category::from_str(id).map_err(|_| TaxonomyError::UnknownCategory { id: id.to_owned() })
}

impl Taxonomy {
    /// Taxonomy version 1, with its known-words list.
    pub fn v1() -> Result<Self, TaxonomyError> {
        let mut taxonomy = Self::parse(V1_TOML)?;
        taxonomy.add_known_words(V1_KNOWN_WORDS);
        Ok(taxonomy)
    }

    /// The taxonomy in force for new output.
    pub fn current() -> Result<Self, TaxonomyError> {
        Self::v1()
    }

    /// Parses and checks a taxonomy file.
    pub fn parse(text: &str) -> Result<Self, TaxonomyError> {
        let raw: RawTaxonomy = toml::from_str(text)?;
        if raw.version.trim().is_empty() {
            return Err(TaxonomyError::MissingVersion);
        }
        let mut by_category = BTreeMap::new();
        for (id, lexicon) in raw.categories {
            let category = category(&id)?;
            if category == Category::Unclassified {
                return Err(TaxonomyError::UnclassifiedHasTerms);
            }
            by_category.insert(category, lexicon);
        }
        let mut categories = Vec::with_capacity(by_category.len());
        for &category in <Category as crate::codes::CodeList>::ALL {
            if category == Category::Unclassified {
                continue;
            }
            let raw = by_category
                .remove(&category)
                .ok_or(TaxonomyError::MissingCategory {
                    id: category.as_str(),
                })?;
            categories.push(CategoryLexicon {
                category,
                negatable: raw.negatable,
                terms: raw.terms,
                fixed: raw.fixed,
                negatable_terms: raw.negatable_terms,
                weak: raw.weak,
            });
        }
        let frames = raw
            .frames
            .into_iter()
            .map(|frame| {
                Ok(Frame {
                    category: category(&frame.category)?,
                    cues: frame.cues,
                    window: frame.window,
                    absorbs: frame
                        .absorbs
                        .iter()
                        .map(|id| category(id))
                        .collect::<Result<_, _>>()?,
                    stops: frame.stops,
                })
            })
            .collect::<Result<Vec<_>, TaxonomyError>>()?;
        let taxonomy = Self {
            version: raw.version.trim().to_owned(),
            normalise: raw.normalise,
            fuzzy: raw.fuzzy,
            negation: raw.negation,
            slots: raw.slots,
            neutral: raw.neutral,
            frames,
            categories,
        };
        taxonomy.check_terms()?;
        Ok(taxonomy)
    }

    /// Adds words, one a line (`#` starts a comment), to the fuzzy known-words list.
    pub fn add_known_words(&mut self, text: &str) {
        let words = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default().trim())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase);
        self.fuzzy.known_words.extend(words);
    }

    /// The lexicon of one category; `None` for `unclassified`.
    pub fn lexicon(&self, category: Category) -> Option<&CategoryLexicon> {
        self.categories.iter().find(|l| l.category == category)
    }

    /// Every phrase a term stands for, slots filled in and optional words taken or left.
    pub fn expand(&self, term: &str) -> Result<Vec<String>, TaxonomyError> {
        let bad = |reason| TaxonomyError::BadTerm {
            term: term.to_owned(),
            reason,
        };
        let mut phrases: Vec<Vec<&str>> = vec![Vec::new()];
        for word in term.split_whitespace() {
            let choices: Vec<Option<&str>> = if let Some(inner) = word.strip_prefix('{') {
                let name = inner.strip_suffix('}').ok_or_else(|| bad("unclosed `{`"))?;
                let values = self
                    .slots
                    .get(name)
                    .ok_or_else(|| TaxonomyError::UnknownSlot {
                        term: term.to_owned(),
                        slot: name.to_owned(),
                    })?;
                values.iter().map(|v| Some(v.as_str())).collect()
            } else if let Some(inner) = word.strip_prefix('[') {
                let optional = inner.strip_suffix(']').ok_or_else(|| bad("unclosed `[`"))?;
                vec![Some(optional), None]
            } else if word.contains(['{', '}', '[', ']']) {
                return Err(bad("brackets must wrap a whole word"));
            } else {
                vec![Some(word)]
            };
            let mut next = Vec::with_capacity(phrases.len() * choices.len());
            for phrase in &phrases {
                for choice in &choices {
                    let mut longer = phrase.clone();
                    longer.extend(choice);
                    next.push(longer);
                }
            }
            if next.len() > MAX_EXPANSIONS {
                return Err(TaxonomyError::TooManyExpansions {
                    term: term.to_owned(),
                });
            }
            phrases = next;
        }
        let phrases: Vec<String> = phrases
            .into_iter()
            .map(|words| words.join(" "))
            .filter(|phrase| !phrase.is_empty())
            .collect();
        if phrases.is_empty() {
            return Err(bad("no words"));
        }
        Ok(phrases)
    }

    /// Every term of the file, so that each is checked once at parse time.
    fn all_terms(&self) -> impl Iterator<Item = &String> {
        let lexicon = self.categories.iter().flat_map(|l| {
            l.terms
                .iter()
                .chain(&l.fixed)
                .chain(&l.negatable_terms)
                .chain(&l.weak)
        });
        let frames = self
            .frames
            .iter()
            .flat_map(|f| f.cues.iter().chain(&f.stops));
        let negation = &self.negation;
        lexicon
            .chain(frames)
            .chain(&self.neutral)
            .chain(&negation.clause)
            .chain(&negation.near)
            .chain(&negation.breaks)
    }

    fn check_terms(&self) -> Result<(), TaxonomyError> {
        for term in self.all_terms() {
            self.expand(term)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodeList;

    const SMALL: &str = r#"
version = "test"
[normalise]
[fuzzy]
min_len = 5
two_edits_from = 9
[negation]
clause = ["dont want"]
[slots]
people = ["mum", "best friend"]
[categories.relationships]
terms = ["with [my] {people}"]
"#;

    fn small_with_all_categories() -> String {
        let mut text = SMALL.to_owned();
        for category in Category::ALL {
            if !matches!(category, Category::Relationships | Category::Unclassified) {
                text.push_str(&format!("[categories.{category}]\nterms = [\"x\"]\n"));
            }
        }
        text
    }

    #[test]
    fn v1_parses_and_covers_every_category() {
        let taxonomy = Taxonomy::v1().expect("v1 parses");
        assert_eq!(taxonomy.version, "1");
        assert_eq!(taxonomy.categories.len(), Category::ALL.len() - 1);
        for lexicon in &taxonomy.categories {
            assert!(
                !lexicon.terms.is_empty() || !lexicon.fixed.is_empty(),
                "{} has no terms",
                lexicon.category
            );
        }
        assert!(taxonomy.fuzzy.known_words.len() > 100);
    }

    #[test]
    fn slots_and_optional_words_expand() {
        let taxonomy = Taxonomy::parse(&small_with_all_categories()).expect("parses");
        let mut phrases = taxonomy.expand("with [my] {people}").expect("expands");
        phrases.sort();
        assert_eq!(
            phrases,
            [
                "with best friend",
                "with mum",
                "with my best friend",
                "with my mum"
            ]
        );
    }

    #[test]
    fn unknown_slot_is_an_error() {
        let text = small_with_all_categories().replace("{people}", "{pals}");
        let err = Taxonomy::parse(&text).unwrap_err();
        assert!(matches!(err, TaxonomyError::UnknownSlot { ref slot, .. } if slot == "pals"));
    }

    #[test]
    fn unknown_and_missing_categories_are_errors() {
        let text =
            small_with_all_categories().replace("categories.relationships", "categories.friends");
        assert!(matches!(
            Taxonomy::parse(&text).unwrap_err(),
            TaxonomyError::UnknownCategory { ref id } if id == "friends"
        ));
        let err = Taxonomy::parse(SMALL).unwrap_err();
        assert!(matches!(err, TaxonomyError::MissingCategory { .. }));
    }

    #[test]
    fn unclassified_takes_no_terms() {
        let text = format!(
            "{}[categories.unclassified]\nterms = [\"y\"]\n",
            small_with_all_categories()
        );
        assert!(matches!(
            Taxonomy::parse(&text).unwrap_err(),
            TaxonomyError::UnclassifiedHasTerms
        ));
    }

    #[test]
    fn bad_toml_is_a_parse_error() {
        let err = Taxonomy::parse("version = ").unwrap_err();
        assert!(err.to_string().starts_with("cannot parse taxonomy file"));
    }
}
