//! Where the members of a record are, at the two levels the context index reads (the
//! record's own members and those of an object one level down, its audit record), found
//! from bitmaps of the record's bytes instead of walking it string by string.
//!
//! Every record of a file passes through the index's reader, and [`super::walk::Walker`]
//! costs about 40 cycles for each of the ~100 strings of a CloudAppEvents row, most of it
//! mispredicted branches at each string's end and each member (BENCHMARKS.md, context
//! index, fifth round). Here each 64-byte block of the record is classified at once
//! (16 bytes a step with SSE2 where the target has it): its quotes, backslashes, colons and
//! brackets. From them, without a branch a byte:
//! - the bytes a backslash escapes (in a run of backslashes every second one escapes; as
//!   simdjson does, <https://arxiv.org/abs/1902.08318> §3.1.1), so the quotes that open or
//!   close a string;
//! - which bytes are inside a string (a running parity of those quotes), so colons and
//!   brackets that are text of a string are no structure: a display name holding
//!   `\", \"ObjectId\": \"victim…` has its quotes escaped and its colon inside the string;
//! - the depth of the object at each colon outside strings, from the brackets outside
//!   strings (one step a bracket, about 25 a row).
//!
//! A colon at depth 1 follows a key of the record, at depth 2 a key of an object (or of
//! an array's object, at deeper places: not read) one level down. The caller reads the keys
//! and the values it wants from these places ([`Skeleton::key`], [`Skeleton::text`]) and
//! tells the depth-2 keys of its audit record from the others by the depth-1 key before
//! them.
//!
//! Only a compact record is read so: every colon outside strings right after a string's
//! closing quote (`"key":`, as every exporter writes), an object from the first byte that
//! is not whitespace. Anything else (`"key" : value`, not an object, 2 GiB or more) is
//! left to the walk ([`Skeleton::mark`] says false). A record that is not JSON can give
//! members the walk would have stopped before; the loader's own parse reports it.

use std::borrow::Cow;

use super::walk::decode;

/// Bits set at the odd places of a word.
const ODD: u64 = 0xAAAA_AAAA_AAAA_AAAA;

/// The bits of one 64-byte block (bit i for byte i) that are each kind of byte.
#[derive(Default, Clone, Copy)]
struct Kinds {
    quote: u64,
    slash: u64,
    colon: u64,
    /// `{` and `[`.
    open: u64,
    /// `}` and `]`.
    close: u64,
}

/// The kinds of the bytes of one block, 16 bytes at a time with SSE2.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
#[inline]
fn kinds(block: &[u8; 64]) -> Kinds {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let splat = |c: u8| set_splat_i8_m128i(c as i8);
    let (quote, slash, colon) = (splat(b'"'), splat(b'\\'), splat(b':'));
    // `{` 0x7B and `[` 0x5B differ only in 0x20, as `}` and `]` do.
    let (case, open, close) = (splat(0x20), splat(b'{'), splat(b'}'));
    let (parts, _) = block.as_chunks::<16>();
    let mut k = Kinds::default();
    for (i, part) in parts.iter().enumerate() {
        let v = load_unaligned_m128i(part);
        let folded = bitor_m128i(v, case);
        // The move mask's low 16 bits are the 16 bytes' compares.
        let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * i);
        k.quote |= bits(cmp_eq_mask_i8_m128i(v, quote));
        k.slash |= bits(cmp_eq_mask_i8_m128i(v, slash));
        k.colon |= bits(cmp_eq_mask_i8_m128i(v, colon));
        k.open |= bits(cmp_eq_mask_i8_m128i(folded, open));
        k.close |= bits(cmp_eq_mask_i8_m128i(folded, close));
    }
    k
}

