//! Rate limits as the spec states them in prose, e.g. "throttled per RingCX
//! sub-account at 12 requests per 30 seconds and 18 requests per 60
//! seconds". Also compiled into the build script, which parses them once.

/// At most `requests` in any `per_secs` window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limit {
    pub requests: u32,
    pub per_secs: u32,
}

/// The limits stated in `description`: the first "throttled … at …"
/// sentence (later ones name special cases, such as `count=true`).
pub fn parse(description: &str) -> Vec<Limit> {
    let Some(start) = description.find("throttled") else {
        return Vec::new();
    };
    let rest = &description[start..];
    let Some(at) = rest.find(" at ") else {
        return Vec::new();
    };
    let sentence = rest[at + 4..].split('.').next().unwrap_or("");
    sentence
        .split(" and ")
        .filter_map(|part| {
            let words: Vec<&str> = part.split_whitespace().collect();
            // "N requests per S seconds|minutes" (also "per second", "per minute").
            let requests: u32 = words.first()?.parse().ok()?;
            let per = words.iter().position(|w| *w == "per")?;
            let (count, unit) = match words.get(per + 1)?.parse::<u32>() {
                Ok(n) => (n, *words.get(per + 2)?),
                Err(_) => (1, *words.get(per + 1)?),
            };
            let unit_secs = match unit.trim_end_matches(',') {
                "second" | "seconds" => 1,
                "minute" | "minutes" => 60,
                "hour" | "hours" => 3600,
                _ => return None,
            };
            Some(Limit {
                requests,
                per_secs: count.checked_mul(unit_secs)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(requests: u32, per_secs: u32) -> Limit {
        Limit { requests, per_secs }
    }

    #[test]
    fn the_spec_sentences_parse() {
        assert_eq!(
            parse("Rate limit: This operation is throttled per RingCX sub-account at 12 requests per 30 seconds and 18 requests per 60 seconds."),
            [l(12, 30), l(18, 60)]
        );
        assert_eq!(
            parse("… throttled per RingCX sub-account at 3 requests per 60 seconds and 9 requests per 15 minutes."),
            [l(3, 60), l(9, 900)]
        );
        // Only the first sentence: the second names a special case.
        assert_eq!(
            parse("Standard searches are throttled per RingCX sub-account at 15 requests per 10 seconds and 60 requests per 30 seconds. Requests with count=true are throttled at 90 requests per 10 seconds."),
            [l(15, 10), l(60, 30)]
        );
        assert_eq!(parse("throttled at 5 requests per minute"), [l(5, 60)]);
    }

    #[test]
    fn prose_without_a_limit_gives_none() {
        assert!(parse("Permissions: READ on Account").is_empty());
        assert!(parse("throttled when busy").is_empty());
        assert!(parse("throttled at many requests per second").is_empty());
        assert!(parse("throttled at 4294967295 requests per 4294967295 hours").is_empty());
    }
}
