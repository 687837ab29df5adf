//! Typo tolerance: finds the dictionary word nearest to an unknown word, by restricted
//! Damerau-Levenshtein distance (one edit for shorter words, two for longer ones).
//!
//! The index is a deletion neighbourhood built once (SymSpell's idea): every word is stored
//! under itself and each string it becomes after deleting up to two letters, so a lookup is a
//! handful of hash probes rather than a scan of the dictionary. What the dictionary holds and
//! what a correction means is left to the normaliser.

use std::collections::HashSet;

use super::hash::FastMap;

/// Settings of the typo index (from the taxonomy's `[fuzzy]` table).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FuzzyConfig {
    pub min_len: usize,
    pub two_edits_from: usize,
    pub same_first_letter: bool,
}

impl FuzzyConfig {
    /// The edits allowed for a word of `len` letters; 0 means no correction.
    fn max_edits(&self, len: usize) -> usize {
        if len < self.min_len {
            0
        } else if len < self.two_edits_from {
            1
        } else {
            2
        }
    }
}

/// One correctable word and what it resolves to.
#[derive(Debug)]
struct Entry<T> {
    word: Box<str>,
    value: T,
    /// Preferred on a tie (a lexicon word rather than a merely known word).
    preferred: bool,
}

/// A deletion-neighbourhood index from words to values of type `T`.
#[derive(Debug)]
pub(crate) struct FuzzyIndex<T> {
    config: FuzzyConfig,
    entries: Vec<Entry<T>>,
    deletes: FastMap<Box<str>, Vec<u32>>,
}

impl<T> FuzzyIndex<T> {
    pub(crate) fn new(config: FuzzyConfig) -> Self {
        Self {
            config,
            entries: Vec::new(),
            deletes: FastMap::default(),
        }
    }

    /// Adds a dictionary word (ASCII lowercase letters only; others are ignored).
    pub(crate) fn insert(&mut self, word: &str, value: T, preferred: bool) {
        if !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return;
        }
        // A dictionary word needs the deletions that a query within reach could share with it.
        let reach = self
            .config
            .max_edits(word.len() + 2)
            .min(word.len().saturating_sub(3));
        if reach == 0 && word.len() + 1 < self.config.min_len {
            return;
        }
        let index = u32::try_from(self.entries.len()).expect("fewer than 4 billion words");
        self.entries.push(Entry {
            word: word.into(),
            value,
            preferred,
        });
        for key in deletions(word, reach.max(1)) {
            let slot = self.deletes.entry(key.into_boxed_str()).or_default();
            if slot.last() != Some(&index) {
                slot.push(index);
            }
        }
    }

    /// The value of the nearest word to the first of `queries` that has one within reach
    /// (say a word, then its stem). The allowed distance follows the length of `queries[0]`;
    /// a later query is only tried when it is at least `min_len + 1` letters long, since short
    /// stems sit one edit from too many other words.
    pub(crate) fn lookup(&self, queries: &[&str]) -> Option<&T> {
        let first = *queries.first()?;
        let max = self.config.max_edits(first.chars().count());
        if max == 0 {
            return None;
        }
        queries.iter().enumerate().find_map(|(i, query)| {
            if i > 0 && query.len() <= self.config.min_len {
                return None;
            }
            self.nearest(query, max)
        })
    }

    fn nearest(&self, query: &str, max: usize) -> Option<&T> {
        let q = query.as_bytes();
        if q.len() > MAX_WORD || !q.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        let mut search = Search {
            index: self,
            query: q,
            max,
            best: None,
            seen: Vec::new(),
        };
        // The query and every string it gives with up to `max` deletions, without allocating.
        // Deleting either letter of a double gives the same string, so only the first is tried.
        search.probe(q);
        let mut one = [0u8; MAX_WORD];
        let mut two = [0u8; MAX_WORD];
        for i in 0..q.len() {
            if i > 0 && q[i] == q[i - 1] {
                continue;
            }
            let one = delete(q, i, &mut one);
            search.probe(one);
            if max < 2 {
                continue;
            }
            for j in 0..one.len() {
                if j > 0 && one[j] == one[j - 1] {
                    continue;
                }
                search.probe(delete(one, j, &mut two));
            }
        }
        search.best.map(|(_, _, entry)| &entry.value)
    }

    pub(crate) fn config(&self) -> FuzzyConfig {
        self.config
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Words longer than this are never corrected (and need no heap for their deletions).
const MAX_WORD: usize = 32;

/// `word` without its byte at `at`, written into `out`.
fn delete<'a>(word: &[u8], at: usize, out: &'a mut [u8; MAX_WORD]) -> &'a [u8] {
    out[..at].copy_from_slice(&word[..at]);
    out[at..word.len() - 1].copy_from_slice(&word[at + 1..]);
    &out[..word.len() - 1]
}

