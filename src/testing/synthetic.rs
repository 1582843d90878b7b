//! A deterministic generator of realistic synthetic Paraformer results.
//!
//! The Rust port of `gen_corpus.py` (the corpus the benchmarks and the downstream stages are
//! measured on): meeting or call-centre Chinese with some English sentences and words, several
//! speakers with their own speaking rate, fillers, sensitive words from [`sensitive_words`],
//! pauses, long silences, and rare timestamp glitches. The same [`SyntheticOptions`] always give
//! the same bytes, on every platform: the generator uses its own small PRNG.
//!
//! What the output looks like, so tests can rely on it:
//!
//! * Chinese is one character per word, as paraformer-v2 writes it; English words carry their
//!   trailing space when another English word follows (`"Hello "`), and `punctuation` holds what
//!   follows a word (`"，"`, `"。"`, `", "`).
//! * Sensitive words come from the first 1000 of [`sensitive_words`]; a Chinese one spans several
//!   words (one per character), so matching them needs to look across words.
//! * Fillers come from [`FILLERS`] plus `额`, `那个`, `er` and `hmm`.
//! * The text identities hold everywhere: `sentence.text == concat(word.text +
//!   word.punctuation)` and `transcript.text == concat(sentence.text)`. Sentence bounds are the
//!   first word's begin and the latest word end; sentences are in time order and end before the
//!   stated duration.
//! * Glitches (rate [`SyntheticOptions::glitch_rate`] per word) only touch word times: a word
//!   that overlaps the previous one, ends before it begins, or has zero length.
//! * With one channel every sentence has a `speaker_id`; with two, each speaker's sentences land
//!   on channel `speaker_id % channels` (a call recording), each channel numbering its own
//!   sentences. With `speakers: 0` there is no `speaker_id` (diarization off).
//!
//! # Example
//!
//! ```
//! use asrpost::Transcription;
//! use asrpost::testing::synthetic::{self, SyntheticOptions};
//!
//! let opts = SyntheticOptions { minutes: 2.0, speakers: 2, seed: 7, ..Default::default() };
//! let json = synthetic::generate(&opts);
//! assert_eq!(json, synthetic::generate(&opts)); // deterministic
//! let doc = Transcription::from_str(&json)?;
//! assert!(doc.sentence_count() > 10);
//! assert!(doc.transcripts[0].sentences.iter().all(|s| s.speaker_id.unwrap() < 2));
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::HashSet;

use crate::{Millis, Sentence, Transcript, Transcription, Word};

/// The filler list the disfluency benchmarks use. The generator also emits `额`, `那个`, `er`
/// and `hmm`, which a filler stage may or may not remove.
pub const FILLERS: &[&str] = &["嗯", "啊", "呃", "um", "uh"];

/// Common two-character Chinese words (meeting and call-centre vocabulary), space-separated.
const ZH_WORDS2: &str = concat!(
    "我们 你们 他们 今天 明天 昨天 现在 时候 问题 工作 公司 项目 客户 产品 服务 系统 数据 会议 时间 需要 可以 应该 已经 ",
    "还是 但是 因为 所以 如果 这个 那个 什么 怎么 为什么 知道 觉得 认为 希望 准备 开始 结束 处理 解决 方案 计划 目标 结果 ",
    "情况 方面 部分 方式 方法 技术 市场 销售 价格 成本 订单 合同 付款 发票 支持 帮助 联系 电话 信息 邮件 地址 账号 密码 ",
    "登录 注册 银行 信用 金额 余额 退款 投诉 反馈 满意 质量 测试 开发 上线 版本 功能 需求 设计 用户 体验 界面 模型 语音 ",
    "识别 文本 音频 视频 文件 上传 下载 网络 北京 上海 杭州 深圳 广州 阿里 团队 经理 老师 同学 朋友 家人 孩子 学校 医院 ",
    "医生 身体 健康 天气 周末 一下 一起 一直 一定 一些 一般 一样 比较 非常 特别 真的 其实 当然 确实 可能 大概 差不多 没有 ",
    "不是 就是 看看 说说 想想 试试 谈谈 讨论 确认 检查 安排 通知 发送 收到 回复 跟进 协调 同步 汇报 总结 分析 评估 ",
);