/// The kinds of the bytes of one block, 32 bytes at a time with AVX2: the CPU's AVX2 is
/// found at run time by `pulp` (`V3::try_new`, None without it), whose token makes its
/// intrinsics safe to call; half the compares and move masks of [`kinds`]'s SSE2 (issue 12,
/// eleventh round).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn kinds_avx2(simd: pulp::x86::V3, block: &[u8; 64]) -> Kinds {
    use core::arch::x86_64::__m256i;
    let (avx, avx2) = (simd.avx, simd.avx2);
    let splat = |c: u8| avx._mm256_set1_epi8(c as i8);
    let (quote, slash, colon) = (splat(b'"'), splat(b'\\'), splat(b':'));
    // `{` 0x7B and `[` 0x5B differ only in 0x20, as `}` and `]` do.
    let (case, open, close) = (splat(0x20), splat(b'{'), splat(b'}'));
    let (parts, _) = block.as_chunks::<32>();
    let mut k = Kinds::default();
    for (i, part) in parts.iter().enumerate() {
        let v: __m256i = pulp::bytemuck::cast(*part);
        let folded = avx2._mm256_or_si256(v, case);
        // The move mask's 32 bits are the 32 bytes' compares.
        let bits = |m| u64::from(avx2._mm256_movemask_epi8(m) as u32) << (32 * i);
        k.quote |= bits(avx2._mm256_cmpeq_epi8(v, quote));
        k.slash |= bits(avx2._mm256_cmpeq_epi8(v, slash));
        k.colon |= bits(avx2._mm256_cmpeq_epi8(v, colon));
        k.open |= bits(avx2._mm256_cmpeq_epi8(folded, open));
        k.close |= bits(avx2._mm256_cmpeq_epi8(folded, close));
    }
    k
}

/// The kinds of the bytes of one block, a byte at a time where no vector compare is at hand.
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
#[inline]
fn kinds(block: &[u8; 64]) -> Kinds {
    let mut k = Kinds::default();
    for (i, &c) in block.iter().enumerate() {
        k.quote |= u64::from(c == b'"') << i;
        k.slash |= u64::from(c == b'\\') << i;
        k.colon |= u64::from(c == b':') << i;
        k.open |= u64::from(c == b'{' || c == b'[') << i;
        k.close |= u64::from(c == b'}' || c == b']') << i;
    }
    k
}

/// The bytes escaped by a backslash, block after block: a backslash that is not itself
/// escaped escapes the byte after it.
#[derive(Default)]
struct Escapes {
    /// 1 when the last block ended with a backslash that escapes the next block's first byte.
    carry: u64,
}

impl Escapes {
    /// The escaped bytes of the block whose backslashes are `backslash`. In a run of
    /// backslashes those at an even distance from its start escape: adding each run's start
    /// bit (shifted) to the odd bits carries through the run and leaves the parity of each
    /// place, with no branch on the bytes.
    fn next(&mut self, backslash: u64) -> u64 {
        if backslash == 0 {
            return std::mem::take(&mut self.carry);
        }
        let potential = backslash & !self.carry;
        let codes = ((potential << 1) | ODD).wrapping_sub(potential) ^ ODD;
        let escaped = codes ^ (backslash | self.carry);
        self.carry = (codes & backslash) >> 63;
        escaped
    }
}

/// Bit i set when an odd number of the bits 0..=i of `x` are set.
fn prefix_xor(mut x: u64) -> u64 {
    for s in [1, 2, 4, 8, 16, 32] {
        x ^= x << s;
    }
    x
}

/// The bits `from..to` (to ≤ 64).
fn span(from: u32, to: u32) -> u64 {
    let below_to = if to >= 64 { u64::MAX } else { (1u64 << to) - 1 };
    below_to & (u64::MAX << from)
}

/// A depth the record never returns to: set once its object has closed.
const AFTER: i64 = i64::MIN / 2;

/// The largest record read here (its places fit in 31 bits).
const LIMIT: usize = (1 << 31) - 64;

/// What the reader needs of one 64-byte block of a record (bit i for byte i): written once a
/// block, where the colons were pushed one by one into a list (a capacity check and a
/// store each, about 45 a row: a fifth of the classification's instructions, issue 12,
/// thirteenth round).
#[derive(Default, Clone, Copy)]
struct Words {
    /// The quotes that open or close a string.
    quote: u64,
    /// The backslashes: whether a string holds an escape.
    slash: u64,
    /// The colon of each member at depth 1 or 2.
    member: u64,
    /// Those of [`Self::member`] at depth 2.
    nested: u64,
}

