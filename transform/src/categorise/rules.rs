//! Weighs the phrases found in one statement: longer phrases hide the ones inside them,
//! punctuation and break words cut clauses, negation cues reject what they scope, frames
//! swallow the places named after them, and weak terms give way to any other term.
//!
//! Finding the phrases is left to the automaton (`lexicon`); this module only decides.

use std::ops::Range;

use stf_schemas::codes::Category;

use super::lexicon::{Compiled, Role, TermRole};
use super::normalise::BOUNDARY;
use super::{Categorisation, Match, Rejected, Rejection};

/// A phrase found in the statement, over word positions `start..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// A term of a surviving hit, with what happened to it.
struct Candidate<'a> {
    hit: Hit,
    role: &'a TermRole,
    rejection: Option<Rejection>,
}

/// Decides the categories of a statement from its words and the phrases found in them.
pub(crate) fn decide(
    compiled: &Compiled,
    words: &[u32],
    spans: &[Range<usize>],
    hits: &mut Vec<Hit>,
) -> Categorisation {
    outermost(hits);
    let hits = &*hits;
    let clause = clauses(compiled, words, hits);
    let roles = |hit: &Hit| compiled.patterns[hit.pattern].roles.iter();

    let mut candidates: Vec<Candidate<'_>> = hits
        .iter()
        .flat_map(|hit| {
            roles(hit).filter_map(move |role| match role {
                Role::Term(term) => Some(Candidate {
                    hit: *hit,
                    role: term,
                    rejection: None,
                }),
                _ => None,
            })
        })
        .collect();

    // Negation: a cue rejects the negatable terms after it in its clause (or, for a near cue,
    // just after it).
    for cue in hits {
        for role in roles(cue) {
            let reach = match role {
                Role::ClauseCue => usize::MAX,
                Role::NearCue => compiled.near_reach,
                _ => continue,
            };
            for candidate in candidates.iter_mut() {
                let start = candidate.hit.start;
                if candidate.rejection.is_none()
                    && candidate.role.negatable
                    && start >= cue.end
                    && start - cue.end < reach
                    && clause[start] == clause[cue.start]
                {
                    candidate.rejection = Some(Rejection::Negated);
                }
            }
        }
    }

    // Frames: "a job in the garden centre" swallows the garden centre.
    for frame_hit in hits {
        for role in roles(frame_hit) {
            let Role::Frame(index) = role else { continue };
            let frame = &compiled.frames[*index];
            let mut end = (frame_hit.end + frame.window).min(words.len());
            if let Some(stop) = (frame_hit.end..end)
                .find(|&i| frame.stops.contains(&words[i]) || clause[i] != clause[frame_hit.start])
            {
                end = stop;
            }
            for candidate in candidates.iter_mut() {
                let start = candidate.hit.start;
                if candidate.rejection.is_none()
                    && (frame_hit.end..end).contains(&start)
                    && frame.absorbs.contains(&candidate.role.category)
                {
                    candidate.rejection = Some(Rejection::Framed);
                }
            }
        }
    }

    // Weak terms count only when nothing else does.
    let any_strong = candidates
        .iter()
        .any(|c| c.rejection.is_none() && !c.role.weak);
    if any_strong {
        for candidate in candidates.iter_mut() {
            if candidate.rejection.is_none() && candidate.role.weak {
                candidate.rejection = Some(Rejection::Outweighed);
            }
        }
    }

    let to_match = |candidate: &Candidate<'_>| Match {
        category: candidate.role.category,
        term: candidate.role.term.to_string(),
        span: spans[candidate.hit.start].start..spans[candidate.hit.end - 1].end,
    };
    let mut matches = Vec::new();
    let mut rejected = Vec::new();
    for candidate in &candidates {
        match candidate.rejection {
            None => matches.push(to_match(candidate)),
            Some(reason) => rejected.push(Rejected {
                matched: to_match(candidate),
                reason,
            }),
        }
    }
    let mut categories: Vec<Category> = matches.iter().map(|m| m.category).collect();
    categories.sort_unstable_by_key(|c| c.as_str());
    categories.dedup();
    if categories.is_empty() {
        categories.push(Category::Unclassified);
    }
    Categorisation {
        categories,
        matches,
        rejected,
        from_default: false,
    }
}

/// Drops every hit that lies inside a longer hit, leaving the rest in order of position.
fn outermost(hits: &mut Vec<Hit>) {
    // Sorted by start, longest first: a hit is inside another exactly when some earlier hit
    // reaches at least as far. (Two hits never share both ends: equal spans are one pattern.)
    hits.sort_unstable_by_key(|h| (h.start, usize::MAX - h.end));
    let mut reach = 0;
    hits.retain(|hit| {
        let keep = hit.end > reach;
        reach = reach.max(hit.end);
        keep
    });
}

/// The clause number of every word: punctuation and break phrases start a new clause.
fn clauses(compiled: &Compiled, words: &[u32], hits: &[Hit]) -> Vec<u32> {
    let mut cut = vec![false; words.len() + 1];
    for (i, &word) in words.iter().enumerate() {
        if word == BOUNDARY {
            cut[i] = true;
        }
    }
    for hit in hits {
        if compiled.patterns[hit.pattern]
            .roles
            .iter()
            .any(|role| matches!(role, Role::Break))
        {
            cut[hit.start] = true;
        }
    }
    let mut clause = Vec::with_capacity(words.len() + 1);
    let mut current = 0u32;
    for &is_cut in &cut {
        current += u32::from(is_cut);
        clause.push(current);
    }
    clause
}
