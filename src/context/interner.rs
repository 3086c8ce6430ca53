//! The context index's interner: each distinct field value once, and the fast hash it
//! looks values up by (split out of `index`, which keeps the records and lookups).

/// A fast hash for short strings (FxHash's multiply-rotate): the interner looks every
/// field of every record up, and needs no protection against chosen collisions beyond
/// what a few slow lookups cost.
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

/// FxHash's multiplier.
const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FX_K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(FX_K);
        }
    }
}

pub(super) type FxBuild = std::hash::BuildHasherDefault<Fx>;

pub(super) fn fx(bytes: &[u8]) -> u64 {
    let mut h = Fx::default();
    std::hash::Hasher::write(&mut h, bytes);
    h.0
}

/// The 8 bytes of `w` with their ASCII capitals in lower case (each byte on its own: a byte
/// from `A` to `Z` gains 0x20; bytes of 0x80 and over are left as they are).
pub(super) fn ascii_lower_word(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let low7 = w & !HI;
    // The high bit of each byte: set from `A` on, and past `Z` (no byte carries into the next).
    let from_a = low7 + LO * u64::from(0x80 - b'A');
    let past_z = low7 + LO * u64::from(0x7f - b'Z');
    let upper = from_a & !past_z & !w & HI;
    w | (upper >> 2)
}

/// [`fx`] of the bytes with ASCII case ignored (as of their ASCII lower case).
pub(super) fn fx_folded(bytes: &[u8]) -> u64 {
    let mut h = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ ascii_lower_word(u64::from_le_bytes(w))).wrapping_mul(FX_K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FX_K);
    }
    h
}

/// Each distinct value once, looked up by its bytes as read. Each string is stored once
/// (the tables hold ids); UTF-8 is checked when a value is first kept, and bytes that are
/// not UTF-8 are kept as their lossy text (U+FFFD), under that text.
///
/// Actors and targets (UPNs, object ids) have a table of their own where ASCII case is
/// ignored ([`Interner::party_id`]): every spelling of one has the id, and the text, of its
/// first spelling, so that it is shown as a record wrote it (`Victim.User@Contoso.com`).
#[derive(Default, Clone)]
pub(super) struct Interner {
    strings: Vec<Box<str>>,
    ids: hashbrown::HashTable<u32>,
    parties: hashbrown::HashTable<u32>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.strings.len())
            .finish()
    }
}

/// The ids of one field's recent values, each in a slot chosen by the value's length and
/// two of its bytes (0: none). Most records repeat a value met a few records before (an
/// operation of a few kinds, a result, a busy account): one compare of the bytes instead
/// of a hash and a table probe, on the dispatching thread, for every record taken in
/// (issue 12, seventeenth round).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Recent([u32; RECENT_SLOTS]);

/// Slots of a [`Recent`].
const RECENT_SLOTS: usize = 16;

/// [`Recent`] ids of the fields `ContextIndex::absorb` interns for every record, each field
/// apart.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RecentFields {
    pub(super) operation: Recent,
    pub(super) actor: Recent,
    pub(super) target: Recent,
    pub(super) result: Recent,
}

impl Recent {
    /// The slot of a non-empty value: its length, its first byte and its middle one (a
    /// UPN's last bytes are its tenant's, the same for most values).
    fn slot(s: &[u8]) -> usize {
        let edges = usize::from(s[0]) ^ usize::from(s[s.len() / 2]) << 1;
        (s.len().wrapping_mul(5) ^ edges) % RECENT_SLOTS
    }
}

impl Interner {
    /// [`Self::id`], the value first compared with the one `recent` holds in its slot: a
    /// value written alike has that id (each text is kept once in the table of
    /// [`Self::id`]), so the answer is the same.
    pub(super) fn id_recent(&mut self, s: &[u8], recent: &mut Recent) -> u32 {
        self.recent_or(s, recent, Self::id)
    }

    /// [`Self::party_id`] as [`Self::id_recent`]: a value written exactly as the spelling kept
    /// for an id is that id's (no two ids' texts are equal with ASCII case ignored).
    pub(super) fn party_id_recent(&mut self, s: &[u8], recent: &mut Recent) -> u32 {
        self.recent_or(s, recent, Self::party_id)
    }

    /// The id `recent` holds in `s`'s slot when its kept text is `s` as written, else
    /// `intern`'s (remembered in the slot).
    #[inline]
    fn recent_or(
        &mut self,
        s: &[u8],
        recent: &mut Recent,
        intern: impl FnOnce(&mut Self, &[u8]) -> u32,
    ) -> u32 {
        if s.is_empty() {
            return 0;
        }
        let slot = Recent::slot(s);
        let last = recent.0[slot];
        if last != 0
            && self
                .strings
                .get(last as usize)
                .is_some_and(|t| t.as_bytes() == s)
        {
            return last;
        }
        let id = intern(self, s);
        recent.0[slot] = id;
        id
    }

