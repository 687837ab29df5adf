//! Compiles a [`Taxonomy`] into the matcher's tables: word ids, one Aho-Corasick automaton over
//! every phrase (terms, cues, breaks, neutral phrases, frames), and what each phrase means.
//!
//! Statements are matched as sequences of word ids, each written as three bytes whose first
//! byte alone has its high bit set, so a phrase can only match at a word boundary. How matches
//! are weighed against each other is left to `rules`.

use aho_corasick::{AhoCorasick, MatchKind};
use stf_schemas::codes::Category;
use stf_schemas::taxonomy::Taxonomy;

use super::hash::FastMap;
use super::normalise::{Normaliser, PhraseProblem};
use super::CategoriseError;

/// Bytes per word id in the matcher's haystack.
pub(crate) const ID_BYTES: usize = 3;
/// Ids must fit in 21 bits (three 7-bit groups).
const MAX_ID: u32 = (1 << 21) - 1;

/// Writes `id` as three bytes, the first marked with the high bit.
pub(crate) fn encode(id: u32, out: &mut Vec<u8>) {
    // Each byte holds seven bits of the id; the masks make the conversions lossless.
    out.push(0x80 | ((id >> 14) & 0x7f) as u8);
    out.push(((id >> 7) & 0x7f) as u8);
    out.push((id & 0x7f) as u8);
}

/// What a matched phrase does. One phrase may do several things (a term of two categories).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    Term(TermRole),
    /// Means nothing, but hides the shorter phrases inside it.
    Neutral,
    /// Rejects negatable terms to the end of the clause.
    ClauseCue,
    /// Rejects a negatable term starting within the taxonomy's `near_reach` words.
    NearCue,
    /// Ends a clause.
    Break,
    /// Swallows the places named just after it (index into `Compiled::frames`).
    Frame(usize),
}

/// A phrase that assigns a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TermRole {
    pub category: Category,
    pub weak: bool,
    pub negatable: bool,
    /// The phrase as the lexicon writes it (slots filled in), for explanations.
    pub term: Box<str>,
}

/// A phrase of the automaton.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub roles: Vec<Role>,
}

/// A frame's reach, with its stop words as ids.
#[derive(Debug)]
pub(crate) struct FrameRule {
    pub window: usize,
    pub absorbs: Vec<Category>,
    pub stops: Vec<u32>,
}

/// The compiled lexicon.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub normaliser: Normaliser,
    pub automaton: AhoCorasick,
    pub patterns: Vec<Pattern>,
    pub frames: Vec<FrameRule>,
    pub near_reach: usize,
    /// Every term phrase, normalised (words joined by spaces), for checks and tests.
    pub term_phrases: Vec<(String, Category)>,
}

struct Builder {
    normaliser: Normaliser,
    patterns: Vec<Pattern>,
    bytes: Vec<Vec<u8>>,
    by_bytes: FastMap<Vec<u8>, usize>,
    in_lexicon: Vec<bool>,
    term_phrases: Vec<(String, Category)>,
}

impl Builder {
    fn add_term(
        &mut self,
        taxonomy: &Taxonomy,
        term: &str,
        role: Role,
    ) -> Result<(), CategoriseError> {
        for phrase in taxonomy.expand(term)? {
            let mut role = role.clone();
            if let Role::Term(term_role) = &mut role {
                term_role.term = phrase.as_str().into();
            }
            self.add_phrase(&phrase, role)?;
        }
        Ok(())
    }

