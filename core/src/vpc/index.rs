//! A string-keyed lookup table for the evaluation: resource id (or subnet
//! id, VPC id, AZ name) → a position in one of [`VpcInput`]'s collections.
//!
//! Guarantees: [`IdIndex::insert_first`] keeps the *first* value given for a
//! key (AWS lists each resource once; for associations such as "the route
//! table of a subnet" the first document wins, as it always did);
//! [`IdIndex::get`] finds it in one hash and usually one string comparison.
//! One non-generic implementation serves every collection, so the wasm
//! module carries it once (a `BTreeMap` per value type cost a tree and a
//! stable sort per instantiation, and string comparisons of ids that share
//! long prefixes such as `subnet-0000000000000…`).
//!
//! Not done here: ordering. Callers that need a deterministic choice among
//! several matches pick by id themselves.
//!
//! [`VpcInput`]: super::VpcInput

use alloc::vec;
use alloc::vec::Vec;

/// An empty slot.
const EMPTY: u32 = u32::MAX;

/// Open addressing with linear probing over `slots`, which hold positions
/// into `keys`; the table is kept at most half full.
#[derive(Debug, Clone)]
pub(crate) struct IdIndex<'a> {
    slots: Vec<u32>,
    keys: Vec<(&'a str, u32)>,
}

/// A fast, non-cryptographic hash (input is the user's own documents; a
/// crafted collision only slows their own page down).
fn hash(key: &str) -> usize {
    let mut h: u64 = key.len() as u64;
    for chunk in key.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // The high bits are the best mixed; fold them down for the mask.
    (h ^ (h >> 29) ^ (h >> 47)) as usize
}

impl<'a> IdIndex<'a> {
    /// An empty index sized for about `n` keys (it grows past that).
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdIndex {
            slots: vec![EMPTY; (n.saturating_mul(2)).next_power_of_two().max(8)],
            keys: Vec::with_capacity(n),
        }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    fn slot(&self, key: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash(key) & mask;
        loop {
            let k = self.slots[i];
            if k == EMPTY || self.keys[k as usize].0 == key {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Maps `key` to `value` unless `key` is already present.
    pub(crate) fn insert_first(&mut self, key: &'a str, value: u32) {
        if (self.keys.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = self.slot(key);
        if self.slots[i] == EMPTY {
            self.slots[i] = self.keys.len() as u32;
            self.keys.push((key, value));
        }
    }

    fn grow(&mut self) {
        self.slots = vec![EMPTY; self.slots.len() * 2];
        let mask = self.slots.len() - 1;
        for (k, (key, _)) in self.keys.iter().enumerate() {
            let mut i = hash(key) & mask;
            while self.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = k as u32;
        }
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        match self.slots[self.slot(key)] {
            EMPTY => None,
            k => Some(self.keys[k as usize].1),
        }
    }

    /// How many distinct keys.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// A collection indexed by a string: one field of its items (a resource
/// by its id), or several (a route table by each subnet associated with it).
pub(crate) struct Lookup<'a, T> {
    index: IdIndex<'a>,
    items: &'a [T],
}

impl<'a, T> Lookup<'a, T> {
    /// Indexes `items` by `key` (the first item with a key wins).
    pub(crate) fn by_key(items: &'a [T], key: impl Fn(&'a T) -> &'a str) -> Self {
        Self::by_keys(items, |t| core::iter::once(key(t)))
    }

    /// Indexes, for every item, each key `keys` yields (the first item named
    /// for a key wins).
    pub(crate) fn by_keys<I>(items: &'a [T], keys: impl Fn(&'a T) -> I) -> Self
    where
        I: IntoIterator<Item = &'a str>,
    {
        let mut index = IdIndex::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            for key in keys(item) {
                index.insert_first(key, i as u32);
            }
        }
        Lookup { index, items }
    }

    /// The item for `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a T> {
        self.index.get(key).map(|i| &self.items[i as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    #[test]
    fn first_value_wins_and_every_key_is_found() {
        let keys: Vec<String> = (0..5000).map(|i| format!("subnet-{i:017x}")).collect();
        let mut ix = IdIndex::with_capacity(3);
        for (i, k) in keys.iter().enumerate() {
            ix.insert_first(k, i as u32);
        }
        for (i, k) in keys.iter().enumerate() {
            ix.insert_first(k, 7);
            assert_eq!(ix.get(k), Some(i as u32), "{k}");
        }
        assert_eq!(ix.len(), 5000);
        assert_eq!(ix.get("subnet-nope"), None);
        assert_eq!(ix.get(""), None);
        ix.insert_first("", 9);
        assert_eq!(ix.get(""), Some(9));
    }

    #[test]
    fn assoc_keeps_the_first_item_naming_a_key() {
        let items = [("a", ["s1", "s2"]), ("b", ["s2", "s3"])];
        let assoc = Lookup::by_keys(&items, |t| t.1.iter().copied());
        assert_eq!(assoc.get("s2").map(|t| t.0), Some("a"));
        assert_eq!(assoc.get("s3").map(|t| t.0), Some("b"));
        assert!(assoc.get("s4").is_none());
        let by = Lookup::by_key(&items, |t| t.0);
        assert_eq!(by.get("b").map(|t| t.1[0]), Some("s2"));
    }
}
