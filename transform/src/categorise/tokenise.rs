//! Cutting text into words and clause breaks: lowercasing, folding accents, handling
//! apostrophes, and deciding which punctuation ends a clause.
//!
//! What the words mean is left to the normaliser.

use std::ops::Range;

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
/// character only separates words. `word` is a buffer reused between calls.
pub(crate) fn tokenise(text: &str, word: &mut String, mut emit: impl FnMut(Piece<'_>)) {
    word.clear();
    let mut start = 0;
    let mut end = 0;
    let mut previous = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                start = i;
            }
            push_folded(c, word);
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
                emit(Piece::Word(word, start..end));
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
        emit(Piece::Word(word, start..end));
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
pub(crate) fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenise(text, &mut String::new(), |piece| match piece {
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
}
