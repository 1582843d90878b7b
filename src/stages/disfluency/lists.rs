//! The built-in word lists, per language (see `reference/filters.md` Part 2).
//!
//! Entries are written as a speaker's words: several words separated by a space (`you know`),
//! Chinese and Japanese without spaces. Matching is case-insensitive for Latin and Cyrillic,
//! and runs of three or more identical letters match one letter (`ummm` is `um`).

/// The lists of one language.
pub(super) struct Lists {
    /// Tier A: hesitation sounds.
    pub(super) hesitations: &'static [&'static str],
    /// Tier B: backchannels and acknowledgements.
    pub(super) backchannels: &'static [&'static str],
    /// Tier C: discourse markers.
    pub(super) markers: &'static [&'static str],
    /// Hesitations that are also particles or words elsewhere in a sentence: removed only at
    /// the start of a sentence or clause (after punctuation or another filler).
    pub(super) initial_only: &'static [&'static str],
    /// Hesitations removed only when they stand alone between punctuation (or fillers).
    pub(super) isolated_only: &'static [&'static str],
    /// Real words of this language that are fillers in another one (`um` and `er` in German):
    /// when this language is hinted, other languages' entries with these spellings are off.
    pub(super) clashes: &'static [&'static str],
    /// Words whose repetition is grammar or meaning, never a stutter (`bye bye`, `no no no`,
    /// number words).
    pub(super) keep_repeats: &'static [&'static str],
    /// Words that contain a filler but are not one (`额度`, `金额`, `呐喊`): a filler inside
    /// them is never matched, even when the recognizer splits them into characters.
    pub(super) compounds: &'static [&'static str],
    /// Words whose immediate repetition is a stutter (`我们我们`, `这个这个`). Chinese only: other
    /// repeated Chinese words are reduplication (`研究研究`) and are kept.
    pub(super) stutter_words: &'static [&'static str],
    /// Single characters whose doubling is a stutter (`我我觉得`).
    pub(super) stutter_chars_2: &'static str,
    /// Single characters whose tripling is a stutter (`就就就是`); twice may be grammar.
    pub(super) stutter_chars_3: &'static str,
    /// Single characters whose long runs are speech, not a recognition loop (`哈哈哈哈`,
    /// `对对对对`, digits).
    pub(super) loop_safe_chars: &'static str,
}

const NONE: &[&str] = &[];

pub(super) const ZH: Lists = Lists {
    hesitations: &[
        "呃", "额", "嗯", "唔", "啊", "诶", "欸", "哎", "呐", "呃呃", "嗯嗯", "额额",
    ],
    backchannels: &[
        "哦",
        "噢",
        "对",
        "对对",
        "对对对",
        "好的",
        "是的",
        "行",
        "嗯哼",
        "是是是",
        "好好好",
    ],
    markers: &[
        "那个",
        "这个",
        "就是",
        "就是说",
        "然后",
        "然后呢",
        "其实",
        "反正",
        "怎么说呢",
        "你知道",
        "对吧",
        "所以说",
    ],
    // 啊 ends sentences as a particle (好啊, 是啊); 呐 too (你看呐).
    initial_only: &["啊", "呐"],
    // 唔 is Cantonese "not" (唔好, 唔知) when it leads a word.
    isolated_only: &["唔"],
    clashes: NONE,
    keep_repeats: &[
        "谢谢",
        "看看",
        "试试",
        "常常",
        "刚刚",
        "慢慢",
        "天天",
        "人人",
        "个个",
        "渐渐",
        "妈妈",
        "爸爸",
        "哥哥",
        "姐姐",
        "弟弟",
        "妹妹",
        "爷爷",
        "奶奶",
        "宝宝",
        "哈哈",
        "嘻嘻",
        "研究研究",
        "考虑考虑",
        "讨论讨论",
        "商量商量",
        "休息休息",
        "学习学习",
        "了解了解",
        "介绍介绍",
    ],
    compounds: &[
        "额度", "金额", "额外", "名额", "余额", "数额", "份额", "限额", "总额", "差额", "定额",
        "超额", "面额", "额头", "配额", "巨额", "税额", "额定", "全额", "高额", "票额", "款额",
        "呐喊", "哎呀", "哎哟", "哎呦", "唔该", "欸乃", "嗯哼",
    ],
    stutter_words: &[
        "我们",
        "你们",
        "他们",
        "她们",
        "咱们",
        "这个",
        "那个",
        "这些",
        "那些",
        "就是",
        "然后",
        "但是",
        "所以",
        "因为",
        "如果",
        "还是",
        "我的",
        "这样",
        "那样",
        "什么",
        "怎么",
        "我觉得",
    ],
    stutter_chars_2: "我你他她它咱这那",
    stutter_chars_3: "就也都还在把但而又和跟给让被的去要",
    loop_safe_chars: "零〇一二三四五六七八九十百千万亿两幺哈嘻呵嘿对好是行嗯啦谢",
};

