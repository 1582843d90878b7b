//! Word lists and counting units: hesitation fillers (tier A), backchannel words (tier B),
//! words versus CJK characters, question marks.
//!
//! This is the analytics' own small copy of the disfluency vocabulary (asrpost filter reference
//! §2.2, tiers A and B), so the analytics work without the disfluency stage. When that stage
//! has landed it can hand its lists over through [`AnalyticsOptions::fillers`] and
//! [`AnalyticsOptions::backchannels`](super::AnalyticsOptions::backchannels).
//!
//! [`AnalyticsOptions::fillers`]: super::AnalyticsOptions::fillers

use crate::Word;
use crate::text::{Script, main_han_char};

/// Tier A: hesitation sounds.
const FILLERS: &[&str] = &[
    // zh (呃/额 and 嗯 and utterance-initial 啊; 额, 啊, 呐, 哎 and 唉 are guarded, see
    // `AMBIGUOUS`)
    "呃",
    "额",
    "嗯",
    "唔",
    "啊",
    "诶",
    "欸",
    "哎",
    "唉",
    "呐",
    "呃呃",
    "嗯嗯", // en
    "um",
    "umm",
    "uh",
    "uhh",
    "er",
    "erm",
    "ah",
    "hm",
    "hmm",
    "mm",
    "mmm",
    "eh", // ja
    "えー",
    "えーと",
    "えっと",
    "ええと",
    "あー",
    "あのー",
    "そのー",
    "うーん",
    "んー",
    "まー",
    // ko
    "음",
    "으음",
    "어",
    "어어",
    "아",
    "에",
    "으",
    "흠", // de
    "äh",
    "ähm",
    "öh",
    "öhm", // fr
    "euh",
    "heu",
    "euhm",
    "hum",
    "mmh", // ru
    "э",
    "ээ",
    "эм",
    "эмм",
    "м",
    "мм",
    "хм",
];

/// Tier B: acknowledgements.
const BACKCHANNELS: &[&str] = &[
    // zh
    "嗯",
    "嗯嗯",
    "哦",
    "噢",
    "对",
    "对对对",
    "好",
    "好的",
    "是",
    "是的",
    "行",
    "嗯哼",
    "没错",
    // en
    "mhm",
    "mhmm",
    "mm-hmm",
    "uh-huh",
    "um-hum",
    "mmhm",
    "yeah",
    "yes",
    "yep",
    "right",
    "okay",
    "ok", // ja
    "はい",
    "ええ",
    "うん",
    "そうですね",
    "そうそう",
    "なるほど", // ko
    "네",
    "예",
    "응",
    "네네", // de
    "ja",
    "genau",
    "okay", // fr
    "oui",
    "ouais",
    "d'accord", // ru
    "да",
    "ага",
    "угу",
    "ну да",
];

/// One-character CJK fillers that are also morphemes or particles (`额度`, `好啊`, `呐喊`,
/// `아버지`): they count as fillers only at the start of a clause and not before a character
/// they form a word with.
const AMBIGUOUS: &[(char, &str)] = &[
    ('额', "度外头数"),
    ('啊', ""),
    ('呐', "喊"),
    ('哎', "呀哟"),
    ('唉', "声"),
    ('어', ""),
    ('아', ""),
    ('에', ""),
    ('으', ""),
];

/// The word lists, normalized (lowercase, no punctuation or spaces) and sorted.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    fillers: Vec<String>,
    backchannels: Vec<String>,
    /// Longest filler entry, in characters: how far a CJK match looks ahead.
    longest_filler: usize,
    /// The first characters of the fillers, sorted: most words are ruled out by their first
    /// character without normalizing them.
    first_chars: Vec<char>,
    /// One-character Han and kana fillers, sorted.
    cjk_single: Vec<char>,
    /// First characters of longer Han and kana fillers, sorted.
    cjk_multi_first: Vec<char>,
    /// Bit `c % 256` is set for each character of `cjk_single` and `cjk_multi_first`: rules
    /// out most Han words with one test.
    cjk_bloom: [u64; 4],
}

impl Default for Lexicon {
    fn default() -> Self {
        let mut lex = Lexicon {
            fillers: Vec::new(),
            backchannels: Vec::new(),
            longest_filler: 0,
            first_chars: Vec::new(),
            cjk_single: Vec::new(),
            cjk_multi_first: Vec::new(),
            cjk_bloom: [0; 4],
        };
        lex.set_fillers(FILLERS);
        lex.set_backchannels(BACKCHANNELS);
        lex
    }
}

