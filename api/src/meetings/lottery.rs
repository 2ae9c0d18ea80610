//! The lottery that seats public representatives at a meeting, specified so that anyone can
//! recompute it from what is published: docs/lottery.md states it, docs/verify_draw.py redoes
//! it in Python. Integers and SHA-256 only: no floating point, no library's random generator.
//!
//! 1. When applications close, the pool is committed: a canonical text naming the meeting,
//!    the public value's source and the time it is fixed, both named in advance, the seats per
//!    category and every applicant by pseudonym; its SHA-256 is published.
//! 2. The seed is SHA-256 of the commitment's hash (hex) and the public value, once known.
//! 3. Category by category, in the commitment's order, applicants are drawn one at a time from
//!    those not yet drawn (kept in the commitment's order) by a uniform index from the seed's
//!    stream; the first drawn take the seats, the rest wait in the order drawn.

use sha2::{Digest, Sha256};

use super::dto::CategorySeats;

/// The version of this procedure, the first line of every commitment.
pub const ALGORITHM: &str = "canyu-lottery-1";

/// What is drawn from: the commitment's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    pub meeting: String,
    /// Where the public value will come from, named before it exists (one line).
    pub source: String,
    /// When the public value is fixed: RFC 3339 in UTC to the second.
    pub value_at: String,
    /// (category, seats).
    pub quotas: Vec<(String, u32)>,
    /// (pseudonym, category).
    pub applicants: Vec<(String, String)>,
}

/// Why a text is not a commitment this procedure can draw from.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommitmentError {
    #[error("line {0}: {1}")]
    Line(usize, &'static str),
    #[error("not a {ALGORITHM} commitment")]
    Version,
}

impl Pool {
    /// The canonical text: quotas sorted by category, applicants by pseudonym, each line
    /// ending in a line feed. Fields are single words but for the source, which ends its line.
    pub fn commitment(&self) -> String {
        let mut quotas = self.quotas.clone();
        quotas.sort();
        let mut applicants = self.applicants.clone();
        applicants.sort();
        let mut text = format!(
            "{ALGORITHM}\nmeeting {}\nsource {}\nvalue_at {}\n",
            self.meeting, self.source, self.value_at
        );
        for (category, seats) in quotas {
            text.push_str(&format!("quota {category} {seats}\n"));
        }
        for (pseudonym, category) in applicants {
            text.push_str(&format!("applicant {pseudonym} {category}\n"));
        }
        text
    }

    /// Reads a commitment back. It must be canonical: rebuilt from what it says, the same
    /// text, so that a pool has one commitment (no `+1` for `1`, no reordering, no repeats).
    pub fn parse(text: &str) -> Result<Self, CommitmentError> {
        let lines: Vec<&str> = text.split_terminator('\n').collect();
        if lines.first() != Some(&ALGORITHM) {
            return Err(CommitmentError::Version);
        }
        let head = |i: usize, prefix: &str| {
            lines
                .get(i)
                .and_then(|line| line.strip_prefix(prefix))
                .map(str::to_string)
                .ok_or(CommitmentError::Line(
                    i + 1,
                    "expected meeting, source, value_at",
                ))
        };
        let mut pool = Pool {
            meeting: head(1, "meeting ")?,
            source: head(2, "source ")?,
            value_at: head(3, "value_at ")?,
            quotas: Vec::new(),
            applicants: Vec::new(),
        };
        let category_word =
            |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let pseudonym_word = |w: &str| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        for (i, line) in lines.iter().enumerate().skip(4) {
            let bad = |why| CommitmentError::Line(i + 1, why);
            match line.split(' ').collect::<Vec<_>>()[..] {
                ["quota", category, seats] if category_word(category) => {
                    let seats = seats.parse().map_err(|_| bad("seats are a number"))?;
                    pool.quotas.push((category.to_string(), seats));
                }
                ["applicant", pseudonym, category] if pseudonym_word(pseudonym) => {
                    if !pool.quotas.iter().any(|(c, _)| c == category) {
                        return Err(bad("an applicant in a category without seats"));
                    }
                    pool.applicants
                        .push((pseudonym.to_string(), category.to_string()));
                }
                _ => return Err(bad("unexpected line")),
            }
        }
        let repeats = |mut keys: Vec<&String>| {
            let n = keys.len();
            keys.dedup();
            keys.len() != n
        };
        if repeats(pool.quotas.iter().map(|(c, _)| c).collect())
            || repeats(pool.applicants.iter().map(|(p, _)| p).collect())
            || pool.commitment() != text
        {
            return Err(CommitmentError::Line(0, "not canonical"));
        }
        Ok(pool)
    }
}

