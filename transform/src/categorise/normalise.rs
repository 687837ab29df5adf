//! From words to word ids: rewriting, dropping, stemming and typo-correcting each word of a
//! statement into the id the lexicon uses for it.
//!
//! Lexicon phrases and statements go through the same steps, so a lexicon author writes
//! phrases naturally. Which phrases exist, and what they mean, is left to the lexicon.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use stf_schemas::taxonomy;

use super::fuzzy::{FuzzyConfig, FuzzyIndex};
use super::hash::FastMap;
use super::stem::stem_into;
use super::tokenise::{push_folded, tokenise, Piece};

/// The id of a word the lexicon does not know; no phrase contains it.
pub(crate) const UNKNOWN: u32 = 0;
/// The id of a clause break (punctuation); no phrase contains it.
pub(crate) const BOUNDARY: u32 = 1;

/// Typo corrections remembered per thread before the memory is cleared.
const MAX_REMEMBERED: usize = 65_536;

static NEXT_NORMALISER: AtomicU64 = AtomicU64::new(1);

/// Each thread remembers the corrections it has made (and failed to make) for one normaliser,
/// since unknown words (names, rare words) recur and a lookup costs more than a hash probe.
#[derive(Default)]
struct Remembered {
    normaliser: u64,
    corrections: FastMap<Box<str>, Option<Box<[u32]>>>,
}

thread_local! {
    static REMEMBERED: RefCell<Remembered> = RefCell::new(Remembered::default());
}

/// How deep rewrites may chain ("wanna" -> "want to"; "ur" -> "your" -> "my").
const MAX_REWRITE_DEPTH: usize = 4;

/// How a word was found without typo correction.
enum Exact<'a> {
    Ids(&'a [u32]),
    Id(u32),
}

/// A lexicon phrase that cannot be turned into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PhraseProblem {
    /// Nothing is left once articles are dropped.
    Empty,
    /// Punctuation inside a phrase can never match, since it ends a clause.
    Punctuation,
}

/// Word ids for words, built from the lexicon and then read-only.
#[derive(Debug)]
pub(crate) struct Normaliser {
    /// Tells this normaliser's remembered corrections from another's.
    id: u64,
    rewrite: FastMap<Box<str>, Vec<Box<str>>>,
    drop: HashSet<Box<str>>,
    keep: HashSet<Box<str>>,
    /// Normalised word (stem, or kept word) to id.
    vocab: FastMap<Box<str>, u32>,
    /// Id to normalised word.
    words: Vec<Box<str>>,
    /// Every word seen while building (lexicon, rewrites, known words) to its ids.
    surface: FastMap<Box<str>, Box<[u32]>>,
    fuzzy: FuzzyIndex<Box<[u32]>>,
}

impl Normaliser {
    pub(crate) fn new(config: &taxonomy::Normalise, fuzzy: &taxonomy::Fuzzy) -> Self {
        let fold = |text: &str| {
            let mut folded = String::new();
            text.chars().for_each(|c| push_folded(c, &mut folded));
            folded.into_boxed_str()
        };
        let mut normaliser = Self {
            id: NEXT_NORMALISER.fetch_add(1, Ordering::Relaxed),
            rewrite: config
                .rewrite
                .iter()
                .map(|(from, to)| (fold(from), to.split_whitespace().map(fold).collect()))
                .collect(),
            drop: config.drop.iter().map(|w| fold(w)).collect(),
            keep: config.keep.iter().map(|w| fold(w)).collect(),
            vocab: FastMap::default(),
            words: vec!["?".into(), "|".into()],
            surface: FastMap::default(),
            fuzzy: FuzzyIndex::new(FuzzyConfig {
                min_len: fuzzy.min_len,
                two_edits_from: fuzzy.two_edits_from,
                same_first_letter: fuzzy.same_first_letter,
            }),
        };
        // Rewritten, dropped and kept words are known as they are: never stemmed or corrected.
        let keys: Vec<Box<str>> = normaliser
            .rewrite
            .keys()
            .chain(&normaliser.drop)
            .chain(&normaliser.keep)
            .cloned()
            .collect();
        for key in keys {
            normaliser.intern_word(&key);
        }
        normaliser
    }

