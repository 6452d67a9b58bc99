//! Bytes held compressed in independent blocks, so that a small range can
//! be read back without unpacking the rest. The users table keeps the
//! users response this way for the details view: the JSON of 10k users is
//! 5 MB, a fraction of that packed, and one user is a block or two away.

use std::ops::Range;

/// Bytes per block before packing: one user's details unpack at most a
/// few of these (a parent in a tree lies around its children).
const BLOCK: usize = 64 * 1024;

pub struct Packed {
    blocks: Vec<Box<[u8]>>,
    len: usize,
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packed")
            .field("len", &self.len)
            .field("packed", &self.packed_len())
            .finish()
    }
}

impl Packed {
    /// Packs `bytes` (LZ4, one block per 64 KiB).
    pub fn new(bytes: &[u8]) -> Self {
        let blocks = bytes
            .chunks(BLOCK)
            .map(|chunk| lz4_flex::compress(chunk).into_boxed_slice())
            .collect();
        Packed {
            blocks,
            len: bytes.len(),
        }
    }

    /// How many bytes were packed.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many bytes the packed blocks take.
    pub fn packed_len(&self) -> usize {
        self.blocks.iter().map(|b| b.len()).sum()
    }

    /// The bytes in `range`, unpacked; `None` for a range outside them.
    pub fn read(&self, range: Range<usize>) -> Option<Vec<u8>> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        let mut out = Vec::with_capacity(range.len());
        if range.is_empty() {
            return Some(out);
        }
        for i in range.start / BLOCK..=(range.end - 1) / BLOCK {
            let at = i * BLOCK;
            let size = BLOCK.min(self.len - at);
            let block = lz4_flex::decompress(self.blocks.get(i)?, size).ok()?;
            let from = range.start.saturating_sub(at);
            let to = (range.end - at).min(size);
            out.extend_from_slice(block.get(from..to)?);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| b"{\"userId\":1,\"firstName\":\"Ann\"},"[i % 31].wrapping_add((i / 997) as u8))
            .collect()
    }

    #[test]
    fn any_range_reads_back_as_it_was_across_blocks() {
        let bytes = sample(3 * BLOCK + 123);
        let p = Packed::new(&bytes);
        assert_eq!(p.len(), bytes.len());
        assert!(!p.is_empty());
        for range in [
            0..0,
            0..1,
            5..40,
            BLOCK - 3..BLOCK + 3,
            BLOCK..2 * BLOCK,
            10..3 * BLOCK + 100,
            0..bytes.len(),
            bytes.len()..bytes.len(),
            bytes.len() - 1..bytes.len(),
        ] {
            assert_eq!(
                p.read(range.clone()).as_deref(),
                Some(&bytes[range.clone()]),
                "{range:?}"
            );
        }
    }

    #[test]
    fn a_range_outside_the_bytes_reads_nothing() {
        let p = Packed::new(&sample(100));
        assert_eq!(p.read(90..101), None);
        assert_eq!(p.read(101..101), None);
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 50..10;
        assert_eq!(p.read(backwards), None);
        let empty = Packed::new(&[]);
        assert!(empty.is_empty());
        assert_eq!(empty.read(0..0), Some(vec![]));
        assert_eq!(empty.read(0..1), None);
    }

    #[test]
    fn json_packs_small_and_debug_shows_only_sizes() {
        let json: Vec<u8> = (0..5_000)
            .flat_map(|i| {
                format!(
                    "{{\"userId\":{i},\"firstName\":\"Agent\",\"lastName\":\"Number {i}\",\
                     \"email\":\"agent{i}@example.com\",\"enabled\":true}},"
                )
                .into_bytes()
            })
            .collect();
        let p = Packed::new(&json);
        assert!(
            p.packed_len() * 3 < json.len(),
            "{} of {}",
            p.packed_len(),
            json.len()
        );
        let debug = format!("{p:?}");
        assert!(debug.contains(&format!("len: {}", json.len())), "{debug}");
        assert!(!debug.contains("Agent"), "{debug}");
    }
}
