//! From text to word ids: cutting text into words and clause breaks, then rewriting, dropping,
//! stemming and typo-correcting each word into the id the lexicon uses for it.
//!
//! Lexicon phrases and statements go through the same steps, so a lexicon author writes
//! phrases naturally. Which phrases exist, and what they mean, is left to the lexicon.

use std::collections::HashSet;
use std::ops::Range;

use stf_schemas::taxonomy;

use super::fuzzy::{FuzzyConfig, FuzzyIndex};
use super::hash::FastMap;
use super::stem::stem_into;

/// The id of a word the lexicon does not know; no phrase contains it.
pub(crate) const UNKNOWN: u32 = 0;
/// The id of a clause break (punctuation); no phrase contains it.
pub(crate) const BOUNDARY: u32 = 1;

/// How deep rewrites may chain ("wanna" -> "want to"; "ur" -> "your" -> "my").
const MAX_REWRITE_DEPTH: usize = 4;

/// A piece of text: a word (lowercased, accents folded) with its byte span, or a clause break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Word(&'a str, Range<usize>),
    Break,
}

/// Cuts `text` into words and clause breaks.
///
/// "don't" becomes "dont"; other clitics are dropped ("I'd" -> "i", "mum's" -> "mum"); `&` is
/// "and"; sentence punctuation, brackets, new lines and a spaced dash end a clause; any other
/// character only separates words.
pub(crate) fn tokenise(text: &str, mut emit: impl FnMut(Piece<'_>)) {
    let mut word = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut previous = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                start = i;
            }
            push_folded(c, &mut word);
            end = i + c.len_utf8();
        } else if is_apostrophe(c)
            && !word.is_empty()
            && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic())
        {
            let rest = &text[i + c.len_utf8()..];
            let clitic_len: usize = rest
                .chars()
                .take_while(|ch| ch.is_alphabetic())
                .map(char::len_utf8)
                .sum();
            let clitic = rest[..clitic_len].to_lowercase();
            if word.ends_with('n') && clitic == "t" {
                // "don't": keep the t, drop the apostrophe.
            } else if matches!(clitic.as_str(), "s" | "d" | "ll" | "re" | "ve" | "m") {
                for _ in 0..clitic.chars().count() {
                    chars.next();
                }
            }
        } else {
            if !word.is_empty() {
                emit(Piece::Word(&word, start..end));
                word.clear();
            }
            if c == '&' {
                emit(Piece::Word("and", i..i + 1));
            } else if ends_clause(c, previous) {
                emit(Piece::Break);
            }
        }
        previous = c;
    }
    if !word.is_empty() {
        emit(Piece::Word(&word, start..end));
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`')
}

fn ends_clause(c: char, previous: char) -> bool {
    match c {
        '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '\n' | '\r' | '|' => true,
        '\u{2022}' | '\u{2013}' | '\u{2014}' => true,
        '-' => previous.is_whitespace(),
        _ => false,
    }
}

/// Lowercases `c` and folds common Latin accents ("café" -> "cafe").
fn push_folded(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        match lower {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            other => out.push(other),
        }
    }
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
        tokenise(phrase, |piece| match piece {
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
        tokenise(word, |piece| {
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
        if let Some(ids) = self.surface.get(word) {
            ids.iter().for_each(|&id| emit(id));
            return;
        }
        stem_into(word, scratch);
        if let Some(&id) = self.vocab.get(scratch.as_str()) {
            emit(id);
            return;
        }
        match self.fuzzy.lookup(&[word, scratch.as_str()]) {
            Some(ids) => ids.iter().for_each(|&id| emit(id)),
            None => emit(UNKNOWN),
        }
    }

    /// The ids a typo correction gives `word`, or `None` when the word is known as it is (or
    /// stemmed) or has no near lexicon word.
    pub(crate) fn correction(&self, word: &str) -> Option<&[u32]> {
        let mut scratch = String::new();
        if self.surface.contains_key(word) {
            return None;
        }
        stem_into(word, &mut scratch);
        if self.vocab.contains_key(scratch.as_str()) {
            return None;
        }
        self.fuzzy
            .lookup(&[word, scratch.as_str()])
            .map(|ids| &**ids)
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

    fn pieces(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenise(text, |piece| match piece {
            Piece::Word(word, span) => {
                assert!(span.end <= text.len());
                out.push(word.to_owned());
            }
            Piece::Break => out.push("|".to_owned()),
        });
        out
    }

    #[test]
    fn words_clitics_and_breaks() {
        assert_eq!(
            pieces("I don't want the Day-Centre, I'd like a job!"),
            ["i", "dont", "want", "the", "day", "centre", "|", "i", "like", "a", "job", "|"]
        );
        assert_eq!(pieces("Mum's café & Nan’s"), ["mum", "cafe", "and", "nan"]);
        assert_eq!(pieces("a job - not this"), ["a", "job", "|", "not", "this"]);
        assert_eq!(pieces("c my m8s 2nite"), ["c", "my", "m8s", "2nite"]);
        assert_eq!(pieces("O'Neil can't"), ["oneil", "cant"]);
    }

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
        tokenise(text, |piece| {
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
        assert_eq!(words(&n, "lovely"), ["lovely"]);
        assert_eq!(words(&n, "zebra"), ["?"]);
    }

    #[test]
    fn bad_phrases_are_reported() {
        let mut n = normaliser();
        assert_eq!(n.intern_phrase("the"), Err(PhraseProblem::Empty));
        assert_eq!(n.intern_phrase("job, now"), Err(PhraseProblem::Punctuation));
    }
}