    pub(super) fn id(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(id) = self.get(s) {
            return id;
        }
        let text: Box<str> = match std::str::from_utf8(s) {
            Ok(t) => t.into(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(s);
                if let Some(id) = self.get(lossy.as_bytes()) {
                    return id;
                }
                lossy.into()
            }
        };
        let id = self.push(text);
        let strings = &self.strings;
        self.ids
            .insert_unique(fx(strings[id as usize].as_bytes()), id, |&i| {
                fx(strings[i as usize].as_bytes())
            });
        id
    }
    pub(super) fn push(&mut self, text: Box<str>) -> u32 {
        if self.strings.is_empty() {
            self.strings.push("".into());
        }
        self.strings.push(text);
        (self.strings.len() - 1) as u32
    }
    /// The id of an actor or target, ASCII case ignored: a spelling not seen before (in any
    /// case) is kept as written.
    pub(super) fn party_id(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(id) = self.party_get(s) {
            return id;
        }
        let text: Box<str> = match std::str::from_utf8(s) {
            Ok(t) => t.into(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(s);
                if let Some(id) = self.party_get(lossy.as_bytes()) {
                    return id;
                }
                lossy.into()
            }
        };
        let id = self.push(text);
        let strings = &self.strings;
        self.parties
            .insert_unique(fx_folded(strings[id as usize].as_bytes()), id, |&i| {
                fx_folded(strings[i as usize].as_bytes())
            });
        id
    }
    pub(super) fn party_get(&self, s: &[u8]) -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        self.parties
            .find(fx_folded(s), |&i| {
                self.strings[i as usize].as_bytes().eq_ignore_ascii_case(s)
            })
            .copied()
    }
    pub(super) fn get(&self, s: &[u8]) -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        self.ids
            .find(fx(s), |&i| self.strings[i as usize].as_bytes() == s)
            .copied()
    }
    pub(super) fn text(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// An IP address as the sign-in hint compares it, however a record wrote it: a bare
/// address, one with a port (`203.0.113.5:51000`, `[2001:db8::5]:443`, `[203.0.113.5]:443`,
/// as UAL `ClientIP` writes it), IPv4-mapped IPv6 (`::ffff:203.0.113.5`, `[::ffff:…]:443`)
/// as its IPv4 address, IPv6 in any case and zero compression (`2001:DB8:0:0:0:0:0:5` is
/// `2001:db8::5`): the parsed value, as `std::net` reads it. None for text that is no
/// address (`<null>`, a host name): such text is compared as written.
pub(crate) fn address(text: &str) -> Option<std::net::IpAddr> {
    use std::net::{IpAddr, SocketAddr};
    let t = text.trim();
    let bare = |s: &str| s.parse::<IpAddr>().ok();
    let ip = bare(t)
        .or_else(|| t.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            // `[203.0.113.5]:443` and `[2001:db8::5]`: std reads brackets only around IPv6
            // with a port.
            let (inside, rest) = t.strip_prefix('[')?.split_once(']')?;
            let port_ok = rest.is_empty()
                || rest
                    .strip_prefix(':')
                    .is_some_and(|p| p.parse::<u16>().is_ok());
            port_ok.then(|| bare(inside)).flatten()
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::{Interner, Recent, address};

    #[test]
    fn a_value_met_recently_has_the_id_it_has_in_the_tables() {
        // Values that share a slot (one length, first and middle bytes), spellings of one
        // party in other cases, bytes that are no UTF-8 (kept as their lossy text), the
        // lossy text itself, and each again after others.
        let values: Vec<&[u8]> = vec![
            b"Succeeded",
            b"Success",
            b"Alice@Contoso.com",
            b"alice@contoso.com",
            b"ALICE@CONTOSO.COM",
            b"Axice@Contoso.com",
            b"Alice@Contoso.com",
            b"\xffbad",
            "\u{fffd}bad".as_bytes(),
            b"\xffbad",
            b"",
            b"Succeeded",
            b"Axice@Contoso.com",
            b"alice@contoso.com",
        ];
        let (mut plain, mut fast) = (Interner::default(), Interner::default());
        let (mut ids, mut parties) = (Recent::default(), Recent::default());
        for round in 0..2 {
            for v in &values {
                assert_eq!(fast.id_recent(v, &mut ids), plain.id(v), "{round} {v:?}");
                let party = fast.party_id_recent(v, &mut parties);
                assert_eq!(party, plain.party_id(v), "{round} {v:?}");
                assert_eq!(fast.text(party), plain.text(party));
            }
        }
    }

    #[test]
    fn an_address_is_the_same_however_it_is_written() {
        let v4 = address("203.0.113.5");
        assert!(v4.is_some());
        for s in [
            " 203.0.113.5 ",
            "203.0.113.5:51000",
            "[203.0.113.5]:443",
            "[203.0.113.5]",
            "::ffff:203.0.113.5",
            "::FFFF:cb00:7105",
            "[::ffff:203.0.113.5]:443",
        ] {
            assert_eq!(address(s), v4, "{s}");
        }
        let v6 = address("2001:db8::5");
        for s in [
            "2001:DB8:0:0:0:0:0:5",
            "2001:0db8::0005",
            "[2001:db8::5]:443",
        ] {
            assert_eq!(address(s), v6, "{s}");
        }
        assert_ne!(address("203.0.113.6"), v4);
        for s in [
            "",
            "<null>",
            "host.contoso.com",
            "[203.0.113.5]:99999",
            "203.0.113.5:x",
        ] {
            assert_eq!(address(s), None, "{s}");
        }
    }
}