/// Single-character function words and verbs.
const ZH_WORDS1: &str =
    "的了是在我你他她它这那有和就都也要会说去来到看对好不很还把被给让从跟吧呢吗啊嗯哦呀个";

/// Characters the sensitive-word patterns are built from.
const ZH_CHARS: &str = concat!(
    "赌博毒品诈骗枪支暴力色情邪教走私洗钱传销黑客盗号刷单套现代考假证贩卖非法集资裸聊违禁",
    "炸药弹药管制刀具窃听监控偷拍身份证银行卡号码密码验证码贷款催收高利网贷私服外挂翻墙代理",
    "赛马彩票博彩老虎机轮盘百家乐六合发票增值税代开办证刻章假币冥币迷药催情春药毒鼠强",
    "天地人和中国大小多少上下左右前后东西南北春夏秋冬山水火木金土日月星云风雨雪电光明",
);

/// Common English words, space-separated.
const EN_WORDS: &str = concat!(
    "hello world okay yes no thanks please meeting project customer product ",
    "service system data team manager report update issue ticket release ",
    "version feature bug fix deploy server cloud python java model speech ",
    "audio text file upload download network account password login email ",
    "phone number order price cost sales market plan goal result because so ",
    "but and the a an is are was we you they it this that what how why when ",
    "where which good great fine sure right maybe actually really just like ",
    "know think want need check send call today tomorrow ",
);

const ZH_FILLERS: &[&str] = &["嗯", "啊", "呃", "额", "那个"];
const EN_FILLERS: &[&str] = &["um", "uh", "er", "hmm"];

/// English stems of sensitive words, space-separated.
const EN_POOL: &str = concat!(
    "darkweb crack cheat scam spam phish bribe launder exploit malware ",
    "botnet keylogger rootkit ransom smuggle narcotic weapon gambling ",
    "casino escort counterfeit forgery piracy warez torrent ",
);
const EN_SUFFIXES: &[&str] = &["", "s", "er", "ing", "ed", "x", "z", "2", "99", "pro"];

/// Share of sentences that are English.
const EN_SENTENCE_RATE: f64 = 0.08;
/// Share of English words inside Chinese sentences.
const EN_WORD_RATE: f64 = 0.04;
/// The sentences draw sensitive words from this many patterns, so a 1000-word list finds them.
const SENSITIVE_DRAWN: usize = 1000;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticOptions {
    /// Length of the audio in minutes; sentences fill it up to about 20 ms before the end.
    pub minutes: f64,
    /// Number of channels: 1 is a meeting recording, 2 a call with each speaker on channel
    /// `speaker_id % channels`. 0 is taken as 1.
    pub channels: u32,
    /// Number of speakers, each with their own speaking rate; 0 writes no `speaker_id`.
    pub speakers: u32,
    /// The seed: the same options give the same output.
    pub seed: u64,
    /// Chance that a token is a filler.
    pub filler_rate: f64,
    /// Chance that a token is a sensitive word.
    pub sensitive_rate: f64,
    /// Chance that a word's times are glitched.
    pub glitch_rate: f64,
}

impl Default for SyntheticOptions {
    /// One minute, one channel, three speakers, seed 1, and the rates of `gen_corpus.py`:
    /// fillers 0.03, sensitive words 0.004, glitches 0.001.
    fn default() -> Self {
        SyntheticOptions {
            minutes: 1.0,
            channels: 1,
            speakers: 3,
            seed: 1,
            filler_rate: 0.03,
            sensitive_rate: 0.004,
            glitch_rate: 0.001,
        }
    }
}

/// A generated result as compact JSON (raw UTF-8), as the service writes it.
pub fn generate(opts: &SyntheticOptions) -> String {
    generate_document(opts).to_json()
}