    /// The ids of a lexicon phrase, adding its words to the vocabulary.
    pub(crate) fn intern_phrase(&mut self, phrase: &str) -> Result<Vec<u32>, PhraseProblem> {
        let mut words = Vec::new();
        let mut punctuation = false;
        tokenise(phrase, &mut String::new(), |piece| match piece {
            Piece::Word(word, _) => words.push(word.to_owned()),
            Piece::Break => punctuation = true,
        });
        if punctuation {
            return Err(PhraseProblem::Punctuation);
        }
        let ids: Vec<u32> = words
            .iter()
            .flat_map(|word| self.intern_word(word).into_vec())
            .collect();
        if ids.is_empty() {
            return Err(PhraseProblem::Empty);
        }
        Ok(ids)
    }

    /// Adds a real word that is never to be typo-corrected.
    pub(crate) fn add_known_word(&mut self, word: &str) {
        let mut words = Vec::new();
        tokenise(word, &mut String::new(), |piece| {
            if let Piece::Word(word, _) = piece {
                words.push(word.to_owned());
            }
        });
        for word in words {
            self.intern_word(&word);
        }
    }

    /// Builds the typo index over every word seen; `in_lexicon[id]` says which ids some phrase
    /// uses, and those win ties.
    pub(crate) fn finish(&mut self, in_lexicon: &[bool]) {
        let used = |ids: &[u32]| {
            ids.iter()
                .any(|&id| in_lexicon.get(id as usize).copied().unwrap_or(false))
        };
        let mut entries: Vec<(&str, &[u32])> = self
            .surface
            .iter()
            .map(|(word, ids)| (&**word, &**ids))
            .filter(|(_, ids)| !ids.is_empty())
            .collect();
        let stems: Vec<(&str, [u32; 1])> = self
            .vocab
            .iter()
            .map(|(word, &id)| (&**word, [id]))
            .collect();
        entries.extend(stems.iter().map(|(word, id)| (*word, &id[..])));
        // Deterministic order, so ties between equal entries resolve the same way every run.
        entries.sort_unstable();
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut fuzzy = FuzzyIndex::new(self.fuzzy.config());
        for (word, ids) in entries {
            fuzzy.insert(word, ids.into(), used(ids));
        }
        self.fuzzy = fuzzy;
    }

    /// The ids of one word of a statement, passed to `emit`; `scratch` is reused between calls.
    pub(crate) fn resolve(&self, word: &str, scratch: &mut String, mut emit: impl FnMut(u32)) {
        match self.exact(word, scratch) {
            Some(Exact::Ids(ids)) => ids.iter().for_each(|&id| emit(id)),
            Some(Exact::Id(id)) => emit(id),
            None => REMEMBERED.with(|cell| {
                let mut remembered = cell.borrow_mut();
                if remembered.normaliser != self.id
                    || remembered.corrections.len() >= MAX_REMEMBERED
                {
                    remembered.corrections.clear();
                    remembered.normaliser = self.id;
                }
                let ids = match remembered.corrections.get(word) {
                    Some(ids) => ids,
                    None => {
                        let found = self.fuzzy.lookup(&[word, scratch.as_str()]).cloned();
                        remembered.corrections.entry(word.into()).or_insert(found)
                    }
                };
                match ids {
                    Some(ids) => ids.iter().for_each(|&id| emit(id)),
                    None => emit(UNKNOWN),
                }
            }),
        }
    }

    /// The ids a typo correction gives `word`, or `None` when the word is known as it is (or
    /// stemmed) or has no near lexicon word.
    pub(crate) fn correction(&self, word: &str) -> Option<&[u32]> {
        let mut scratch = String::new();
        if self.exact(word, &mut scratch).is_some() {
            return None;
        }
        self.fuzzy
            .lookup(&[word, scratch.as_str()])
            .map(|ids| &**ids)
    }