/// The state of one lookup: the best entry so far and the entries already weighed.
struct Search<'i, 'q, T> {
    index: &'i FuzzyIndex<T>,
    query: &'q [u8],
    max: usize,
    best: Option<(usize, bool, &'i Entry<T>)>,
    seen: Vec<u32>,
}

impl<T> Search<'_, '_, T> {
    fn probe(&mut self, key: &[u8]) {
        let Ok(key) = std::str::from_utf8(key) else {
            return;
        };
        let Some(candidates) = self.index.deletes.get(key) else {
            return;
        };
        for &index in candidates {
            if self.seen.contains(&index) {
                continue;
            }
            self.seen.push(index);
            let entry = &self.index.entries[index as usize];
            if self.index.config.same_first_letter
                && entry.word.as_bytes().first() != self.query.first()
            {
                continue;
            }
            let Some(distance) = osa_distance(self.query, entry.word.as_bytes(), self.max) else {
                continue;
            };
            // Nearest first; then lexicon words; then a word of the query's own length (a
            // swapped or wrong letter); then alphabetical order, so that ties are stable.
            let rank = |word: &str, preferred: bool, distance: usize| {
                (distance, !preferred, word.len().abs_diff(self.query.len()))
            };
            let better = match self.best {
                None => true,
                Some((d, preferred, current)) => {
                    (rank(&entry.word, entry.preferred, distance), &*entry.word)
                        < (rank(&current.word, preferred, d), &*current.word)
                }
            };
            if better {
                self.best = Some((distance, entry.preferred, entry));
            }
        }
    }
}

/// `word` and every string made from it by deleting up to `max` letters.
fn deletions(word: &str, max: usize) -> Vec<String> {
    let mut all: HashSet<String> = HashSet::new();
    all.insert(word.to_owned());
    let mut frontier = vec![word.to_owned()];
    for _ in 0..max {
        let mut next = Vec::new();
        for w in &frontier {
            if w.len() <= 1 {
                continue;
            }
            for i in 0..w.len() {
                if !w.is_char_boundary(i) || !w.is_char_boundary(i + 1) {
                    continue;
                }
                let mut shorter = String::with_capacity(w.len() - 1);
                shorter.push_str(&w[..i]);
                shorter.push_str(&w[i + 1..]);
                if all.insert(shorter.clone()) {
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
    all.into_iter().collect()
}

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, no
/// substring edited twice), or `None` when it exceeds `max`.
pub(crate) fn osa_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut rows = vec![0usize; 3 * width];
    let (mut before, mut previous, mut current) = (0, width, 2 * width);
    for (j, cell) in rows[previous..previous + width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[current] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[previous + j] + 1)
                .min(rows[current + j - 1] + 1)
                .min(rows[previous + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[before + j - 2] + 1);
            }
            rows[current + j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        (before, previous, current) = (previous, current, before);
    }
    let distance = rows[previous + b.len()];
    (distance <= max).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(words: &[(&str, bool)]) -> FuzzyIndex<String> {
        let mut index = FuzzyIndex::new(FuzzyConfig {
            min_len: 5,
            two_edits_from: 9,
            same_first_letter: true,
        });
        for &(word, preferred) in words {
            index.insert(word, word.to_owned(), preferred);
        }
        index
    }

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        assert_eq!(osa_distance(b"freinds", b"friends", 2), Some(1));
        assert_eq!(osa_distance(b"swiming", b"swimming", 2), Some(1));
        assert_eq!(osa_distance(b"colledge", b"college", 2), Some(1));
        assert_eq!(osa_distance(b"excercise", b"exercise", 2), Some(1));
        assert_eq!(osa_distance(b"wheelchiar", b"wheelchair", 2), Some(1));
        assert_eq!(osa_distance(b"cat", b"dog", 2), None);
        assert_eq!(osa_distance(b"", b"ab", 2), Some(2));
    }

    #[test]
    fn finds_the_nearest_word_within_reach() {
        let index = index(&[("swimming", true), ("college", true), ("medication", true)]);
        assert_eq!(
            index.lookup(&["swiming"]).map(String::as_str),
            Some("swimming")
        );
        assert_eq!(
            index.lookup(&["colege"]).map(String::as_str),
            Some("college")
        );
        assert_eq!(
            index.lookup(&["medecasion"]).map(String::as_str),
            Some("medication")
        );
        assert_eq!(
            index.lookup(&["swamping"]),
            None,
            "two edits is too many for 8 letters"
        );
        assert_eq!(
            index.lookup(&["swim"]),
            None,
            "short words are never corrected"
        );
    }

    #[test]
    fn the_first_letter_must_agree() {
        let index = index(&[("walking", true)]);
        assert_eq!(index.lookup(&["talking"]), None);
    }

    #[test]
    fn ties_prefer_lexicon_words_then_alphabetical_order() {
        let index = index(&[("lovely", false), ("lonely", true)]);
        assert_eq!(
            index.lookup(&["lonley"]).map(String::as_str),
            Some("lonely")
        );
        assert_eq!(
            index.lookup(&["lovley"]).map(String::as_str),
            Some("lovely")
        );
    }
}