    fn add_phrase(&mut self, phrase: &str, role: Role) -> Result<(), CategoriseError> {
        let ids = self.normaliser.intern_phrase(phrase).map_err(|problem| {
            CategoriseError::BadPhrase {
                phrase: phrase.to_owned(),
                reason: match problem {
                    PhraseProblem::Empty => "nothing is left once articles are dropped",
                    PhraseProblem::Punctuation => "punctuation ends a clause, so it cannot match",
                },
            }
        })?;
        let mut bytes = Vec::with_capacity(ids.len() * ID_BYTES);
        for &id in &ids {
            if id > MAX_ID {
                return Err(CategoriseError::TooManyWords { limit: MAX_ID });
            }
            encode(id, &mut bytes);
            let slot = id as usize;
            if self.in_lexicon.len() <= slot {
                self.in_lexicon.resize(slot + 1, false);
            }
            self.in_lexicon[slot] = true;
        }
        if let Role::Term(term) = &role {
            let words: Vec<&str> = ids.iter().map(|&id| self.normaliser.word(id)).collect();
            self.term_phrases.push((words.join(" "), term.category));
        }
        let index = match self.by_bytes.get(&bytes) {
            Some(&index) => index,
            None => {
                self.patterns.push(Pattern { roles: Vec::new() });
                self.bytes.push(bytes.clone());
                self.by_bytes.insert(bytes, self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        let roles = &mut self.patterns[index].roles;
        let duplicate = roles.iter().any(|existing| match (existing, &role) {
            (Role::Term(a), Role::Term(b)) => a.category == b.category && a.weak == b.weak,
            (a, b) => a == b,
        });
        if !duplicate {
            roles.push(role);
        }
        Ok(())
    }
}

/// Compiles the taxonomy.
pub(crate) fn compile(taxonomy: &Taxonomy) -> Result<Compiled, CategoriseError> {
    let mut builder = Builder {
        normaliser: Normaliser::new(&taxonomy.normalise, &taxonomy.fuzzy),
        patterns: Vec::new(),
        bytes: Vec::new(),
        by_bytes: FastMap::default(),
        in_lexicon: Vec::new(),
        term_phrases: Vec::new(),
    };
    for lexicon in &taxonomy.categories {
        let lists = [
            (&lexicon.terms, false, lexicon.negatable),
            (&lexicon.fixed, false, false),
            (&lexicon.negatable_terms, false, true),
            (&lexicon.weak, true, lexicon.negatable),
        ];
        for (terms, weak, negatable) in lists {
            for term in terms {
                let role = Role::Term(TermRole {
                    category: lexicon.category,
                    weak,
                    negatable,
                    term: term.as_str().into(),
                });
                builder.add_term(taxonomy, term, role)?;
            }
        }
    }
    let mut frames = Vec::with_capacity(taxonomy.frames.len());
    for (index, frame) in taxonomy.frames.iter().enumerate() {
        let negatable = taxonomy
            .lexicon(frame.category)
            .is_none_or(|lexicon| lexicon.negatable);
        for cue in &frame.cues {
            builder.add_term(taxonomy, cue, Role::Frame(index))?;
            let role = Role::Term(TermRole {
                category: frame.category,
                weak: false,
                negatable,
                term: cue.as_str().into(),
            });
            builder.add_term(taxonomy, cue, role)?;
        }
        let mut stops = Vec::new();
        for stop in &frame.stops {
            let ids =
                builder
                    .normaliser
                    .intern_phrase(stop)
                    .map_err(|_| CategoriseError::BadPhrase {
                        phrase: stop.clone(),
                        reason: "a frame stop must be a word that is kept",
                    })?;
            stops.extend(ids);
        }
        frames.push(FrameRule {
            window: frame.window,
            absorbs: frame.absorbs.clone(),
            stops,
        });
    }
    let negation = &taxonomy.negation;
    let cue_lists = [
        (&negation.clause, Role::ClauseCue),
        (&negation.near, Role::NearCue),
        (&negation.breaks, Role::Break),
        (&taxonomy.neutral, Role::Neutral),
    ];
    for (phrases, role) in cue_lists {
        for phrase in phrases {
            builder.add_term(taxonomy, phrase, role.clone())?;
        }
    }
    for word in &taxonomy.fuzzy.known_words {
        builder.normaliser.add_known_word(word);
    }
    builder.normaliser.finish(&builder.in_lexicon);
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&builder.bytes)
        .map_err(|err| CategoriseError::Automaton(err.to_string()))?;
    Ok(Compiled {
        normaliser: builder.normaliser,
        automaton,
        patterns: builder.patterns,
        frames,
        near_reach: negation.near_reach,
        term_phrases: builder.term_phrases,
    })
}