    /// The ids of `word` read as it is, stemmed, or with a dropped final g restored
    /// ("feelin" -> "feeling"); leaves the stem of `word` in `scratch`.
    fn exact(&self, word: &str, scratch: &mut String) -> Option<Exact<'_>> {
        if let Some(ids) = self.surface.get(word) {
            return Some(Exact::Ids(ids));
        }
        stem_into(word, scratch);
        if let Some(&id) = self.vocab.get(scratch.as_str()) {
            return Some(Exact::Id(id));
        }
        if word.len() >= 4 && word.ends_with("in") {
            let restored = format!("{word}g");
            if let Some(ids) = self.surface.get(restored.as_str()) {
                return Some(Exact::Ids(ids));
            }
            let mut stem = String::new();
            stem_into(&restored, &mut stem);
            if let Some(&id) = self.vocab.get(stem.as_str()) {
                return Some(Exact::Id(id));
            }
        }
        None
    }

    /// The normalised word behind an id, for explaining what the matcher saw.
    pub(crate) fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("?", |w| w)
    }

    /// How many distinct normalised words there are.
    pub(crate) fn vocabulary_len(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn fuzzy_len(&self) -> usize {
        self.fuzzy.len()
    }

    fn intern_word(&mut self, word: &str) -> Box<[u32]> {
        if let Some(ids) = self.surface.get(word) {
            return ids.clone();
        }
        let mut forms = Vec::new();
        self.normal_forms(word, 0, &mut forms);
        let ids: Box<[u32]> = forms
            .into_iter()
            .map(|form| self.intern_form(form))
            .collect();
        self.surface.insert(word.into(), ids.clone());
        ids
    }

    fn intern_form(&mut self, form: String) -> u32 {
        if let Some(&id) = self.vocab.get(form.as_str()) {
            return id;
        }
        let id = u32::try_from(self.words.len()).expect("fewer than 4 billion words");
        let form: Box<str> = form.into();
        self.words.push(form.clone());
        self.vocab.insert(form, id);
        id
    }

    fn normal_forms(&self, word: &str, depth: usize, out: &mut Vec<String>) {
        if depth < MAX_REWRITE_DEPTH {
            if let Some(parts) = self.rewrite.get(word) {
                if !(parts.len() == 1 && &*parts[0] == word) {
                    for part in parts {
                        self.normal_forms(part, depth + 1, out);
                    }
                    return;
                }
            }
        }
        if self.drop.contains(word) {
            return;
        }
        if self.keep.contains(word) {
            out.push(word.to_owned());
            return;
        }
        let mut stem = String::new();
        stem_into(word, &mut stem);
        out.push(stem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normaliser() -> Normaliser {
        let mut config = taxonomy::Normalise::default();
        config.drop.push("the".into());
        config.keep.push("tablets".into());
        config.rewrite.insert("wanna".into(), "want to".into());
        config.rewrite.insert("ur".into(), "your".into());
        config.rewrite.insert("your".into(), "my".into());
        let fuzzy = taxonomy::Fuzzy {
            min_len: 5,
            two_edits_from: 9,
            same_first_letter: true,
            known_words: Vec::new(),
        };
        let mut normaliser = Normaliser::new(&config, &fuzzy);
        normaliser.intern_phrase("go swimming").expect("phrase");
        normaliser.intern_phrase("my tablets").expect("phrase");
        normaliser.add_known_word("lovely");
        let in_lexicon = vec![true; normaliser.vocabulary_len()];
        normaliser.finish(&in_lexicon);
        normaliser
    }

    fn words(normaliser: &Normaliser, text: &str) -> Vec<String> {
        let mut scratch = String::new();
        let mut ids = Vec::new();
        tokenise(text, &mut String::new(), |piece| {
            if let Piece::Word(word, _) = piece {
                normaliser.resolve(word, &mut scratch, |id| ids.push(id));
            }
        });
        ids.iter()
            .map(|&id| normaliser.word(id).to_owned())
            .collect()
    }

    #[test]
    fn rewrites_drops_stems_and_corrects() {
        let n = normaliser();
        assert_eq!(words(&n, "wanna swim"), ["want", "to", "swim"]);
        assert_eq!(words(&n, "ur tablets"), ["my", "tablets"]);
        assert_eq!(words(&n, "the swims"), ["swim"]);
        assert_eq!(words(&n, "swiming"), ["swim"]);
        assert_eq!(
            words(&n, "lovely"),
            ["loveli"],
            "a known word, not \"lonely\""
        );
        assert_eq!(words(&n, "zebra"), ["?"]);
    }

    #[test]
    fn bad_phrases_are_reported() {
        let mut n = normaliser();
        assert_eq!(n.intern_phrase("the"), Err(PhraseProblem::Empty));
        assert_eq!(n.intern_phrase("job, now"), Err(PhraseProblem::Punctuation));
    }
}
