//! Times as the keychain, the wire and the settings file keep them: whole
//! seconds or milliseconds since 1970, in one place so every reader and
//! writer agrees on rounding and bounds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The latest time a stored value may name (year 5138), so a damaged entry
/// cannot overflow the clock.
const MAX_SECS: u64 = 100_000_000_000;

/// Seconds since 1970; 0 for a time before it.
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Milliseconds since 1970 (what JavaScript's `Date` counts); 0 before it.
pub fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The time `secs` seconds after 1970, bounded to year 5138.
pub fn from_unix_secs(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.min(MAX_SECS))
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970 (UTC); times outside what
/// the calendar library handles give `None`.
pub fn iso_utc(secs: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_bounds() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(unix_secs(t), 1_700_000_000);
        assert_eq!(unix_millis(t), 1_700_000_000_123);
        assert_eq!(unix_secs(from_unix_secs(1_700_000_000)), 1_700_000_000);
        assert_eq!(unix_secs(from_unix_secs(u64::MAX)), MAX_SECS);
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!((unix_secs(before), unix_millis(before)), (0, 0));
    }

    #[test]
    fn iso_dates_in_utc() {
        assert_eq!(iso_utc(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            iso_utc(951_782_400).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(iso_utc(i64::MAX), None);
    }
}