pub(super) const EN: Lists = Lists {
    hesitations: &[
        "um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hm", "hmm", "mm", "mmm",
    ],
    backchannels: &[
        "mhm", "mhmm", "mm-hmm", "uh-huh", "um-hum", "mmhm", "yeah", "right", "okay",
    ],
    markers: &[
        "you know",
        "i mean",
        "like",
        "well",
        "so",
        "basically",
        "actually",
        "kind of",
        "sort of",
        "literally",
    ],
    initial_only: NONE,
    isolated_only: NONE,
    clashes: &["also", "halt", "genre", "hum", "ben", "bon", "eben"],
    keep_repeats: &[
        "bye", "very", "no", "that", "had", "is", "ha", "so", "well", "knock", "blah", "night",
        "uh-uh", "mm-mm", "nuh-uh", "huh-uh", "zero", "oh", "one", "two", "three", "four", "five",
        "six", "seven", "eight", "nine", "ten", "double",
    ],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};

pub(super) const JA: Lists = Lists {
    hesitations: &[
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
        "ま",
    ],
    backchannels: &["はい", "ええ", "うん", "そうですね", "そうそう", "なるほど"],
    markers: &[
        "あの",
        "その",
        "まあ",
        "なんか",
        "こう",
        "ちょっと",
        "やっぱり",
    ],
    // Without a long-vowel mark these run into words in kana-only text.
    initial_only: &["えっと", "ええと"],
    isolated_only: &["ま"],
    clashes: NONE,
    keep_repeats: &["そうそう", "色々", "時々", "人々"],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};

pub(super) const KO: Lists = Lists {
    hesitations: &["음", "으음", "어", "어어", "아", "에", "으", "흠"],
    backchannels: &["네", "예", "응", "네네"],
    markers: &[
        "그",
        "저",
        "저기",
        "뭐",
        "이제",
        "막",
        "좀",
        "약간",
        "그니까",
        "그러니까",
        "있잖아",
    ],
    // 어 and 아 are also answers and exclamations; only as clause openers.
    initial_only: &["어", "아"],
    isolated_only: NONE,
    clashes: NONE,
    keep_repeats: &[
        "네", "예", "응", "아니", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구", "공",
    ],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};

pub(super) const DE: Lists = Lists {
    hesitations: &["äh", "ähm", "öh", "öhm", "hm", "hmm", "eh"],
    backchannels: &["ja", "mhm", "genau", "okay"],
    markers: &[
        "also",
        "halt",
        "eben",
        "na ja",
        "quasi",
        "sozusagen",
        "irgendwie",
        "ne",
        "gell",
    ],
    initial_only: NONE,
    isolated_only: NONE,
    // `um 8 Uhr`, `um … zu`; `er` is "he".
    clashes: &["um", "er", "so"],
    keep_repeats: &[
        "ja", "nein", "sehr", "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
        "acht", "neun", "tschüss",
    ],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};

pub(super) const FR: Lists = Lists {
    hesitations: &["euh", "heu", "euhm", "hum", "hm", "mmh"],
    backchannels: &["oui", "ouais", "d'accord", "mmh"],
    markers: &[
        "ben", "bah", "bon", "hein", "quoi", "genre", "du coup", "en fait", "voilà", "tu vois",
        "enfin", "bref",
    ],
    initial_only: NONE,
    isolated_only: NONE,
    clashes: NONE,
    keep_repeats: &[
        "oui", "non", "très", "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept",
        "huit", "neuf",
    ],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};

pub(super) const RU: Lists = Lists {
    hesitations: &["э", "ээ", "эм", "эмм", "м", "мм", "хм", "а-а"],
    backchannels: &["да", "ага", "угу", "ну да"],
    markers: &[
        "ну",
        "вот",
        "это",
        "это самое",
        "как бы",
        "типа",
        "значит",
        "короче",
        "так сказать",
        "в общем",
        "слушай",
    ],
    initial_only: NONE,
    isolated_only: NONE,
    clashes: NONE,
    keep_repeats: &[
        "да",
        "нет",
        "очень",
        "так",
        "ноль",
        "один",
        "два",
        "три",
        "четыре",
        "пять",
        "шесть",
        "семь",
        "восемь",
        "девять",
    ],
    compounds: NONE,
    stutter_words: NONE,
    stutter_chars_2: "",
    stutter_chars_3: "",
    loop_safe_chars: "",
};
