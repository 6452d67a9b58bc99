//! Sample people. The non-ASCII set mixes diacritics, non-Latin scripts and
//! right-to-left text, because those are what break layouts and encodings.

const FIRST: [&str; 20] = [
    "John", "Maria", "Wei", "Aisha", "Carlos", "Emma", "Liam", "Olivia", "Noah", "Sophia", "James",
    "Priya", "Ahmed", "Hannah", "Kenji", "Lucas", "Fatima", "Daniel", "Chloe", "Mateo",
];

const LAST: [&str; 20] = [
    "Wang", "Garcia", "Smith", "Johnson", "Brown", "Khan", "Silva", "O'Brien", "Miller", "Davis",
    "Martinez", "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Lee",
    "Nguyen",
];

const INTERNATIONAL: [(&str, &str); 12] = [
    ("Zoë", "Łukasiewicz"),
    ("美咲", "渡辺"),
    ("José", "Álvarez"),
    ("Søren", "Kierkegård"),
    ("Александра", "Иванова"),
    ("François", "Lefèvre"),
    ("Ólafur", "Þórðarson"),
    ("محمد", "الحسيني"),
    ("Hương", "Đặng"),
    ("Jürgen", "Müller"),
    ("Siobhán", "Ní Bhriain"),
    ("지민", "김"),
];

/// A person's first and last name, and whether they are plain ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub ascii: bool,
}

impl Person {
    pub fn full(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// `john.wang@example.com` for ASCII names; international ones get a
    /// neutral address, as many directories do.
    pub fn email(&self, n: Option<usize>) -> String {
        let n = n.map(|n| n.to_string()).unwrap_or_default();
        if self.ascii {
            let clean = |s: &str| {
                s.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_lowercase()
            };
            format!("{}.{}{n}@example.com", clean(self.first), clean(self.last))
        } else {
            format!("user{n}@example.com")
        }
    }
}

/// The `i`-th person; with `non_ascii`, every third one is international
/// (starting with the first, so agent 0 is "Zoë Łukasiewicz").
pub(crate) fn person(i: usize, non_ascii: bool) -> Person {
    if non_ascii && i.is_multiple_of(3) {
        let (first, last) = INTERNATIONAL[(i / 3) % INTERNATIONAL.len()];
        return Person {
            first,
            last,
            ascii: false,
        };
    }
    Person {
        first: FIRST[i % FIRST.len()],
        last: LAST[(i + i / FIRST.len()) % LAST.len()],
        ascii: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_person_matches_the_documented_example() {
        let p = person(0, false);
        assert_eq!(p.full(), "John Wang");
        assert_eq!(p.email(None), "john.wang@example.com");
        let z = person(0, true);
        assert_eq!(z.full(), "Zoë Łukasiewicz");
        assert_eq!(z.email(Some(4)), "user4@example.com");
        assert_eq!(
            person(7, false).email(Some(7)),
            "olivia.obrien7@example.com"
        );
        assert_eq!(person(3, true).full(), "美咲 渡辺");
    }
}
