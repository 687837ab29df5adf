//! How people really write: slang, text-speak, spelling mistakes, dropped apostrophes,
//! shouting and trailing "lol". Applied to composed outcome text; never adds digits, so it
//! cannot make something look like personal data.

use crate::rng::{self, Rng};

/// Informal spellings: the first found in a text may be swapped in.
const SLANG: &[(&str, &str)] = &[
    ("want to", "wanna"),
    ("going to", "gonna"),
    ("because", "cos"),
    ("because", "coz"),
    ("my mum", "me mam"),
    ("my mum", "my mam"),
    ("my friends", "my mates"),
    ("friends", "pals"),
    ("football", "footy"),
    ("really", "rly"),
    ("I'm", "im"),
    ("don't", "dont"),
    ("please", "pls"),
    ("great", "gr8"),
    ("you", "u"),
    ("and", "&"),
    ("my", "me"),
    ("see", "c"),
    ("I would", "id"),
    ("would like to", "would like 2"),
    ("grandchildren", "grandkids"),
    ("tonight", "2nite"),
    ("something", "summat"),
    ("nothing", "nowt"),
];

/// Common misspellings of words the phrases use.
const MISSPELT: &[(&str, &str)] = &[
    ("swimming", "swiming"),
    ("friends", "freinds"),
    ("college", "collage"),
    ("because", "becuase"),
    ("independently", "independantly"),
    ("would", "wud"),
    ("could", "cud"),
    ("going", "goin"),
    ("really", "realy"),
    ("again", "agian"),
    ("different", "diffrent"),
    ("holiday", "holliday"),
    ("tablets", "tablits"),
    ("weekend", "weekand"),
    ("weekends", "wkends"),
    ("walking", "walkin"),
    ("shopping", "shoping"),
    ("course", "coarse"),
    ("family", "famly"),
    ("people", "poeple"),
    ("important", "importent"),
    ("confident", "confidant"),
    ("anxiety", "anxeity"),
    ("learn", "lern"),
    ("their", "there"),
    ("definitely", "definately"),
    ("girlfriend", "girlfreind"),
    ("appointments", "appointmens"),
    ("computer", "computor"),
    ("dressed", "drest"),
];

/// Endings, by how often they are used out of a hundred.
const ENDINGS: &[(&str, u32)] = &[
    ("", 45),
    (".", 30),
    ("!", 8),
    ("!!", 3),
    (" :)", 4),
    (" x", 3),
    (" lol", 3),
    (" tbh", 2),
    ("...", 2),
];

/// Roughens a composed statement in place.
pub(crate) fn roughen(rng: &mut Rng, text: &mut String) {
    if rng::chance(rng, 0.22) {
        slang(rng, text);
    }
    if rng::chance(rng, 0.3) {
        misspell(rng, text);
    }
    if rng::chance(rng, 0.1) {
        text.retain(|c| c != '\'');
    }
    let case = rng::unit(rng);
    if case < 0.14 {
        text.make_ascii_lowercase();
    } else if case < 0.16 {
        text.make_ascii_uppercase();
    }
    let mut x = rng::int(rng, 0, 99);
    for (ending, n) in ENDINGS {
        if x < *n {
            text.push_str(ending);
            break;
        }
        x -= n;
    }
}

fn slang(rng: &mut Rng, text: &mut String) {
    let mut done = 0;
    for _ in 0..5 {
        let (from, to) = rng::pick(rng, SLANG);
        if let Some(at) = find_word(text, from) {
            text.replace_range(at..at + from.len(), to);
            done += 1;
            if done == 2 || rng::chance(rng, 0.5) {
                break;
            }
        }
    }
}

/// Where `word` occurs in `text` between word boundaries.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let first = word.chars().next()?;
    let (t, w) = (text.as_bytes(), word.as_bytes());
    let mut from = 0;
    while let Some(pos) = text[from..].find(first) {
        let at = from + pos;
        let end = at + w.len();
        if end > t.len() {
            return None;
        }
        if &t[at..end] == w
            && (at == 0 || !t[at - 1].is_ascii_alphanumeric())
            && (end == t.len() || !t[end].is_ascii_alphanumeric())
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Misspells one or two words of four or more lowercase letters, in place.
fn misspell(rng: &mut Rng, text: &mut String) {
    for _ in 0..rng::int(rng, 1, 2) {
        // Start at a random byte and take the next word that qualifies.
        let start = rng::int(rng, 0, text.len().saturating_sub(1) as u32) as usize;
        let Some((at, len)) = next_plain_word(text.as_bytes(), start) else {
            continue;
        };
        let word = &text[at..at + len];
        if let Some((_, wrong)) = MISSPELT
            .iter()
            .find(|(right, _)| right.len() == len && *right == word)
        {
            text.replace_range(at..at + len, wrong);
        } else {
            typo(rng, text, at, len);
        }
    }
}

/// The first word at or after `start` made of four or more ASCII lowercase letters.
fn next_plain_word(t: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut i = start.min(t.len());
    // Back up to the start of the word we are in.
    while i > 0 && t[i - 1] != b' ' {
        i -= 1;
    }
    while i < t.len() {
        let end = t[i..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(t.len(), |p| i + p);
        let word = &t[i..end];
        if word.len() >= 4 && word.iter().all(u8::is_ascii_lowercase) {
            return Some((i, end - i));
        }
        i = end + 1;
    }
    None
}

/// One slip of the finger on the ASCII lowercase word at `at..at + len` (four letters or
/// more): two letters swapped, one dropped, or one doubled.
fn typo(rng: &mut Rng, text: &mut String, at: usize, len: usize) {
    let i = at + rng::int(rng, 1, len as u32 - 2) as usize;
    let b = text.as_bytes();
    let (here, next) = (b[i] as char, b[i + 1] as char);
    match rng::int(rng, 0, 2) {
        0 => {
            text.remove(i);
            text.insert(i + 1, here);
            debug_assert_eq!(text.as_bytes()[i] as char, next);
        }
        1 => {
            text.remove(i);
        }
        _ => text.insert(i, here),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_only_whole() {
        assert_eq!(find_word("I want to go", "want to"), Some(2));
        assert_eq!(find_word("seeing my mum", "see"), None);
        assert_eq!(find_word("my", "my"), Some(0));
        assert_eq!(find_word("mummy my", "my"), Some(6));
        assert_eq!(find_word("m", "my"), None);
    }

    #[test]
    fn plain_words_are_found_from_anywhere() {
        let t = b"I want to go swimming";
        assert_eq!(next_plain_word(t, 0), Some((2, 4)));
        assert_eq!(next_plain_word(t, 4), Some((2, 4)));
        assert_eq!(next_plain_word(t, 8), Some((13, 8)));
        assert_eq!(next_plain_word(b"I go", 0), None);
    }

    #[test]
    fn roughening_keeps_text_one_line_and_digit_free() {
        let mut rng = rng::stream(9, 9);
        for _ in 0..2000 {
            let mut t =
                String::from("I want to go swimming with my friends because I really miss it");
            roughen(&mut rng, &mut t);
            assert!(!t.is_empty() && t.len() < 200);
            assert!(!t.contains('\n'));
            assert!(
                !t.bytes()
                    .any(|b| b.is_ascii_digit() && b != b'2' && b != b'8'),
                "{t}"
            );
        }
    }
}