/// SHA-256 of `text`, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The seed: SHA-256 of the commitment's hash (hex), a line feed and the public value.
pub fn seed(commitment_sha256: &str, public_value: &str) -> [u8; 32] {
    Sha256::digest(format!("{commitment_sha256}\n{public_value}").as_bytes()).into()
}

/// Draws every category of the committed pool with the seed's stream.
pub fn draw(pool: &Pool, seed: [u8; 32]) -> Vec<CategorySeats> {
    let mut stream = Stream::new(seed);
    let mut quotas = pool.quotas.clone();
    quotas.sort();
    quotas
        .into_iter()
        .map(|(category, seats)| {
            let mut left: Vec<String> = pool
                .applicants
                .iter()
                .filter(|(_, c)| *c == category)
                .map(|(p, _)| p.clone())
                .collect();
            left.sort();
            let mut order = Vec::with_capacity(left.len());
            while !left.is_empty() {
                let index = stream.below(left.len() as u64) as usize;
                order.push(left.remove(index));
            }
            let waitlist = order.split_off(order.len().min(seats as usize));
            CategorySeats {
                category,
                seats,
                seated: order,
                waitlist,
            }
        })
        .collect()
}

/// The seed's stream of 64-bit numbers: block `i` is SHA-256(seed ‖ `i` as 8 bytes, big-endian),
/// read as four big-endian numbers in turn.
struct Stream {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Stream {
    fn new(seed: [u8; 32]) -> Self {
        Self {
            seed,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn next(&mut self) -> u64 {
        if self.used == 32 {
            let mut hasher = Sha256::new();
            hasher.update(self.seed);
            hasher.update(self.counter.to_be_bytes());
            self.block = hasher.finalize().into();
            self.counter += 1;
            self.used = 0;
        }
        let bytes = self.block[self.used..self.used + 8]
            .try_into()
            .expect("8 bytes");
        self.used += 8;
        u64::from_be_bytes(bytes)
    }

    fn below(&mut self, n: u64) -> u64 {
        below(|| self.next(), n)
    }
}

/// A uniform number in 0..n (n ≥ 1) from a stream of 64-bit numbers: numbers at or past the
/// largest multiple of n below 2^64 are drawn again, so that every remainder is equally likely.
fn below(mut next: impl FnMut() -> u64, n: u64) -> u64 {
    // 2^64 mod n, and 2^64 minus it (0 standing for 2^64 itself).
    let excess = (u64::MAX % n + 1) % n;
    let limit = 0u64.wrapping_sub(excess);
    loop {
        let x = next();
        if excess == 0 || x < limit {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of docs/lottery.md.
    pub fn example() -> Pool {
        let applicant = |p: &str, c: &str| (p.to_string(), c.to_string());
        Pool {
            meeting: "0193a1b2-0000-7000-8000-000000000140".into(),
            source: "上海证券交易所 上证综合指数 2021年10月15日 收盘点位".into(),
            value_at: "2021-10-15T07:00:00Z".into(),
            quotas: vec![("npc_deputy".into(), 1), ("resident".into(), 2)],
            applicants: vec![
                applicant("R7", "resident"),
                applicant("N1", "npc_deputy"),
                applicant("R2", "resident"),
                applicant("R9", "resident"),
                applicant("N4", "npc_deputy"),
                applicant("R5", "resident"),
            ],
        }
    }

    #[test]
    fn the_commitment_is_canonical_and_reads_back() {
        let pool = example();
        let text = pool.commitment();
        assert_eq!(
            text,
            "canyu-lottery-1\nmeeting 0193a1b2-0000-7000-8000-000000000140\n\
             source 上海证券交易所 上证综合指数 2021年10月15日 收盘点位\n\
             value_at 2021-10-15T07:00:00Z\n\
             quota npc_deputy 1\nquota resident 2\n\
             applicant N1 npc_deputy\napplicant N4 npc_deputy\napplicant R2 resident\n\
             applicant R5 resident\napplicant R7 resident\napplicant R9 resident\n"
        );
        let back = Pool::parse(&text).unwrap();
        assert_eq!(back.commitment(), text);
        let shuffled = text.replace(
            "applicant N1 npc_deputy\napplicant N4 npc_deputy\n",
            "applicant N4 npc_deputy\napplicant N1 npc_deputy\n",
        );
        assert!(Pool::parse(&shuffled).is_err(), "out of order");
        let twice = text.replace("applicant N4", "applicant N1");
        assert!(Pool::parse(&twice).is_err(), "a pseudonym twice");
        let stray = format!("{text}applicant X1 business\n");
        assert!(Pool::parse(&stray).is_err(), "a category without seats");
        for respelled in ["quota resident +2", "quota resident 02"] {
            let text = text.replace("quota resident 2", respelled);
            assert!(
                Pool::parse(&text).is_err(),
                "{respelled}: one spelling only"
            );
        }
        let headless = text.replace("value_at 2021-10-15T07:00:00Z\n", "");
        assert!(
            Pool::parse(&headless).is_err(),
            "the value's time is part of it"
        );
    }

    #[test]
    fn the_worked_example_of_the_docs_comes_out_as_written() {
        let text = example().commitment();
        let hash = sha256_hex(&text);
        assert_eq!(
            hash,
            "4b5d9fd0c902520f307cd11f0bb4530531faaa1739ded53c29ab1533bec388f2"
        );
        let seed = seed(&hash, "3572.37");
        assert_eq!(
            hex::encode(seed),
            "42f9b8991fb663ca9b9c8f5bdbb392f245877573dfef4ce2a3d9c8efbf71e152"
        );
        let seats: Vec<(String, String, String)> = draw(&Pool::parse(&text).unwrap(), seed)
            .into_iter()
            .map(|c| (c.category, c.seated.join(" "), c.waitlist.join(" ")))
            .collect();
        let expected = [("npc_deputy", "N4", "N1"), ("resident", "R5 R7", "R9 R2")]
            .map(|(c, s, w)| (c.to_string(), s.to_string(), w.to_string()));
        assert_eq!(seats, expected);
    }

    #[test]
    fn the_draw_fills_each_quota_and_no_more_and_follows_the_seed() {
        let pool = example();
        let hash = sha256_hex(&pool.commitment());
        let outcome = draw(&pool, seed(&hash, "3572.37"));
        for category in &outcome {
            let applicants = pool
                .applicants
                .iter()
                .filter(|(_, c)| *c == category.category)
                .count();
            assert_eq!(
                category.seated.len(),
                (category.seats as usize).min(applicants)
            );
            assert_eq!(category.seated.len() + category.waitlist.len(), applicants);
        }
        assert_eq!(
            outcome,
            draw(&pool, seed(&hash, "3572.37")),
            "the same inputs"
        );
        let others: Vec<_> = ["3572.38", "3572.39", "3572.40", "3572.41"]
            .iter()
            .map(|value| draw(&pool, seed(&hash, value)))
            .collect();
        assert!(
            others.iter().any(|other| *other != outcome),
            "another value"
        );
    }

    #[test]
    fn every_index_is_equally_likely() {
        // 60,000 draws below 6: each face within 3% of 10,000 (a fair die's spread is ~1%).
        let mut stream = Stream::new([7; 32]);
        let mut faces = [0u32; 6];
        for _ in 0..60_000 {
            faces[stream.below(6) as usize] += 1;
        }
        assert!(
            faces.iter().all(|&n| (9_700..=10_300).contains(&n)),
            "{faces:?}"
        );
        // A number past the last multiple of n is drawn again (the vector of docs/lottery.md).
        let mut numbers = [u64::MAX, 5].into_iter();
        assert_eq!(below(|| numbers.next().unwrap(), 3 << 62), 5);
        // A bound that is a power of two never rejects; 1 always gives 0.
        assert_eq!(Stream::new([0; 32]).below(1), 0);
        let mut a = Stream::new([1; 32]);
        let mut b = Stream::new([1; 32]);
        assert_eq!(a.below(1 << 32), b.next() % (1 << 32));
    }
}