/// The members of one record; reused from record to record (its buffers keep their size).
#[derive(Default)]
pub struct Skeleton {
    /// The record's blocks, in order.
    words: Vec<Words>,
    /// Whether the record has any backslash (most have none: no string to decode).
    any_slash: bool,
}

/// A scratch buffer larger than this many blocks (256 KiB of record) is given back after its
/// record, so that one huge record does not keep its buffers for the rest of the file.
const KEEP_WORDS: usize = 1 << 12;

impl Skeleton {
    /// Finds the members of `bytes`, one JSON text. False when the record is not of the
    /// compact shape read here (see the module's comment): walk it instead.
    pub fn mark(&mut self, bytes: &[u8]) -> bool {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = pulp::x86::V3::try_new() {
            // The whole loop is compiled with AVX2 (`vectorize` runs it in a function with
            // the CPU's features enabled), so that `kinds_avx2` is inlined into it.
            return simd.vectorize(|| self.mark_with(bytes, |block| kinds_avx2(simd, block)));
        }
        self.mark_with(bytes, kinds)
    }

    /// [`Self::mark`] with `kinds` classifying each block.
    #[inline(always)]
    fn mark_with(&mut self, bytes: &[u8], kinds: impl Fn(&[u8; 64]) -> Kinds) -> bool {
        if self.words.capacity() > KEEP_WORDS {
            *self = Self::default();
        }
        self.words.clear();
        self.any_slash = false;
        if bytes.len() >= LIMIT || bytes.trim_ascii_start().first() != Some(&b'{') {
            return false;
        }
        let (blocks, rest) = bytes.as_chunks::<64>();
        // Every block's words written in place: no push, no capacity check a block.
        self.words.resize(blocks.len() + 1, Words::default());
        let mut escapes = Escapes::default();
        // All ones when the last block ended inside a string.
        let mut inside_carry = 0u64;
        // 1 when the last block's last byte closed a string.
        let mut closing_carry = 0u64;
        let mut any_slash = 0u64;
        let mut depth = 0i64;
        let mut tail = [b' '; 64];
        tail[..rest.len()].copy_from_slice(rest);
        let all = blocks.iter().chain(std::iter::once(&tail));
        for (block, words) in all.zip(self.words.iter_mut()) {
            let k = kinds(block);
            let quote = k.quote & !escapes.next(k.slash);
            let inside = prefix_xor(quote) ^ inside_carry;
            inside_carry = ((inside as i64) >> 63) as u64;
            // At a closing quote the count of quotes so far is even.
            let closing = quote & !inside;
            let colon = k.colon & !inside;
            let after_string = (closing << 1) | closing_carry;
            closing_carry = closing >> 63;
            if colon & !after_string != 0 {
                self.words.clear();
                return false;
            }
            any_slash |= k.slash;
            // The depth between brackets (outside strings), one step a bracket.
            let (open, close) = (k.open & !inside, k.close & !inside);
            let (mut top, mut nested) = (0u64, 0u64);
            let mut brackets = open | close;
            let mut from = 0;
            while brackets != 0 {
                let at = brackets.trailing_zeros();
                brackets &= brackets - 1;
                let here = span(from, at);
                top |= here & 0u64.wrapping_sub(u64::from(depth == 1));
                nested |= here & 0u64.wrapping_sub(u64::from(depth == 2));
                depth += 2 * ((open >> at) & 1) as i64 - 1;
                if depth == 0 {
                    // The record's object has closed: what follows is not its.
                    depth = AFTER;
                }
                from = at;
            }
            let here = span(from, 64);
            top |= here & 0u64.wrapping_sub(u64::from(depth == 1));
            nested |= here & 0u64.wrapping_sub(u64::from(depth == 2));
            *words = Words {
                quote,
                slash: k.slash,
                member: colon & (top | nested),
                nested: colon & nested,
            };
        }
        self.any_slash = any_slash != 0;
        true
    }

