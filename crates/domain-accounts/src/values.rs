//! Value types of the accounts domain. Each is valid by construction: `parse` is the only way in.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A normalised (trimmed, lower-cased) and plausibly deliverable e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("is required");
        }
        if email.len() > Self::MAX_LEN {
            return Err("is longer than 254 characters");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("is not a valid e-mail address");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Self(email))
        } else {
            Err("is not a valid e-mail address")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A plaintext password that satisfies the password policy. Never printed, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;
    /// Administrators hold the keys to everything, so their passwords must be longer.
    pub const ADMIN_MIN_CHARS: usize = 12;
    /// The message for a password that is long enough but common or easy to guess.
    pub const TOO_GUESSABLE: &'static str = "is too common or too easy to guess (a known \
        password, a word or name, a pattern, or your own e-mail address or name); a few \
        unrelated words make a good password";
    /// The lowest zxcvbn score accepted: 2, an estimated 10^6 guesses or more. Below it are
    /// zxcvbn's 30,000 most common passwords (with the usual changes: capitals, l33t,
    /// appended digits or years, reversal), common words and names, keyboard patterns,
    /// sequences, repeats and dates, and the user's own words. A random 8-character password
    /// passes, so the 8-character minimum stays what it says. Against the online guessing
    /// this protects from (5 failed logins per address per 15 minutes) 10^6 guesses take
    /// years; offline, argon2id slows each guess.
    pub const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Two;
    /// Administrators need 3, 10^8 guesses or more ("Password-2026!" is refused).
    pub const ADMIN_MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;
    /// A word of the service itself, refused like the user's own words (NIST 800-63B).
    const SERVICE_WORDS: &'static [&'static str] = &["watertrek", "water trek"];

    /// The policy for every account: 8 to 128 characters, not only white space, and not
    /// common or easy to guess (NIST SP 800-63B's blocklist check). `user_words` are what
    /// the account is known by (its e-mail address, names): a password built from them is
    /// refused too. Pure and deterministic.
    pub fn parse(raw: &str, user_words: &[&str]) -> Result<Self, &'static str> {
        Self::check_length(raw)?;
        Self::check_guessability(raw, user_words, Self::MIN_SCORE)?;
        Ok(Self(raw.to_owned()))
    }

    fn check_length(raw: &str) -> Result<(), &'static str> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err("must be at least 8 characters long");
        }
        if chars > Self::MAX_CHARS {
            return Err("must be at most 128 characters long");
        }
        if raw.trim().is_empty() {
            return Err("must not be only white space");
        }
        Ok(())
    }

    /// zxcvbn's estimate, of the password and of what is left of it once the user's words
    /// are taken out (zxcvbn alone scores `lima.anabela` for Anabela Lima as a stranger's
    /// two words with a separator).
    fn check_guessability(
        raw: &str,
        user_words: &[&str],
        min_score: zxcvbn::Score,
    ) -> Result<(), &'static str> {
        let mut words = guessable_words(user_words);
        let weak =
            |password: &str, words: &[&str]| zxcvbn::zxcvbn(password, words).score() < min_score;
        words.sort_by_key(|word| std::cmp::Reverse(word.len()));
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if weak(raw, &words) {
            return Err(Self::TOO_GUESSABLE);
        }
        let lower = raw.to_lowercase();
        let rest = words
            .iter()
            .fold(lower.clone(), |rest, word| rest.replace(word, ""));
        if rest != lower && weak(&rest, &words) {
            return Err(Self::TOO_GUESSABLE);
        }
        Ok(())
    }

    /// The stricter policy for administrators: the general one with a zxcvbn score of 3 (and
    /// the address as the user's words), at least 12 characters, at least three of the four character classes
    /// (lower case, upper case, digits, others), and not containing the address's local part.
    pub fn parse_admin(raw: &str, email: &Email) -> Result<Self, &'static str> {
        Self::check_length(raw)?;
        if raw.chars().count() < Self::ADMIN_MIN_CHARS {
            return Err("must be at least 12 characters long for an administrator");
        }
        let classes = [
            raw.chars().any(|c| c.is_lowercase()),
            raw.chars().any(|c| c.is_uppercase()),
            raw.chars().any(|c| c.is_ascii_digit()),
            raw.chars().any(|c| !c.is_alphanumeric()),
        ];
        if classes.iter().filter(|present| **present).count() < 3 {
            return Err(
                "must mix at least three of: lower case, upper case, digits, other characters",
            );
        }
        let local = email.local_part();
        if local.len() >= 3 && raw.to_lowercase().contains(local) {
            return Err("must not contain the e-mail address");
        }
        Self::check_guessability(raw, &[email.as_str()], Self::ADMIN_MIN_SCORE)?;
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The words a password must not be built from: each of `user_words` whole and split into
/// its words of three or more letters or digits (so `ana.lima@example.com` gives `ana`,
/// `lima`, `example`), and the service's own name. Lower case; zxcvbn matches them inside
/// the password, also reversed and in l33t.
fn guessable_words(user_words: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Password::SERVICE_WORDS
        .iter()
        .map(|word| (*word).to_owned())
        .collect();
    for raw in user_words {
        let raw = raw.trim().to_lowercase();
        for word in raw.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() >= 3 && !words.iter().any(|known| known == word) {
                words.push(word.to_owned());
            }
        }
        if !raw.is_empty() && !words.contains(&raw) {
            words.push(raw);
        }
    }
    words
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Vendor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Vendor => "vendor",
            Role::Admin => "admin",
        }
    }

    /// Roles anyone may give themselves at registration. Admins are made by the operator's CLI.
    pub fn parse_self_service(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "customer" => Ok(Role::Customer),
            "vendor" => Ok(Role::Vendor),
            "admin" => Err("admin accounts cannot be registered; an operator creates them"),
            _ => Err("must be \"customer\" or \"vendor\""),
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "customer" => Ok(Role::Customer),
            "vendor" => Ok(Role::Vendor),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role {other:?}")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL-safe vendor handle: 3–60 characters of `a-z`, `0-9` and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if raw.len() < Self::MIN_LEN || raw.len() > Self::MAX_LEN {
            return Err("must be 3 to 60 characters long");
        }
        if !ok_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err("may hold only a-z, 0-9 and single hyphens between them");
        }
        Ok(Self(raw.to_owned()))
    }

    /// A slug made from a display name: ASCII-folded, lower case, runs of anything else
    /// turned into one hyphen. `None` when too little of the name is usable.
    pub fn derive_from(name: &str) -> Option<Self> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars() {
            let folded = fold_ascii(c);
            match folded {
                Some(c) if c.is_ascii_alphanumeric() => slug.push(c.to_ascii_lowercase()),
                _ => {
                    if !slug.ends_with('-') && !slug.is_empty() {
                        slug.push('-');
                    }
                }
            }
            if slug.len() >= Self::MAX_LEN {
                break;
            }
        }
        let slug = slug.trim_matches('-');
        Self::parse(slug).ok()
    }

    /// This slug with `-n` appended, shortened so the result stays within the length limit.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let keep = Self::MAX_LEN - suffix.len();
        let base = self.0[..self.0.len().min(keep)].trim_end_matches('-');
        Self(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Latin letters with diacritics fold to their base letter so "Café Nautique" → "cafe-nautique".
fn fold_ascii(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => 's',
        _ => return None,
    };
    Some(folded)
}

