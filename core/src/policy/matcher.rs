//! IAM's wildcard matching, decided for *every* and for *some* value of a
//! subject with unknown parts.
//!
//! A subject is a concrete string (`ecr:GetAuthorizationToken`) or a
//! template with holes (`arn:aws:ecr:eu-west-1:<registry>:repository/<repository>`):
//! a hole stands for any non-empty string, with or without colons. A
//! pattern then matches every value of the subject ([`Fit::All`]), only
//! some ([`Fit::Some`]), or none ([`Fit::None`]). Both answers are exact
//! for concrete subjects. For templates, `All` is sound (every value
//! matches: each hole lies within a single `*` that accepts all its
//! characters) but not complete (a `?*` covering a hole is reported as
//! `Some`), and `None` is sound (no value matches), so a caller that maps
//! `Some` to *unknown* never guesses.
//!
//! Dialects ([`Dialect`]):
//! * actions: `*` and `?` match anything, letters compared without regard
//!   to ASCII case ("the prefix and the action name are case insensitive",
//!   IAM/latest/UserGuide/reference_policies_elements_action.html);
//! * resources: case-sensitive; `*` and `?` stay within a colon-delimited
//!   ARN segment, except that a `*` ending a segment "can expand to match
//!   beyond the colon boundaries"
//!   (IAM/latest/UserGuide/reference_policies_elements_resource.html);
//! * `StringLike`: case-sensitive, `*` and `?` match anything
//!   (reference_policies_elements_condition_operators.html).
//!
//! Iterative dynamic programming over (pattern, subject) with two rows:
//! time O(|pattern| × |subject|), memory O(|subject|), no recursion.

use alloc::vec;
use alloc::vec::Vec;

/// How a pattern's wildcards and letters are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `Action` / `NotAction`.
    Action,
    /// `Resource` / `NotResource`.
    Resource,
    /// `StringLike` and one segment of `ArnLike`.
    Like,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A character to match exactly (already folded for actions).
    Lit(char),
    /// `?`: one character (`colon`: may be `:`).
    One { colon: bool },
    /// `*`: any run of characters (`colon`: may contain `:`).
    Star { colon: bool },
}

/// One element of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// A known character (already folded for actions).
    Ch(char),
    /// An unknown non-empty run (`colon`: may contain `:`).
    Hole { colon: bool },
}

/// How far a pattern matches a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Every value of the subject matches.
    All,
    /// Some values may match, others not (never for concrete subjects).
    Some,
    /// No value matches.
    None,
}

/// Folds a character for comparison in `dialect`.
pub(crate) fn fold(dialect: Dialect, c: char) -> char {
    if dialect == Dialect::Action {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

/// Compiles the wildcard `c` at the position before `next` (the following
/// character of the pattern, if any) in `dialect`.
fn wildcard(dialect: Dialect, c: char, next: Option<char>) -> Tok {
    let anywhere = dialect != Dialect::Resource;
    match c {
        '*' => Tok::Star {
            colon: anywhere || matches!(next, None | Some(':')),
        },
        _ => Tok::One { colon: anywhere },
    }
}

/// Compiles a pattern without policy variables.
pub(crate) fn compile(dialect: Dialect, pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' | '?' => wildcard(dialect, c, chars.peek().copied()),
            _ => Tok::Lit(fold(dialect, c)),
        });
    }
    out
}

/// A concrete subject.
pub(crate) fn concrete(dialect: Dialect, s: &str) -> Vec<Item> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        out.push(Item::Ch(fold(dialect, c)));
    }
    out
}

fn star_takes(colon: bool, item: Item) -> bool {
    match item {
        Item::Ch(c) => colon || c != ':',
        Item::Hole { colon: hole_colon } => colon || !hole_colon,
    }
}