    /// The members' colons, in order, and whether each is at depth 2.
    pub fn members(&self) -> Members<'_> {
        let first = self.words.first().copied().unwrap_or_default();
        Members {
            words: &self.words,
            w: 0,
            bits: first.member,
            nested: first.nested,
        }
    }

    /// The last quote before `at` that opens or closes a string.
    #[inline]
    fn quote_before(&self, at: usize) -> Option<usize> {
        let mut w = at / 64;
        let mut bits = self.words.get(w)?.quote & span(0, (at % 64) as u32);
        while bits == 0 {
            w = w.checked_sub(1)?;
            bits = self.words[w].quote;
        }
        Some(w * 64 + 63 - bits.leading_zeros() as usize)
    }

    /// Whether the byte at `at` is a quote that opens or closes a string.
    #[inline]
    pub fn is_quote(&self, at: usize) -> bool {
        self.words
            .get(at / 64)
            .is_some_and(|w| (w.quote >> (at % 64)) & 1 == 1)
    }

    /// The first quote at or after `at` that opens or closes a string.
    #[inline]
    fn quote_from(&self, at: usize) -> Option<usize> {
        let mut w = at / 64;
        let mut bits = self.words.get(w)?.quote & (u64::MAX << (at % 64));
        while bits == 0 {
            w += 1;
            bits = self.words.get(w)?.quote;
        }
        Some(w * 64 + bits.trailing_zeros() as usize)
    }

    /// Whether any byte of `from..to` is a backslash.
    #[inline]
    fn any_backslash(&self, from: usize, to: usize) -> bool {
        if !self.any_slash || from >= to {
            return false;
        }
        let (first, last) = (from / 64, (to - 1) / 64);
        let below_to = span(0, ((to - 1) % 64) as u32 + 1);
        let from_bits = u64::MAX << (from % 64);
        let word = |w: usize| self.words.get(w).map_or(0, |w| w.slash);
        if first == last {
            return word(first) & from_bits & below_to != 0;
        }
        word(first) & from_bits != 0
            || (first + 1..last).any(|w| word(w) != 0)
            || word(last) & below_to != 0
    }

    /// A string's text from its opening and closing quotes, escapes decoded.
    #[inline]
    fn string<'a>(&self, bytes: &'a [u8], open: usize, close: usize) -> Cow<'a, [u8]> {
        if self.any_backslash(open + 1, close) {
            Cow::Owned(decode(&bytes[open..=close]))
        } else {
            Cow::Borrowed(&bytes[open + 1..close])
        }
    }

    /// Where the key of the member whose colon is at `colon` is written: its bytes as
    /// written are `bytes[start..end]`, its text is [`Self::key`]'s when [`Self::escaped`]
    /// says they hold a backslash. No copy and no decoding: every member's key comes here,
    /// most of them to be found no key the index reads.
    #[inline]
    pub fn key_raw(&self, colon: usize) -> Option<(usize, usize)> {
        let close = colon - 1;
        Some((self.quote_before(close)? + 1, close))
    }

    /// Whether any byte of `from..to` is a backslash (an escape in a string written there).
    #[inline]
    pub fn escaped(&self, from: usize, to: usize) -> bool {
        self.any_backslash(from, to)
    }

    /// The key of the member whose colon is at `colon` (its escapes decoded).
    pub fn key<'a>(&self, bytes: &'a [u8], colon: usize) -> Cow<'a, [u8]> {
        let close = colon - 1;
        match self.quote_before(close) {
            Some(open) => self.string(bytes, open, close),
            None => Cow::Borrowed(b""),
        }
    }

    /// Where the value of the member whose colon is at `colon` begins, and its first byte.
    #[inline]
    pub fn value_at(bytes: &[u8], colon: usize) -> Option<(usize, u8)> {
        // Compact records write the value right after the colon.
        if let Some(&c) = bytes.get(colon + 1)
            && !matches!(c, b' ' | b'\t' | b'\n' | b'\r')
        {
            return Some((colon + 1, c));
        }
        let skip = bytes
            .get(colon + 1..)?
            .iter()
            .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))?;
        let at = colon + 1 + skip;
        Some((at, bytes[at]))
    }

    /// One past the bracket that closes the array opening at `at`, as
    /// [`super::walk::Walker::raw`] finds it (its own kind of bracket counted outside
    /// strings), with each string passed over from its opening quote to its closing one in
    /// the quote bits instead of byte by byte: the walk took ~1,500 instructions for a UAL
    /// `Actor` array (issue 12, sixteenth round). None where the walk must decide: a
    /// backslash or a quote the bits do not mark outside strings (bytes that are no JSON),
    /// a string or an array that does not close.
    pub fn array_end(&self, bytes: &[u8], at: usize) -> Option<usize> {
        if bytes.get(at) != Some(&b'[') {
            return None;
        }
        let mut depth = 0usize;
        let mut i = at;
        while let Some(&c) = bytes.get(i) {
            match c {
                b'"' if self.is_quote(i) => i = self.quote_from(i + 1)?,
                b'"' | b'\\' => return None,
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// The value of the member whose colon is at `colon`, as [`super::walk::Walker::text`]
    /// reads it: a string's text, escapes decoded; any other value empty. None where the
    /// value breaks off (a string with no closing quote, no value at all). The reader keeps
    /// [`Self::text_at`]'s place instead and decodes only the value it takes (tests).
    #[cfg(test)]
    pub fn text<'a>(&self, bytes: &'a [u8], colon: usize) -> Option<Cow<'a, [u8]>> {
        let at = self.text_at(bytes, colon)?;
        let (start, end) = (at.start as usize, at.end as usize);
        Some(if at.escaped {
            Cow::Owned(decode(&bytes[start - 1..=end]))
        } else {
            Cow::Borrowed(&bytes[start..end])
        })
    }

    /// Where [`Self::text`]'s value is written. Small enough to come back in registers:
    /// the `Cow` of a call not inlined came back through memory, and its copy into the
    /// caller's slot waited on those stores (a stall each key read, issue 12, twelfth round).
    /// Always inlined into the member loop (`value_of`): left to the compiler it stayed a
    /// call for each value read, its registers saved and restored each time (seventeenth
    /// round).
    #[inline(always)]
    pub fn text_at(&self, bytes: &[u8], colon: usize) -> Option<TextAt> {
        match Self::value_at(bytes, colon)? {
            (open, b'"') => {
                let close = self.quote_from(open + 1)?;
                Some(TextAt {
                    start: (open + 1) as u32,
                    end: close as u32,
                    escaped: self.any_backslash(open + 1, close),
                })
            }
            (_, b',' | b'}' | b']' | b':') => None,
            _ => Some(TextAt {
                start: 0,
                end: 0,
                escaped: false,
            }),
        }
    }
}

/// The members of a record in order ([`Skeleton::members`]): each one's colon, and whether
/// it is at depth 2.
pub struct Members<'s> {
    words: &'s [Words],
    /// The block of `bits`.
    w: usize,
    /// The members of block `w` not yet given.
    bits: u64,
    /// Block `w`'s [`Words::nested`], kept beside `bits` rather than looked up again for
    /// every member.
    nested: u64,
}

impl Iterator for Members<'_> {
    type Item = (usize, bool);

    #[inline]
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.bits == 0 {
            self.w += 1;
            let words = self.words.get(self.w)?;
            (self.bits, self.nested) = (words.member, words.nested);
        }
        let at = self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        let nested = (self.nested >> at) & 1 == 1;
        Some((self.w * 64 + at as usize, nested))
    }
}

/// A string value's text between its quotes, `start..end` of the record (under 2 GiB:
/// [`Skeleton::mark`] reads no larger one), and whether it holds an escape to decode.
#[derive(Clone, Copy)]
pub struct TextAt {
    pub start: u32,
    pub end: u32,
    pub escaped: bool,
}

#[cfg(test)]
#[path = "skeleton_tests.rs"]
mod tests;