/// An IANA time zone name such as `Europe/Berlin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        raw.trim()
            .parse::<Tz>()
            .map(Self)
            .map_err(|_| "is not an IANA time zone name (for example Europe/Berlin)")
    }

    pub fn utc() -> Self {
        Self(Tz::UTC)
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|known| known == code) {
            Ok(Self(code))
        } else {
            Err("is not an ISO 3166-1 alpha-2 country code (for example DE)")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG \
BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY \
CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ \
GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP \
KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU \
MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK \
TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// A telephone number as people write it: digits with optional `+`, spaces, dots, hyphens and
/// parentheses; 5 to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let phone = raw.trim();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if allowed && (5..=20).contains(&digits) && phone.len() <= 32 {
            Ok(Self(phone.to_owned()))
        } else {
            Err("is not a telephone number (digits, optional leading +, spaces, . - ( ))")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An http(s) URL of at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let url = raw.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            Some(rest)
                if url.len() <= 300
                    && !rest.is_empty()
                    && !rest.starts_with('/')
                    && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                Ok(Self(url.to_owned()))
            }
            _ => Err("must be an http:// or https:// URL of at most 300 characters"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text with a length limit in characters, trimmed; control characters other than line
/// breaks and tabs are refused. `MIN` is 1 for required text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > MAX {
            return Err(format!("must be at most {MAX} characters long"));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err("must not contain control characters".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's or business's name.
pub type Name = Text<200>;
/// A long description.
pub type Description = Text<5000>;
/// A short free-form field (emergency contact, licence number).
pub type ShortText = Text<200>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ana.Silva+boats@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ana.silva+boats@example.com");
        assert_eq!(email.local_part(), "ana.silva+boats");
    }

    #[test]
    fn email_refuses_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "@example.com",
            "a@",
            "a@localhost",
            "a@@example.com",
            "a b@example.com",
            "a@exa mple.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example.c0m",
            "a@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn password_length_bounds_are_inclusive() {
        let strong = |n: usize| {
            "tide chart lantern "
                .chars()
                .cycle()
                .take(n)
                .collect::<String>()
        };
        assert!(Password::parse("Gx7!kQ2", &[]).is_err());
        // A random 8-character password passes the strength check.
        assert!(Password::parse("Gx7!kQ2z", &[]).is_ok());
        assert!(Password::parse(&strong(128), &[]).is_ok());
        assert!(Password::parse(&strong(129), &[]).is_err());
        assert!(Password::parse("          ", &[]).is_err());
        // Characters, not bytes: eight two-byte characters are enough.
        assert!(Password::parse("äöüßéçñø", &[]).is_ok());
    }

    #[test]
    fn common_and_easily_guessed_passwords_are_refused() {
        for common in [
            "password",
            "12345678",
            "qwertyuiop",
            "password1",
            "iloveyou2",
            "P@ssw0rd!",
            "Qwerty123456",
            "sunshine2024",
            "abcdefghij",
            "xxxxxxxx",
            "aaaaaaaaaaaaaaaa",
            "1q2w3e4r5t",
            "19871987",
            "watertrek2",
        ] {
            assert_eq!(
                Password::parse(common, &[]),
                Err(Password::TOO_GUESSABLE),
                "{common:?} should be refused"
            );
        }
    }

    #[test]
    fn passwords_built_from_the_users_own_words_are_refused() {
        let words = [
            "Anabela.Lima@Example.com",
            "Anabela Lima",
            "Blue Lagoon Boats",
        ];
        for own in [
            "anabelalima",
            "lima.anabela",
            "4n4b3l4lim4",
            "anabela lima 2026",
            "Lima1987!",
            "lagoon-blue-77",
            "anabela.lima@example.com",
        ] {
            assert!(Password::parse(own, &[]).is_ok(), "{own:?} alone is fine");
            assert_eq!(
                Password::parse(own, &words),
                Err(Password::TOO_GUESSABLE),
                "{own:?} should be refused"
            );
        }
        // The user's words in a password that is strong without them are fine.
        assert!(Password::parse("anabela's tide chart lantern", &words).is_ok());
        assert!(Password::parse("banana split boat", &words).is_ok());
    }

    #[test]
    fn the_demo_and_test_passwords_are_accepted() {
        for good in [
            "demo-password-2026",
            "Demo-Root-2026!",
            "correct horse battery",
            "new password 42",
        ] {
            assert!(
                Password::parse(good, &["ana@example.com", "Ana Lima"]).is_ok(),
                "{good:?}"
            );
        }
    }

    #[test]
    fn password_debug_hides_the_secret() {
        let password = Password::parse("correct horse", &[]).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn admin_passwords_must_be_long_mixed_and_unlike_the_email() {
        let email = Email::parse("operator@example.com").unwrap();
        assert!(Password::parse_admin("Short1!", &email).is_err());
        assert!(Password::parse_admin("alllowercaseletters", &email).is_err());
        assert!(Password::parse_admin("Operator-2026!", &email).is_err());
        // Good enough for a customer, too guessable for an administrator.
        assert!(Password::parse("P@ssw0rd2026!", &[]).is_ok());
        assert_eq!(
            Password::parse_admin("P@ssw0rd2026!", &email),
            Err(Password::TOO_GUESSABLE)
        );
        assert!(Password::parse_admin("Tide-Chart-2026", &email).is_ok());
    }

    #[test]
    fn admin_role_cannot_be_self_assigned() {
        assert_eq!(Role::parse_self_service("customer"), Ok(Role::Customer));
        assert_eq!(Role::parse_self_service("vendor"), Ok(Role::Vendor));
        assert!(Role::parse_self_service("admin").is_err());
        assert!(Role::parse_self_service("Vendor").is_err());
        assert_eq!("admin".parse::<Role>(), Ok(Role::Admin));
    }

    #[test]
    fn slugs_are_validated() {
        assert!(Slug::parse("blue-lagoon-boats").is_ok());
        for bad in ["ab", "-abc", "abc-", "a--b", "Abc", "a_b", &"a".repeat(61)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn slugs_derive_from_names() {
        let slug = Slug::derive_from("  Café Nautique & Sons, Ltd. ").unwrap();
        assert_eq!(slug.as_str(), "cafe-nautique-sons-ltd");
        assert!(Slug::derive_from("!!").is_none());
        assert!(Slug::derive_from("日本").is_none());
        let long = Slug::derive_from(&"word ".repeat(40)).unwrap();
        assert!(long.as_str().len() <= Slug::MAX_LEN);
    }

    #[test]
    fn slug_suffix_respects_the_length_limit() {
        let slug = Slug::parse(&"a".repeat(60)).unwrap();
        let suffixed = slug.with_suffix(12);
        assert_eq!(suffixed.as_str().len(), 60);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(Slug::parse(suffixed.as_str()).is_ok());
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert!(TimeZone::parse("+02:00").is_err());
    }

    #[test]
    fn country_codes_are_iso_alpha2() {
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("DEU").is_err());
    }

    #[test]
    fn phones_websites_and_text() {
        assert!(Phone::parse("+49 (30) 123-4567").is_ok());
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("12+34567").is_err());
        assert!(WebUrl::parse("https://boats.example").is_ok());
        assert!(WebUrl::parse("javascript:alert(1)").is_err());
        assert!(WebUrl::parse("https://").is_err());
        assert!(Name::parse("  Ana  ").unwrap().as_str() == "Ana");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"a".repeat(201)).is_err());
        assert!(Name::parse("bell\u{7}").is_err());
    }
}
