//! A light English stemmer: plurals, `-ed`, `-ing`, final `-y` and `-e` (Porter's steps 1 and
//! 5, with the later rule that keeps "bus" and "gas" whole).
//!
//! It only has to be consistent, since lexicon and statements go through the same steps; it
//! stops short of Porter's derivational steps, which merge words such as "community" and
//! "communication" that the taxonomy keeps apart.

/// Writes the stem of `word` (lowercase) into `out`, replacing its contents.
pub(crate) fn stem_into(word: &str, out: &mut String) {
    out.clear();
    out.push_str(word);
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    // Safe to edit as bytes: the word is ASCII lowercase.
    let mut w: Vec<u8> = word.as_bytes().to_vec();
    step_1a(&mut w);
    step_1b(&mut w);
    step_1c(&mut w);
    step_5(&mut w);
    out.clear();
    out.extend(w.iter().map(|&b| char::from(b)));
}

fn is_consonant(w: &[u8], i: usize) -> bool {
    match w[i] {
        b'a' | b'e' | b'i' | b'o' | b'u' => false,
        b'y' => i == 0 || !is_consonant(w, i - 1),
        _ => true,
    }
}

/// Porter's m: the number of vowel-consonant sequences in `w`.
fn measure(w: &[u8]) -> usize {
    let mut m = 0;
    let mut i = 0;
    while i < w.len() && is_consonant(w, i) {
        i += 1;
    }
    loop {
        while i < w.len() && !is_consonant(w, i) {
            i += 1;
        }
        if i >= w.len() {
            return m;
        }
        while i < w.len() && is_consonant(w, i) {
            i += 1;
        }
        m += 1;
    }
}

fn has_vowel(w: &[u8]) -> bool {
    (0..w.len()).any(|i| !is_consonant(w, i))
}

fn ends_double_consonant(w: &[u8]) -> bool {
    let n = w.len();
    n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1)
}

/// Consonant-vowel-consonant ending, the last not w, x or y ("hop", not "snow").
fn ends_cvc(w: &[u8]) -> bool {
    let n = w.len();
    n >= 3
        && is_consonant(w, n - 3)
        && !is_consonant(w, n - 2)
        && is_consonant(w, n - 1)
        && !matches!(w[n - 1], b'w' | b'x' | b'y')
}

fn step_1a(w: &mut Vec<u8>) {
    if w.ends_with(b"sses") || w.ends_with(b"ies") {
        w.truncate(w.len() - 2);
    } else if w.ends_with(b"s") && !w.ends_with(b"ss") && !w.ends_with(b"us") {
        // Drop the s only if a vowel comes before the letter before it: "cats", not "gas".
        let n = w.len();
        if has_vowel(&w[..n - 2]) {
            w.truncate(n - 1);
        }
    }
}

fn step_1b(w: &mut Vec<u8>) {
    if w.ends_with(b"eed") {
        if measure(&w[..w.len() - 3]) > 0 {
            w.truncate(w.len() - 1);
        }
        return;
    }
    let suffix = if w.ends_with(b"ed") {
        2
    } else if w.ends_with(b"ing") {
        3
    } else {
        return;
    };
    let stem_len = w.len() - suffix;
    if !has_vowel(&w[..stem_len]) {
        return;
    }
    w.truncate(stem_len);
    let restore_e = w.ends_with(b"at") || w.ends_with(b"bl") || w.ends_with(b"iz");
    let double = ends_double_consonant(w) && !matches!(w[w.len() - 1], b'l' | b's' | b'z');
    if restore_e || (!double && measure(w) == 1 && ends_cvc(w)) {
        w.push(b'e');
    } else if double {
        w.pop();
    }
}

fn step_1c(w: &mut [u8]) {
    let n = w.len();
    if w.ends_with(b"y") && has_vowel(&w[..n - 1]) {
        w[n - 1] = b'i';
    }
}

fn step_5(w: &mut Vec<u8>) {
    if w.ends_with(b"e") {
        let stem = &w[..w.len() - 1];
        let m = measure(stem);
        if m > 1 || (m == 1 && !ends_cvc(stem)) {
            w.pop();
        }
    }
    if measure(w) > 1 && w.ends_with(b"ll") {
        w.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        let mut out = String::new();
        stem_into(word, &mut out);
        out
    }

    fn same(words: &[&str]) {
        let first = stem(words[0]);
        for word in words {
            assert_eq!(stem(word), first, "{word} should stem like {}", words[0]);
        }
    }

    fn different(a: &str, b: &str) {
        assert_ne!(stem(a), stem(b), "{a} and {b} must stay apart");
    }

    #[test]
    fn inflections_meet() {
        same(&["swim", "swims", "swimming"]);
        same(&["care", "cares", "caring", "cared"]);
        same(&["dance", "dances", "dancing", "danced"]);
        same(&["live", "lives", "living", "lived"]);
        same(&["move", "moves", "moving", "moved"]);
        same(&["course", "courses"]);
        same(&["college", "colleges"]);
        same(&["holiday", "holidays"]);
        same(&["library", "libraries"]);
        same(&["travel", "travelling", "travelled"]);
        same(&["fall", "falls", "falling"]);
        same(&["class", "classes"]);
        same(&["hike", "hiking"]);
        same(&["exercise", "exercising", "exercises"]);
    }

    #[test]
    fn different_words_stay_apart() {
        different("car", "caring");
        different("community", "communication");
        different("bus", "bu");
        different("is", "i");
        different("gas", "ga");
    }

    #[test]
    fn short_and_non_ascii_words_are_untouched() {
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("key"), stem("keys"));
        assert_eq!(stem("pubs"), "pub");
        assert_eq!(stem("café"), "café");
        assert_eq!(stem("m8s"), "m8s");
    }
}
