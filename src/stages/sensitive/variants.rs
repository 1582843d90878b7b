//! Folding traditional Chinese characters to simplified ones, one character for one, so that
//! `五星紅旗` matches an entry written `五星红旗`.
//!
//! The table is OpenCC's character table (`variants_table.rs`): each traditional character
//! takes the first simplified form OpenCC lists. A character-level fold cannot tell the few
//! characters whose simplified form depends on the word (`乾` stays `乾` in `乾隆` but becomes `干`
//! in `乾燥`); it takes OpenCC's first choice (`干`), like the character conversions of other
//! filters. Entries fold the same way, so an entry still matches its own spelling.

mod table {
    include!("variants_table.rs");
}

use table::PAIRS;

/// The main CJK block, where nearly all Chinese text is: its traditional characters are
/// marked in [`MAIN`], so that most characters are passed by one bit test.
const MAIN_FIRST: u32 = 0x4E00;
const MAIN_LAST: u32 = 0x9FFF;

/// One bit per character of the main block: whether [`PAIRS`] lists it.
const MAIN: [u64; ((MAIN_LAST - MAIN_FIRST) as usize).div_ceil(64) + 1] = {
    let mut bits = [0u64; ((MAIN_LAST - MAIN_FIRST) as usize).div_ceil(64) + 1];
    let mut i = 0;
    while i < PAIRS.len() {
        let u = PAIRS[i].0;
        if u >= MAIN_FIRST && u <= MAIN_LAST {
            let k = (u - MAIN_FIRST) as usize;
            bits[k / 64] |= 1 << (k % 64);
        }
        i += 1;
    }
    bits
};

/// The simplified form of `c`, or `c` itself.
#[inline]
pub(super) fn simplify(c: char) -> char {
    let u = c as u32;
    let listed = match u {
        MAIN_FIRST..=MAIN_LAST => {
            let k = (u - MAIN_FIRST) as usize;
            MAIN[k / 64] >> (k % 64) & 1 == 1
        }
        // The other blocks the table has characters of (the generator checks it).
        0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => true,
        _ => false,
    };
    if !listed {
        return c;
    }
    match PAIRS.binary_search_by_key(&u, |p| p.0) {
        Ok(i) => char::from_u32(PAIRS[i].1).unwrap_or(c),
        Err(_) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifies_characters() {
        for (traditional, simplified) in [
            ("五星紅旗", "五星红旗"),
            ("測試", "测试"),
            ("賭博", "赌博"),
            ("臺灣", "台湾"),
            ("國語", "国语"),
            // Extension A and beyond.
            ("㑮", "𫝈"),
            // Already simplified, or the same in both.
            ("测试一下", "测试一下"),
            ("人口", "人口"),
            ("ABC 가나 かな", "ABC 가나 かな"),
        ] {
            let got: String = traditional.chars().map(simplify).collect();
            assert_eq!(got, simplified, "{traditional}");
        }
    }

    #[test]
    fn table_is_ordered_and_folds_once() {
        assert!(PAIRS.windows(2).all(|w| w[0].0 < w[1].0));
        for &(t, s) in &PAIRS {
            let (t, s) = (char::from_u32(t).unwrap(), char::from_u32(s).unwrap());
            assert_eq!(simplify(t), s, "{t}");
            assert_eq!(simplify(s), s, "{t} → {s} folds again");
        }
    }
}
