//! Bearer tokens for the SQL endpoint: `name:token` pairs from configuration, checked in
//! constant time. A token's value is never logged or shown; its name identifies the caller
//! in the audit log.

use std::path::Path;
use std::str::FromStr;

use subtle::{ConditionallySelectable, ConstantTimeEq};

/// The shortest token accepted: anything shorter is guessable.
pub const MIN_TOKEN_LEN: usize = 16;

/// A configured token list that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    #[error("token entry {index} is not `name:token`")]
    Malformed { index: usize },
    #[error("token {name:?} is shorter than {MIN_TOKEN_LEN} characters")]
    TooShort { name: String },
    #[error("token name {name:?} is given twice")]
    DuplicateName { name: String },
    #[error("cannot read the tokens file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The accepted tokens and their names.
#[derive(Clone, Default)]
pub struct Tokens {
    entries: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.entries.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Tokens").field("names", &names).finish()
    }
}

impl Tokens {
    /// Reads a tokens file: one `name:token` a line; blank lines and `#` comments skipped.
    pub fn from_file(path: &Path) -> Result<Self, TokensError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#')),
        )
    }

    /// Adds the tokens of `other` to these.
    pub fn merge(mut self, other: Tokens) -> Result<Self, TokensError> {
        for (name, token) in other.entries {
            self.push(name, token)?;
        }
        Ok(self)
    }

    /// Whether no token is configured (then the SQL endpoint refuses everyone).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The token names, for logs.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// The name of the token `presented` is, if any. Every configured token is compared, in
    /// constant time for tokens of equal length, whichever matches.
    pub fn authenticate(&self, presented: &[u8]) -> Option<&str> {
        let mut found = u32::MAX;
        for (i, (_, token)) in self.entries.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            found = u32::conditional_select(&found, &index, token.as_slice().ct_eq(presented));
        }
        self.entries
            .get(usize::try_from(found).ok()?)
            .map(|(name, _)| name.as_str())
    }

    /// The token of an `Authorization: Bearer TOKEN` header value.
    pub fn bearer(header: &[u8]) -> Option<&[u8]> {
        let (scheme, rest) = header.split_at_checked(7)?;
        scheme
            .eq_ignore_ascii_case(b"bearer ")
            .then_some(rest.trim_ascii())
    }

    fn parse<'a>(entries: impl Iterator<Item = &'a str>) -> Result<Self, TokensError> {
        let mut tokens = Tokens::default();
        for (index, entry) in entries.enumerate() {
            let (name, token) = entry
                .split_once(':')
                .map(|(n, t)| (n.trim(), t.trim()))
                .filter(|(n, t)| !n.is_empty() && !t.is_empty())
                .ok_or(TokensError::Malformed { index: index + 1 })?;
            tokens.push(name.to_owned(), token.as_bytes().to_vec())?;
        }
        Ok(tokens)
    }

    fn push(&mut self, name: String, token: Vec<u8>) -> Result<(), TokensError> {
        if token.len() < MIN_TOKEN_LEN {
            return Err(TokensError::TooShort { name });
        }
        if self.entries.iter().any(|(n, _)| *n == name) {
            return Err(TokensError::DuplicateName { name });
        }
        self.entries.push((name, token));
        Ok(())
    }
}

impl FromStr for Tokens {
    type Err = TokensError;

    /// Comma-separated `name:token` pairs, as `STF_API_TOKENS` holds them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.split(',').map(str::trim).filter(|e| !e.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_by_value_and_named() {
        let tokens: Tokens = "alice:aaaaaaaaaaaaaaaaaaaa, bob:bbbbbbbbbbbbbbbbbbbb"
            .parse()
            .expect("valid");
        assert_eq!(tokens.authenticate(b"bbbbbbbbbbbbbbbbbbbb"), Some("bob"));
        assert_eq!(tokens.authenticate(b"aaaaaaaaaaaaaaaaaaaa"), Some("alice"));
        assert_eq!(tokens.authenticate(b"aaaaaaaaaaaaaaaaaaab"), None);
        assert_eq!(tokens.authenticate(b""), None);
        assert_eq!(Tokens::default().authenticate(b"anything"), None);
    }

    #[test]
    fn bad_token_lists_are_refused_without_showing_the_token() {
        let short = "x:tiny12".parse::<Tokens>().expect_err("too short");
        assert!(!short.to_string().contains("tiny12"), "{short}");
        assert!(matches!(short, TokensError::TooShort { .. }));
        assert!(matches!(
            "nocolon".parse::<Tokens>(),
            Err(TokensError::Malformed { index: 1 })
        ));
        assert!(matches!(
            "a:aaaaaaaaaaaaaaaaaaaa,a:bbbbbbbbbbbbbbbbbbbb".parse::<Tokens>(),
            Err(TokensError::DuplicateName { .. })
        ));
        let debug = format!(
            "{:?}",
            "a:aaaaaaaaaaaaaaaaaaaa".parse::<Tokens>().expect("valid")
        );
        assert!(!debug.contains("aaaaaaaaaaaaaaaa"), "{debug}");
    }

    #[test]
    fn bearer_headers_are_read() {
        assert_eq!(Tokens::bearer(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(Tokens::bearer(b"bearer  abc "), Some(&b"abc"[..]));
        assert_eq!(Tokens::bearer(b"Basic abc"), None);
        assert_eq!(Tokens::bearer(b"Bear"), None);
    }
}