/// A generated result as a document.
pub fn generate_document(opts: &SyntheticOptions) -> Transcription<'static> {
    let mut g = Gen::new(opts);
    let duration = Millis((opts.minutes.max(0.0) * 60_000.0) as u64);
    let channels = opts.channels.max(1);
    let (sentences, speakers) = g.transcript(duration.0);
    let transcripts = if channels == 1 {
        let sentences = sentences
            .into_iter()
            .zip(speakers)
            .enumerate()
            .map(|(i, (s, spk))| g.finish(s, i, spk))
            .collect();
        vec![Transcript::new(0, sentences)]
    } else {
        let mut per_channel: Vec<Vec<Sentence<'static>>> = vec![Vec::new(); channels as usize];
        for (s, spk) in sentences.into_iter().zip(speakers) {
            let ch = &mut per_channel[(spk % channels) as usize];
            let sentence = g.finish(s, ch.len(), spk);
            ch.push(sentence);
        }
        per_channel
            .into_iter()
            .enumerate()
            .map(|(c, s)| Transcript::new(c as u32, s))
            .collect()
    };
    let mut doc = Transcription::new(
        format!(
            "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/prod/paraformer-v2/\
             synthetic_{}.wav?Expires=1735689600&OSSAccessKeyId=LTAI5tExample&Signature=abc%2Bdef%3D",
            opts.seed
        ),
        transcripts,
    );
    doc.properties.audio_format = Cow::Borrowed("pcm_s16le");
    doc.properties.channels = (0..channels).collect();
    doc.properties.original_sampling_rate = Some(16000);
    doc.properties.original_duration_in_milliseconds = Some(duration);
    doc
}

/// The first `n` sensitive-word patterns: mostly 2–4 Chinese characters, some English words
/// with suffixes. Deterministic, and each list is a prefix of every longer one (the first 1000
/// of `sensitive_words(10_000)` are `sensitive_words(1000)`), so nested pattern lists share
/// their words. The generated text draws from the first 1000.
///
/// There are a few million distinct patterns; asking for more never returns.
pub fn sensitive_words(n: usize) -> Vec<String> {
    let zh: Vec<char> = ZH_CHARS.chars().collect();
    let en_pool: Vec<&str> = EN_POOL.split_whitespace().collect();
    let mut rng = Rng::new(4242);
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let r = rng.f64();
        let w = if r < 0.12 {
            let mut w = rng.choice(&en_pool).to_string();
            if rng.f64() < 0.7 {
                w.push_str(rng.choice(EN_SUFFIXES));
                w.push_str(&rng.range(0, 99).to_string());
            }
            w
        } else {
            let len = if r < 0.30 { 2 } else { rng.choice(&[3, 3, 4]) };
            (0..len).map(|_| rng.choice(&zh)).collect()
        };
        if seen.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

/// SplitMix64: tiny, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        // The modulo bias is below 2^-50 for these small spans.
        lo + self.next_u64() % (hi - lo + 1)
    }

    fn choice<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() as u64 - 1) as usize]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

/// What kind of token a sentence is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Chinese from the vocabulary or a split sensitive word: one word per character.
    Zh,
    /// A Chinese filler.
    ZhFiller,
    /// An English word or filler: one word.
    En,
}

struct Gen {
    rng: Rng,
    speakers: u32,
    rates: Vec<f64>,
    filler_rate: f64,
    sensitive_rate: f64,
    glitch_rate: f64,
    sensitive: Vec<String>,
    sensitive_en: Vec<usize>,
    /// [`ZH_WORDS1`] split into characters.
    zh1: Vec<&'static str>,
    /// [`ZH_WORDS2`] split.
    zh2: Vec<&'static str>,
    /// [`EN_WORDS`] split.
    en: Vec<&'static str>,
}

/// A sentence before ids and speakers are set, and its end.
struct Draft {
    words: Vec<Word<'static>>,
    end: Millis,
}

impl Gen {
    fn new(opts: &SyntheticOptions) -> Self {
        let mut rng = Rng::new(opts.seed);
        let speakers = opts.speakers;
        let rates = (0..speakers.max(1))
            .map(|_| 0.8 + 0.45 * rng.f64())
            .collect();
        let sensitive = sensitive_words(SENSITIVE_DRAWN);
        let sensitive_en = (0..200).filter(|&i| sensitive[i].is_ascii()).collect();
        Gen {
            rng,
            speakers,
            rates,
            filler_rate: opts.filler_rate,
            sensitive_rate: opts.sensitive_rate,
            glitch_rate: opts.glitch_rate,
            sensitive,
            sensitive_en,
            zh1: ZH_WORDS1
                .char_indices()
                .map(|(at, c)| &ZH_WORDS1[at..at + c.len_utf8()])
                .collect(),
            zh2: ZH_WORDS2.split_whitespace().collect(),
            en: EN_WORDS.split_whitespace().collect(),
        }
    }