/// Appends `text` lowercased, without punctuation and spaces.
pub(crate) fn normalize_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !c.is_ascii_whitespace() && !c.is_ascii_punctuation() {
                out.push(c);
            }
            continue;
        }
        match script(c) {
            Script::Punctuation | Script::Space => {}
            Script::Han | Script::Kana | Script::Hangul | Script::Digit => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

/// The first character of `text` that is not punctuation or space, lowercased.
fn first_char(text: &str) -> Option<char> {
    for c in text.chars() {
        match script(c) {
            Script::Punctuation | Script::Space => {}
            Script::Han | Script::Kana | Script::Hangul | Script::Digit => return Some(c),
            _ if c.is_ascii() => return Some(c.to_ascii_lowercase()),
            _ => return Some(c.to_lowercase().next().unwrap_or(c)),
        }
    }
    None
}

fn normalized_list<I, S>(words: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out: Vec<String> = words
        .into_iter()
        .map(|w| {
            let mut s = String::new();
            normalize_into(w.as_ref(), &mut s);
            s
        })
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The script of a character, with fast paths for ASCII and the main Han block (the bulk of
/// the text).
#[inline]
fn script(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '0'..='9' => Script::Digit,
        '\u{4E00}'..='\u{9FFF}' => Script::Han,
        _ => Script::of(c),
    }
}

/// Han or kana: written without spaces, counted in characters.
#[inline]
fn is_cjk_char(c: char) -> bool {
    matches!(script(c), Script::Han | Script::Kana)
}

fn is_cjk_text(s: &str) -> bool {
    s.chars().next().is_some_and(is_cjk_char)
}

/// The character of a word that is one Han or kana character (spaces around allowed).
#[inline]
fn single_cjk_char(text: &str) -> Option<char> {
    let text = text.trim_ascii();
    if text.len() > 4 {
        return None;
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if is_cjk_char(c) => Some(c),
        _ => None,
    }
}

impl Lexicon {
    pub(crate) fn set_fillers<I, S>(&mut self, words: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fillers = normalized_list(words);
        self.first_chars = self
            .fillers
            .iter()
            .filter_map(|f| f.chars().next())
            .collect();
        self.first_chars.sort_unstable();
        self.first_chars.dedup();
        self.cjk_single.clear();
        self.cjk_multi_first.clear();
        for f in &self.fillers {
            let mut chars = f.chars();
            if let (Some(c), None) = (chars.next().filter(|&c| is_cjk_char(c)), chars.next()) {
                self.cjk_single.push(c);
            }
        }
        self.cjk_single.sort_unstable();
        for f in &self.fillers {
            let mut chars = f.chars();
            if let (Some(c), Some(_)) = (chars.next().filter(|&c| is_cjk_char(c)), chars.next()) {
                // An entry made of one-character fillers (`呃呃`) is found one character at a
                // time; only the others need the look-ahead.
                if !f.chars().all(|c| self.cjk_single.binary_search(&c).is_ok()) {
                    self.cjk_multi_first.push(c);
                }
            }
        }
        self.cjk_multi_first.sort_unstable();
        self.cjk_multi_first.dedup();
        self.cjk_bloom = [0; 4];
        for &c in self.cjk_single.iter().chain(&self.cjk_multi_first) {
            let bit = c as usize % 256;
            self.cjk_bloom[bit / 64] |= 1 << (bit % 64);
        }
        self.longest_filler = self
            .fillers
            .iter()
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(0);
    }

    pub(crate) fn set_backchannels<I, S>(&mut self, words: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.backchannels = normalized_list(words);
    }

    fn is_filler(&self, normalized: &str) -> bool {
        self.fillers
            .binary_search_by(|f| f.as_str().cmp(normalized))
            .is_ok()
    }

    /// Marks the fillers among a sentence's words: a whole word from the list, or, for Han and
    /// kana written one character per word, a run of words that spells an entry. `buf` is
    /// scratch space.
    pub(crate) fn mark_fillers(&self, words: &[Word<'_>], flags: &mut Vec<bool>, buf: &mut String) {
        flags.clear();
        flags.resize(words.len(), false);
        let mut i = 0;
        while i < words.len() {
            // Fastest path: one character of the main Han block that cannot be a filler.
            if let Some(c) = main_han_char(&words[i].text) {
                let bit = c as usize % 256;
                if self.cjk_bloom[bit / 64] & (1 << (bit % 64)) == 0 {
                    i += 1;
                    continue;
                }
                if self.cjk_multi_first.binary_search(&c).is_err() {
                    flags[i] = self.cjk_single.binary_search(&c).is_ok()
                        && self.single_filler_allowed(words, i, c);
                    i += 1;
                    continue;
                }
            }
            // Fast path: one Han or kana character, as paraformer-v2 writes Chinese. Only a
            // character that starts a longer entry needs the look-ahead below.
            if let Some(c) = single_cjk_char(&words[i].text) {
                if self.cjk_multi_first.binary_search(&c).is_err() {
                    flags[i] = self.cjk_single.binary_search(&c).is_ok()
                        && self.single_filler_allowed(words, i, c);
                    i += 1;
                    continue;
                }
            }
            let candidate = first_char(&words[i].text)
                .is_some_and(|c| self.first_chars.binary_search(&c).is_ok());
            if !candidate {
                i += 1;
                continue;
            }
            buf.clear();
            normalize_into(&words[i].text, buf);
            if buf.is_empty() {
                i += 1;
                continue;
            }
            // Longest run of one-character CJK words that spells an entry.
            let mut matched = 0;
            if is_cjk_text(buf) && buf.chars().count() == 1 {
                let mut j = i;
                let mut chars = 0;
                while j < words.len() && chars < self.longest_filler {
                    if j > i {
                        if !words[j - 1].punctuation.trim_ascii().is_empty() {
                            break;
                        }
                        let before = buf.len();
                        normalize_into(&words[j].text, buf);
                        if buf.len() == before || !is_cjk_text(&buf[before..]) {
                            buf.truncate(before);
                            break;
                        }
                    }
                    chars = buf.chars().count();
                    j += 1;
                    if self.is_filler(buf) {
                        matched = j - i;
                    }
                }
                buf.truncate(buf.char_indices().nth(1).map_or(buf.len(), |(k, _)| k));
            } else if self.is_filler(buf) {
                matched = 1;
            }
            if matched == 1 {
                let mut chars = buf.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    if !self.single_filler_allowed(words, i, c) {
                        matched = 0;
                    }
                }
            }
            for f in flags.iter_mut().skip(i).take(matched) {
                *f = true;
            }
            i += matched.max(1);
        }
    }

    /// The guard for one-character fillers that are also morphemes (see `AMBIGUOUS`).
    fn single_filler_allowed(&self, words: &[Word<'_>], i: usize, c: char) -> bool {
        let Some((_, blockers)) = AMBIGUOUS.iter().find(|(a, _)| *a == c) else {
            return true;
        };
        let clause_initial = i == 0 || !words[i - 1].punctuation.trim_ascii().is_empty();
        if !clause_initial {
            return false;
        }
        let w = &words[i];
        if !w.punctuation.trim_ascii().is_empty() || w.text.ends_with(' ') {
            return true;
        }
        match words
            .get(i + 1)
            .and_then(|n| n.text.trim_start().chars().next())
        {
            None => true,
            // Hangul written one syllable per word: a following syllable makes it a word.
            Some(n) if Script::of(c) == Script::Hangul => Script::of(n) != Script::Hangul,
            Some(n) => !blockers.contains(n),
        }
    }

    /// Whether a normalized text consists only of backchannel words and fillers (`对对对`,
    /// `okay okay`, `嗯好的`).
    pub(crate) fn is_backchannel_text(&self, normalized: &str) -> bool {
        if normalized.is_empty() {
            return false;
        }
        // reachable[k]: the first k bytes split into entries.
        let n = normalized.len();
        let mut reachable = [false; 65];
        if n >= reachable.len() {
            return false;
        }
        reachable[0] = true;
        for start in 0..n {
            if !reachable[start] || !normalized.is_char_boundary(start) {
                continue;
            }
            let rest = &normalized[start..];
            let Some(first) = rest.chars().next() else {
                continue;
            };
            let mut prefix = [0u8; 4];
            let prefix = first.encode_utf8(&mut prefix).as_bytes();
            // Both lists are sorted: the entries starting with `first` are one run of each.
            for list in [&self.backchannels, &self.fillers] {
                let from = list.partition_point(|e| e.as_bytes() < prefix);
                for entry in list[from..]
                    .iter()
                    .take_while(|e| e.as_bytes().starts_with(prefix))
                {
                    if rest.starts_with(entry.as_str()) {
                        reachable[start + entry.len()] = true;
                    }
                }
            }
        }
        reachable[n]
    }
}

/// Words and CJK characters in a text: a Han or kana character is one character unit; a run
/// of letters or digits of other scripts (Latin, Cyrillic, Hangul eojeol, numbers) is one word.
/// Apostrophes and hyphens inside a run (`don't`, `mm-hmm`) do not split it. Punctuation and
/// spaces count nothing, except `*`, which masks letters: a masked word (`****`, `f***`, or a
/// masked CJK word) counts as one word.
#[inline]
pub(crate) fn count_units(text: &str) -> (u32, u32) {
    // Fast path: one character of the main Han block, most words of paraformer-v2's Chinese.
    if main_han_char(text).is_some() {
        return (0, 1);
    }
    let mut words = 0u32;
    let mut chars = 0u32;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii() {
            // The common case without the script table. `*` is a masked letter (the
            // sensitive-word stage's default mask): a masked word is still a word.
            if c.is_ascii_alphanumeric() || c == '*' {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            } else if !matches!(c, '\'' | '-') {
                in_word = false;
            }
            continue;
        }
        match script(c) {
            Script::Han | Script::Kana => {
                chars += 1;
                in_word = false;
            }
            Script::Space => in_word = false,
            Script::Punctuation => {
                if !matches!(c, '\'' | '’' | '-') {
                    in_word = false;
                }
            }
            _ => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            }
        }
    }
    (words, chars)
}

/// Questions in a text: runs of `?` or `？` (`??` is one question).
#[inline]
pub(crate) fn count_questions(text: &str) -> u32 {
    // `？` is EF BC 9F in UTF-8: a byte scan rules most texts out.
    if !text.bytes().any(|b| b == b'?' || b == 0x9F) {
        return 0;
    }
    let mut n = 0;
    let mut prev = false;
    for c in text.chars() {
        let q = c == '?' || c == '？';
        if q && !prev {
            n += 1;
        }
        prev = q;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Millis;

    fn words(tokens: &[(&str, &str)]) -> Vec<Word<'static>> {
        tokens
            .iter()
            .enumerate()
            .map(|(i, (t, p))| {
                Word::new(
                    Millis(i as u64 * 100),
                    Millis(i as u64 * 100 + 90),
                    t.to_string(),
                    p.to_string(),
                )
            })
            .collect()
    }

    fn fillers(tokens: &[(&str, &str)]) -> Vec<bool> {
        let lex = Lexicon::default();
        let mut flags = Vec::new();
        let mut buf = String::new();
        lex.mark_fillers(&words(tokens), &mut flags, &mut buf);
        flags
    }

    #[test]
    fn filler_marking() {
        type Case = (&'static [(&'static str, &'static str)], &'static [bool]);
        let table: &[Case] = &[
            (
                &[("um ", ""), ("so ", ""), ("yes", ".")],
                &[true, false, false],
            ),
            (&[("Uh", ", "), ("UM", "")], &[true, true]),
            (&[("呃", ""), ("我", ""), ("想", "")], &[true, false, false]),
            (&[("呃", ""), ("呃", ""), ("好", "")], &[true, true, false]),
            // 额度 is a word, 额， a filler.
            (&[("额", ""), ("度", "")], &[false, false]),
            (&[("额", "，"), ("我", "")], &[true, false]),
            // Sentence-final 啊 is a particle; initial 啊 a filler.
            (&[("好", ""), ("啊", "。")], &[false, false]),
            (&[("啊", "，"), ("好", "")], &[true, false]),
            (
                &[("え", ""), ("ー", ""), ("と", ""), ("今", "")],
                &[true, true, true, false],
            ),
            (&[("アルバイト", "")], &[false]),
            (
                &[("아", ""), ("버", ""), ("지", "")],
                &[false, false, false],
            ),
            (&[("아 ", ""), ("네", "")], &[true, false]),
            // German `um` is counted by the default list; a custom list can drop it.
            (&[("umgebung", "")], &[false]),
        ];
        for (tokens, want) in table {
            assert_eq!(&fillers(tokens), want, "{tokens:?}");
        }
    }

    #[test]
    fn custom_fillers() {
        let mut lex = Lexicon::default();
        lex.set_fillers(["like"]);
        let mut flags = Vec::new();
        let mut buf = String::new();
        lex.mark_fillers(&words(&[("um ", ""), ("like ", "")]), &mut flags, &mut buf);
        assert_eq!(flags, [false, true]);
    }

    #[test]
    fn backchannel_text() {
        let lex = Lexicon::default();
        for (text, want) in [
            ("对对对", true),
            ("嗯好的", true),
            ("okayokay", true),
            ("mmhmm", true),
            ("uhhuh", true),
            ("好的我知道了", false),
            ("no", false),
            ("", false),
            ("はい", true),
        ] {
            assert_eq!(lex.is_backchannel_text(text), want, "{text}");
        }
    }

    #[test]
    fn units() {
        for (text, want) in [
            ("Hello world, ", (2, 0)),
            ("don't stop", (2, 0)),
            ("你好，世界。", (0, 4)),
            ("我用iPhone 15", (2, 2)),
            ("안녕하세요 여러분", (2, 0)),
            ("えーと", (0, 3)),
            ("“", (0, 0)),
            ("**** off", (2, 0)),
        ] {
            assert_eq!(count_units(text), want, "{text}");
        }
    }

    #[test]
    fn questions() {
        for (text, want) in [("好吗？", 1), ("What?? Why?", 2), ("no.", 0)] {
            assert_eq!(count_questions(text), want, "{text}");
        }
    }
}
