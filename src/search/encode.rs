//! Byte-level helpers of the bundle: LEB128 varints, gzip and content hashes.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

/// A growing byte buffer with the writers the bundle format uses.
#[derive(Debug, Default)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// An unsigned LEB128 varint: seven bits a byte, low bits first, high bit set on all but the last.
    pub fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    /// A varint byte length, then the bytes.
    pub fn blob(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }
}

/// Gzip at level 6, which on the bundle's files is within about 1% of level 9 at a fraction of
/// its time; the header carries no time or name, so output depends on input alone.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 64), Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// FNV-1a (64 bits) as 16 hex digits: enough to tell a bundle file's versions apart for caching.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut b = Bytes::default();
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX)] {
            b.varint(n);
        }
        assert_eq!(b.0, [0, 1, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    #[test]
    fn gzip_and_hash_are_deterministic() {
        let text = b"near miss near miss near miss";
        assert_eq!(gzip(text), gzip(text));
        assert_eq!(&gzip(text)[..2], [0x1f, 0x8b]);
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }
}
