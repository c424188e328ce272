//! Masking matched text so a finding can be printed without repeating what it found.

use super::Kind;

/// The matched text masked so it can be printed: SAME number of chars as the input (so terminal
/// carets still line up).
///
/// Secrets keep at most their first 4 chars and never more than a quarter of them; everything
/// else is `*` except line breaks (a multi-line key keeps its shape). Personal data and
/// infrastructure identifiers keep their first char and the separators that make them readable
/// (white space, `@ . - : /`). Blaming language is not sensitive and is returned as is.
pub fn mask(kind: Kind, matched: &str) -> String {
    match kind {
        Kind::Blame(_) => matched.to_string(),
        Kind::Secret(_) => {
            let keep = (matched.chars().count() / 4).min(4);
            matched.chars().enumerate().map(|(i, c)| if i < keep || c == '\n' || c == '\r' { c } else { '*' }).collect()
        }
        _ => matched
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 || c.is_whitespace() || "@.-:/".contains(c) { c } else { '*' })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BlameRule, SecretKind};
    use super::*;

    /// A tiny xorshift PRNG, so the property tests need no crate.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Characters to build inputs from: ASCII token characters, separators and multi-byte ones.
    const ALPHABET: &[char] =
        &['a', 'Z', '0', '9', '+', '/', '=', '_', '-', '.', '@', ':', ' ', '\n', '*', 'é', '€', '字', '🔑'];

    fn random_text(rng: &mut XorShift) -> String {
        let len = rng.below(120);
        (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect()
    }

    #[test]
    fn secrets_keep_at_most_four_chars_and_a_quarter() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5000 {
            let text = random_text(&mut rng);
            let masked = mask(Kind::Secret(SecretKind::HighEntropy), &text);
            let n = text.chars().count();
            assert_eq!(masked.chars().count(), n, "{text:?}");
            let mut revealed = 0;
            for (orig, shown) in text.chars().zip(masked.chars()) {
                if shown != '*' {
                    assert_eq!(shown, orig, "{text:?} → {masked:?}");
                    revealed += usize::from(shown != '\n');
                }
            }
            assert!(revealed <= 4 && revealed <= n / 4, "{text:?} → {masked:?}");
        }
    }

    #[test]
    fn every_kind_preserves_char_count() {
        let mut rng = XorShift(42);
        for _ in 0..2000 {
            let text = random_text(&mut rng);
            for kind in Kind::all() {
                assert_eq!(mask(kind, &text).chars().count(), text.chars().count(), "{kind:?} {text:?}");
            }
        }
    }

    #[test]
    fn secrets_show_a_short_prefix() {
        let key = Kind::Secret(SecretKind::AwsAccessKey);
        assert_eq!(mask(key, "AKIAZ7K2M4Q6R3T5V2W4"), "AKIA****************");
        assert_eq!(mask(Kind::Secret(SecretKind::PasswordAssignment), "hunter2"), "h******");
        assert_eq!(mask(Kind::Secret(SecretKind::PasswordAssignment), "abc"), "***");
        assert_eq!(mask(Kind::Secret(SecretKind::PrivateKey), "-----BEGIN\nMIIE\n"), "----******\n****\n");
        assert_eq!(mask(Kind::Secret(SecretKind::UrlPassword), "pg://u:p@h.io"), "pg:**********");
    }

    #[test]
    fn personal_data_keeps_first_char_and_separators() {
        assert_eq!(mask(Kind::Email, "dave.smith@acme.io"), "d***.*****@****.**");
        assert_eq!(mask(Kind::Phone, "+44 20 7946 0123"), "+** ** **** ****");
        assert_eq!(mask(Kind::Ipv4, "10.20.30.40/8"), "1*.**.**.**/*");
        assert_eq!(mask(Kind::Person, "Dave Smith"), "D*** *****");
        assert_eq!(mask(Kind::CreditCard, "4111-1111-1111-1111"), "4***-****-****-****");
        assert_eq!(mask(Kind::Ipv6, "fe80::1"), "f***::*");
        assert_eq!(mask(Kind::Person, "Zoë"), "Z**");
    }

    #[test]
    fn blame_is_shown_as_is() {
        assert_eq!(mask(Kind::Blame(BlameRule::HumanError), "human error"), "human error");
    }
}
