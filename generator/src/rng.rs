//! Seeded randomness: one ChaCha stream per purpose, derived from the seed, so that what a
//! plan looks like never depends on what was generated before it.

use rand::{Rng as _, RngCore, SeedableRng};

/// The generator's random number generator.
pub(crate) type Rng = rand_chacha::ChaCha8Rng;

/// The stream of a plan's key that its person, history, content and revisions are drawn from.
pub(crate) const PLAN_STREAM: u64 = 0;
/// The event at step `s` of a plan's history plants personal data from stream
/// `PLAN_EVENT + s`.
pub(crate) const PLAN_EVENT: u64 = 1000;

/// SplitMix64's finaliser: a bijection on `u64` that scatters nearby inputs.
pub(crate) fn scramble(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key for item `index` of a family of things under `seed`; distinct indices give
/// distinct keys (the map is a bijection in `index`).
pub(crate) fn key(seed: u64, family: u64, index: u64) -> u64 {
    scramble(index ^ scramble(seed ^ scramble(family)))
}

/// The random stream `stream` of `key`.
pub(crate) fn stream(key: u64, stream: u64) -> Rng {
    let mut rng = Rng::seed_from_u64(key);
    rng.set_stream(stream);
    rng
}

/// A uniform number in `[0, 1)`.
pub(crate) fn unit(rng: &mut Rng) -> f64 {
    rng.random::<f64>()
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut Rng, p: f64) -> bool {
    unit(rng) < p
}

/// A uniform number in `[lo, hi)`.
pub(crate) fn between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

/// A number in `0..n` by multiply-and-shift: one draw, no loop (the bias, below 2^-32 for the
/// small `n` used here, does not matter for synthetic data).
fn below(rng: &mut Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

/// A uniform integer in `lo..=hi`.
pub(crate) fn int(rng: &mut Rng, lo: u32, hi: u32) -> u32 {
    lo + below(rng, u64::from(hi - lo) + 1) as u32
}

/// One item of a non-empty slice.
pub(crate) fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[below(rng, items.len() as u64) as usize]
}

/// One item of a non-empty slice, by reference.
pub(crate) fn pick_ref<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len() as u64) as usize]
}

/// One value of a non-empty weighted list.
pub(crate) fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = unit(rng) * total;
    for &(item, w) in items {
        if x < w {
            return item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// A standard normal number (Box-Muller).
pub(crate) fn normal(rng: &mut Rng) -> f64 {
    let u1 = 1.0 - unit(rng); // (0, 1]
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal number with this median and spread (sigma of the log).
pub(crate) fn lognormal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// An exponential number with this mean.
pub(crate) fn exponential(rng: &mut Rng, mean: f64) -> f64 {
    -mean * (1.0 - unit(rng)).ln()
}

/// A version-4 UUID drawn from the stream (never from the operating system).
pub(crate) fn uuid(rng: &mut Rng) -> String {
    let bytes: [u8; 16] = rng.random();
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut buf)
        .to_owned()
}

/// A version-4 UUID made from two 64-bit hashes.
pub(crate) fn uuid_from(a: u64, b: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut buf)
        .to_owned()
}

/// A uniform number in `[0, 1)` from a hash.
pub(crate) fn unit_from(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// Money to the penny.
pub(crate) fn pennies(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_index_and_seed() {
        assert_ne!(key(1, 2, 3), key(1, 2, 4));
        assert_ne!(key(1, 2, 3), key(2, 2, 3));
        assert_ne!(key(1, 2, 3), key(1, 3, 3));
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(7, 1).random();
        let b: u64 = stream(7, 1).random();
        let c: u64 = stream(7, 2).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn uuids_have_the_contract_shape() {
        let id = uuid(&mut stream(1, 1));
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn ints_cover_their_range_and_no_more() {
        let mut rng = stream(4, 4);
        let mut seen = [0; 5];
        for _ in 0..1000 {
            seen[(int(&mut rng, 3, 7) - 3) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 150), "{seen:?}");
        assert_eq!(int(&mut rng, 9, 9), 9);
    }

    #[test]
    fn weighted_never_picks_a_zero_weight() {
        let mut rng = stream(3, 3);
        for _ in 0..1000 {
            assert_ne!(weighted(&mut rng, &[(1, 1.0), (2, 0.0), (3, 2.0)]), 2);
        }
    }
}