    /// A duration between `lo` and `hi` peaking in the middle, scaled by the speaking rate and
    /// clamped to 80..600 ms.
    fn dur(&mut self, lo: f64, hi: f64, factor: f64) -> u64 {
        let u = (self.rng.f64() + self.rng.f64()) / 2.0;
        ((lo + (hi - lo) * u) * factor).clamp(80.0, 600.0) as u64
    }

    /// Tokens of a Chinese sentence.
    fn tokens_zh(&mut self, n: usize, out: &mut Vec<(Cow<'static, str>, Kind)>) {
        while out.len() < n {
            let r = self.rng.f64();
            if r < self.filler_rate {
                if self.rng.chance(0.85) {
                    let f = self.rng.choice(ZH_FILLERS);
                    out.push((f.into(), Kind::ZhFiller));
                } else {
                    out.push((self.rng.choice(EN_FILLERS).into(), Kind::En));
                }
            } else if r < self.filler_rate + self.sensitive_rate {
                let i = self.rng.range(0, self.sensitive.len() as u64 - 1) as usize;
                let w = &self.sensitive[i];
                let kind = if w.is_ascii() { Kind::En } else { Kind::Zh };
                out.push((Cow::Owned(w.clone()), kind));
            } else if r < self.filler_rate + self.sensitive_rate + EN_WORD_RATE {
                out.push((self.rng.choice(&self.en).into(), Kind::En));
            } else if self.rng.chance(0.62) {
                out.push((self.rng.choice(&self.zh2).into(), Kind::Zh));
            } else {
                let c = self.rng.choice(&self.zh1);
                out.push((c.into(), Kind::Zh));
            }
        }
    }

    /// Tokens of an English sentence.
    fn tokens_en(&mut self, n: usize, out: &mut Vec<(Cow<'static, str>, Kind)>) {
        while out.len() < n {
            let r = self.rng.f64();
            if r < self.filler_rate {
                out.push((self.rng.choice(EN_FILLERS).into(), Kind::En));
            } else if r < self.filler_rate + self.sensitive_rate
                && self.rng.chance(0.5)
                && !self.sensitive_en.is_empty()
            {
                let i = self.rng.choice(&self.sensitive_en);
                out.push((Cow::Owned(self.sensitive[i].clone()), Kind::En));
            } else {
                out.push((self.rng.choice(&self.en).into(), Kind::En));
            }
        }
    }

    /// Glitches a word's times at the glitch rate.
    fn glitch(&mut self, begin: &mut u64, end: &mut u64, prev_end: Option<u64>) {
        if self.glitch_rate <= 0.0 || !self.rng.chance(self.glitch_rate) {
            return;
        }
        let g = self.rng.f64();
        match prev_end {
            Some(prev) if g < 0.5 => *begin = prev.saturating_sub(self.rng.range(20, 200)),
            _ if g < 0.75 => *end = begin.saturating_sub(self.rng.range(1, 50)),
            _ => *end = *begin,
        }
    }

    /// One sentence starting at `t`, spoken at `factor`.
    fn sentence(
        &mut self,
        mut t: u64,
        factor: f64,
        toks: &mut Vec<(Cow<'static, str>, Kind)>,
    ) -> Draft {
        toks.clear();
        let n = self.rng.range(5, 40) as usize;
        if self.rng.chance(EN_SENTENCE_RATE) {
            self.tokens_en(n, toks);
        } else {
            self.tokens_zh(n, toks);
        }
        let mut words: Vec<Word<'static>> = Vec::with_capacity(toks.len() * 2);
        let count = toks.len();
        for i in 0..count {
            let last = i + 1 == count;
            let kind = toks[i].1;
            let is_en = kind == Kind::En;
            let punct: &'static str = if last {
                if is_en {
                    self.rng.choice(&[".", ".", ".", "?", "!"])
                } else {
                    self.rng.choice(&["。", "。", "。", "。", "？", "！"])
                }
            } else if self.rng.chance(0.09) {
                match (is_en, self.rng.chance(if is_en { 0.8 } else { 0.9 })) {
                    (true, true) => ", ",
                    (true, false) => ". ",
                    (false, true) => "，",
                    (false, false) => "、",
                }
            } else {
                ""
            };
            if is_en {
                let d = self.dur(150.0, 600.0, factor);
                let w = &toks[i].0;
                let text: Cow<'static, str> =
                    if punct.is_empty() && !last && toks[i + 1].1 == Kind::En {
                        Cow::Owned(format!("{w} "))
                    } else {
                        w.clone()
                    };
                self.push_word(&mut words, &mut t, d, text, punct);
            } else {
                let (lo, hi) = if kind == Kind::ZhFiller {
                    (80.0, 350.0)
                } else {
                    (100.0, 380.0)
                };
                let token = std::mem::take(&mut toks[i].0);
                let chars = token.chars().count();
                for (j, (at, c)) in token.char_indices().enumerate() {
                    let d = self.dur(lo, hi, factor);
                    let text: Cow<'static, str> = match &token {
                        // Slices of the static vocabulary stay borrowed.
                        Cow::Borrowed(s) => Cow::Borrowed(&s[at..at + c.len_utf8()]),
                        Cow::Owned(_) => Cow::Owned(c.to_string()),
                    };
                    let p = if j + 1 == chars { punct } else { "" };
                    self.push_word(&mut words, &mut t, d, text, p);
                }
            }
            // Mostly contiguous, sometimes a short pause between tokens.
            if self.rng.chance(0.25) {
                t += self.rng.range(10, 300);
            }
        }
        let end = words.iter().map(|w| w.end_time).max().unwrap_or(Millis(t));
        Draft { words, end }
    }

    fn push_word(
        &mut self,
        words: &mut Vec<Word<'static>>,
        t: &mut u64,
        d: u64,
        text: Cow<'static, str>,
        punct: &'static str,
    ) {
        let (mut b, mut e) = (*t, *t + d);
        self.glitch(&mut b, &mut e, words.last().map(|w| w.end_time.0));
        words.push(Word::new(Millis(b), Millis(e), text, punct));
        *t += d;
    }

    /// The sentences of the whole conversation and who speaks each.
    fn transcript(&mut self, duration: u64) -> (Vec<Draft>, Vec<u32>) {
        let pool = self.speakers.max(1);
        let mut t = self.rng.range(50, 1500);
        let mut speaker = self.rng.range(0, u64::from(pool) - 1) as u32;
        let (mut drafts, mut speakers) = (Vec::new(), Vec::new());
        let mut toks = Vec::with_capacity(48);
        loop {
            let factor = self.rates[speaker as usize];
            let s = self.sentence(t, factor, &mut toks);
            let end = s.end.0;
            if end + 20 > duration {
                break;
            }
            drafts.push(s);
            speakers.push(speaker);
            // A pause between sentences; a turn change gets a longer one.
            if pool > 1 && self.rng.chance(0.45) {
                let other = self.rng.range(0, u64::from(pool) - 2) as u32;
                speaker = if other >= speaker { other + 1 } else { other };
                t = end + self.rng.range(200, 2500);
            } else {
                t = end + self.rng.range(100, 1200);
            }
            if self.rng.chance(0.02) {
                t += self.rng.range(2000, 15000);
            }
        }
        (drafts, speakers)
    }

    /// Turns a draft into the `index`-th sentence of its channel.
    fn finish(&self, d: Draft, index: usize, speaker: u32) -> Sentence<'static> {
        let mut s = Sentence::new(d.words).with_id(index as u64 + 1);
        s.end_time = d.end;
        if self.speakers > 0 {
            s.speaker_id = Some(i64::from(speaker));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentence_matches_words;

    fn check_identities(doc: &Transcription<'_>) {
        for t in &doc.transcripts {
            let text: String = t.sentences.iter().map(|s| s.text.as_ref()).collect();
            assert_eq!(t.text, text);
            for (i, s) in t.sentences.iter().enumerate() {
                assert!(sentence_matches_words(s), "{}", s.text);
                assert_eq!(s.sentence_id, Some(i as u64 + 1));
                assert_eq!(s.begin_time, s.words[0].begin_time);
                assert_eq!(
                    s.end_time,
                    s.words.iter().map(|w| w.end_time).max().unwrap()
                );
            }
            for pair in t.sentences.windows(2) {
                assert!(pair[0].end_time < pair[1].begin_time);
            }
            if let Some(last) = t.sentences.last() {
                assert!(last.end_time.0 + 20 <= doc.duration().unwrap().0);
            }
        }
    }

    #[test]
    fn deterministic_and_seed_dependent() {
        let opts = SyntheticOptions::default();
        let a = generate(&opts);
        assert_eq!(a, generate(&opts));
        let b = generate(&SyntheticOptions { seed: 2, ..opts });
        assert_ne!(a, b);
    }

    #[test]
    fn identities_hold_and_parse_round_trips() {
        for (minutes, channels, speakers, seed) in [
            (1.0, 1, 3, 1),
            (3.0, 2, 2, 5),
            (2.0, 1, 0, 9),
            (0.5, 3, 5, 3),
        ] {
            let opts = SyntheticOptions {
                minutes,
                channels,
                speakers,
                seed,
                glitch_rate: 0.05,
                ..Default::default()
            };
            let json = generate(&opts);
            let doc = Transcription::from_str(&json).unwrap();
            // `PartialEq` also compares which fields were present, so compare the JSON.
            assert_eq!(generate_document(&opts).to_json(), json);
            assert_eq!(doc.transcripts.len(), channels as usize);
            assert_eq!(doc.properties.channels.len(), channels as usize);
            check_identities(&doc);
            for (c, t) in doc.transcripts.iter().enumerate() {
                for s in &t.sentences {
                    match s.speaker_id {
                        Some(spk) => {
                            assert!(speakers > 0 && (spk as u32) < speakers);
                            assert_eq!(spk as usize % channels as usize, c);
                        }
                        None => assert_eq!(speakers, 0),
                    }
                }
            }
            assert_eq!(doc.to_json(), json);
            // Whole milliseconds from the start of the audio: nothing negative, nothing past the end.
            assert!(!json.contains(":-"));
        }
    }

    #[test]
    fn content_matches_the_corpus() {
        let opts = SyntheticOptions {
            minutes: 30.0,
            ..Default::default()
        };
        let doc = generate_document(&opts);
        let words: Vec<&Word<'_>> = doc.transcripts[0]
            .sentences
            .iter()
            .flat_map(|s| &s.words)
            .collect();
        let n = words.len();
        assert!(n > 4000, "{n} words");
        let text = &doc.transcripts[0].text;
        // Chinese is one character per word.
        assert!(
            words
                .iter()
                .all(|w| w.text.is_ascii() || w.text.chars().count() == 1)
        );
        // English words before English words carry their space.
        assert!(words.iter().any(|w| w.text.ends_with(' ')));
        assert!(FILLERS.iter().all(|f| text.contains(f)), "fillers");
        let found = sensitive_words(1000)
            .iter()
            .filter(|w| text.contains(w.as_str()))
            .count();
        assert!(found > 10, "{found} sensitive words");
        let speakers: HashSet<_> = doc.transcripts[0]
            .sentences
            .iter()
            .map(|s| s.speaker_id)
            .collect();
        assert_eq!(speakers.len(), 3);
        let glitches = words
            .windows(2)
            .filter(|w| w[1].end_time <= w[1].begin_time || w[1].begin_time < w[0].end_time)
            .count();
        assert!(glitches > 0 && glitches * 200 < n, "{glitches} glitches");
    }

    #[test]
    fn no_glitches_at_rate_zero() {
        let opts = SyntheticOptions {
            minutes: 10.0,
            glitch_rate: 0.0,
            ..Default::default()
        };
        let doc = generate_document(&opts);
        check_identities(&doc);
        assert!(doc.validate().is_empty(), "{:?}", doc.validate());
    }

    #[test]
    fn sensitive_lists_are_nested() {
        let small = sensitive_words(1000);
        let big = sensitive_words(3000);
        assert_eq!(small[..], big[..1000]);
        assert_eq!(big.iter().collect::<HashSet<_>>().len(), 3000);
        assert!(small.iter().any(|w| w.is_ascii()));
        assert!(
            small
                .iter()
                .all(|w| (2..=4).contains(&w.chars().count()) || w.is_ascii())
        );
    }

    #[test]
    fn degenerate_options_do_not_panic() {
        for minutes in [0.0, -1.0, f64::NAN, 0.001] {
            let doc = generate_document(&SyntheticOptions {
                minutes,
                channels: 0,
                speakers: 0,
                ..Default::default()
            });
            assert!(doc.transcripts[0].sentences.is_empty());
        }
    }
}