/// Every value of `subject` matches `pattern`.
fn all(pattern: &[Tok], subject: &[Item]) -> bool {
    let n = subject.len();
    // next[j]: pattern[i+1..] matches subject[j..] (for every value).
    let mut next = vec![false; n + 1];
    let mut cur = vec![false; n + 1];
    if let Some(last) = next.last_mut() {
        *last = true;
    }
    for tok in pattern.iter().rev() {
        for j in (0..=n).rev() {
            let item = subject.get(j).copied();
            cur[j] = match (*tok, item) {
                (Tok::Star { colon }, _) => {
                    next[j] || item.is_some_and(|it| star_takes(colon, it)) && cur[j + 1]
                }
                (Tok::Lit(x), Some(Item::Ch(y))) => x == y && next[j + 1],
                (Tok::One { colon }, Some(Item::Ch(y))) => (colon || y != ':') && next[j + 1],
                _ => false,
            };
        }
        core::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// Some value of `subject` matches `pattern` (holes expand to any
/// non-empty run of allowed characters).
fn some(pattern: &[Tok], subject: &[Item]) -> bool {
    let n = subject.len();
    // Two flags per subject position: [j][0] = at j, not inside a hole;
    // [j][1] = inside the hole at j, at least one of its characters made.
    let mut next = vec![[false; 2]; n + 1];
    let mut cur = vec![[false; 2]; n + 1];
    // The end of the pattern: the subject must end too (a hole already
    // begun may end there).
    let fill_end = |row: &mut Vec<[bool; 2]>| {
        for j in (0..=n).rev() {
            let end = j == n;
            let in_hole = matches!(subject.get(j), Some(Item::Hole { .. }));
            let after = row.get(j + 1).is_some_and(|r| r[0]);
            row[j] = [end, in_hole && after];
        }
    };
    fill_end(&mut next);
    for tok in pattern.iter().rev() {
        for j in (0..=n).rev() {
            match subject.get(j).copied() {
                Some(Item::Hole { colon: hole_colon }) => {
                    // Making one character of the hole with `tok`: a
                    // literal must be a character the hole may hold; `?`
                    // and `*` can take an ordinary letter.
                    let make = match tok {
                        Tok::Lit(x) => (hole_colon || *x != ':') && next[j][1],
                        Tok::One { .. } => next[j][1],
                        // The star takes one character and stays: [j][1]
                        // below; or it ends here, taking nothing.
                        Tok::Star { .. } => next[j][1],
                    };
                    let inside = cur[j + 1][0] || make;
                    let start = match tok {
                        Tok::Lit(x) => (hole_colon || *x != ':') && next[j][1],
                        Tok::One { .. } => next[j][1],
                        Tok::Star { .. } => inside || next[j][0],
                    };
                    cur[j] = [start, inside];
                }
                item => {
                    let v = match (*tok, item) {
                        (Tok::Star { colon }, _) => {
                            next[j][0]
                                || item.is_some_and(|it| star_takes(colon, it)) && cur[j + 1][0]
                        }
                        (Tok::Lit(x), Some(Item::Ch(y))) => x == y && next[j + 1][0],
                        (Tok::One { colon }, Some(Item::Ch(y))) => {
                            (colon || y != ':') && next[j + 1][0]
                        }
                        _ => false,
                    };
                    cur[j] = [v, false];
                }
            }
        }
        core::mem::swap(&mut next, &mut cur);
    }
    next[0][0]
}

/// How far `pattern` matches `subject`.
pub(crate) fn fit(pattern: &[Tok], subject: &[Item]) -> Fit {
    // The literal heads must agree as far as both are known: most
    // patterns name another service or bucket and stop here.
    for (t, s) in pattern.iter().zip(subject) {
        match (t, s) {
            (Tok::Lit(x), Item::Ch(y)) if x != y => return Fit::None,
            (Tok::Lit(_), Item::Ch(_)) => {}
            _ => break,
        }
    }
    if all(pattern, subject) {
        Fit::All
    } else if subject.iter().any(|i| matches!(i, Item::Hole { .. })) && some(pattern, subject) {
        Fit::Some
    } else {
        Fit::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subj(d: Dialect, s: &str) -> Vec<Item> {
        // `<x>` is a hole without colons, `<x+>` one with.
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find('<') {
            out.extend(concrete(d, &rest[..i]));
            let end = rest[i..].find('>').unwrap() + i;
            out.push(Item::Hole {
                colon: rest[..end].ends_with('+'),
            });
            rest = &rest[end + 1..];
        }
        out.extend(concrete(d, rest));
        out
    }

    fn f(d: Dialect, p: &str, s: &str) -> Fit {
        fit(&compile(d, p), &subj(d, s))
    }

    #[test]
    fn actions() {
        use Dialect::Action as A;
        assert_eq!(f(A, "*", "ecr:BatchGetImage"), Fit::All);
        assert_eq!(f(A, "ecr:*", "ecr:BatchGetImage"), Fit::All);
        assert_eq!(f(A, "ECR:batchgetimage", "ecr:BatchGetImage"), Fit::All);
        assert_eq!(f(A, "ecr:Batch?etImage", "ecr:BatchGetImage"), Fit::All);
        assert_eq!(f(A, "ecr:Get*", "ecr:BatchGetImage"), Fit::None);
        assert_eq!(f(A, "s3:Get*", "s3:GetObject"), Fit::All);
        assert_eq!(f(A, "ec2:*", "ec2:<action>"), Fit::All);
        assert_eq!(f(A, "ec2:Describe*", "ec2:<action>"), Fit::Some);
        assert_eq!(f(A, "s3:*", "ec2:<action>"), Fit::None);
        assert_eq!(f(A, "*:Describe*", "ec2:<action>"), Fit::Some);
    }

    #[test]
    fn resources() {
        use Dialect::Resource as R;
        let layer = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/<key+>";
        assert_eq!(f(R, "*", layer), Fit::All);
        assert_eq!(
            f(
                R,
                "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
                layer
            ),
            Fit::All
        );
        assert_eq!(f(R, "arn:aws:s3:::*", layer), Fit::All);
        assert_eq!(f(R, "arn:aws:s3:::my-bucket/*", layer), Fit::None);
        assert_eq!(
            f(R, "arn:aws:s3:::prod-*-starport-layer-bucket/*", layer),
            Fit::All
        );
        assert_eq!(
            f(
                R,
                "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256*",
                layer
            ),
            Fit::Some
        );
        // A `*` inside a segment stays within it.
        assert_eq!(f(R, "arn:*:s3:::b/k", "arn:aws:s3:::b/k"), Fit::All);
        assert_eq!(f(R, "arn:a*3:::b/k", "arn:aws:s3:::b/k"), Fit::None);
        // …and a `*` ending one may run on.
        assert_eq!(f(R, "arn:a*", "arn:aws:s3:::b/k"), Fit::All);
        assert_eq!(f(R, "arn:aws:s?:::b/k", "arn:aws:s3:::b/k"), Fit::All);
        assert_eq!(f(R, "arn:aws?s3:::b/k", "arn:aws:s3:::b/k"), Fit::None);
        // Case-sensitive.
        assert_eq!(f(R, "arn:aws:s3:::B/k", "arn:aws:s3:::b/k"), Fit::None);
        let repo = "arn:aws:ecr:eu-west-1:<registry>:repository/<repository>";
        assert_eq!(f(R, "arn:aws:ecr:eu-west-1:*:repository/*", repo), Fit::All);
        assert_eq!(
            f(R, "arn:aws:ecr:eu-west-1:123456789012:repository/*", repo),
            Fit::Some
        );
        assert_eq!(
            f(R, "arn:aws:ecr:us-east-1:*:repository/*", repo),
            Fit::None
        );
        assert_eq!(f(R, "*", "*"), Fit::All);
        assert_eq!(f(R, "arn:aws:ecr:*", "*"), Fit::None);
        // A colon-free hole cannot hold the colon a literal needs.
        assert_eq!(f(R, "a:*", "<x>"), Fit::None);
        assert_eq!(f(R, "a:*", "<x+>"), Fit::Some);
    }

    #[test]
    fn like() {
        use Dialect::Like as L;
        assert_eq!(f(L, "vpc-*", "vpc-0123"), Fit::All);
        assert_eq!(f(L, "vpc-?123", "vpc-0123"), Fit::All);
        assert_eq!(f(L, "VPC-*", "vpc-0123"), Fit::None);
        assert_eq!(f(L, "a*b*c", "a:b:c"), Fit::All);
        assert_eq!(f(L, "", ""), Fit::All);
        assert_eq!(f(L, "*", ""), Fit::All);
        assert_eq!(f(L, "?", ""), Fit::None);
    }
}
