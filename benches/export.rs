//! Subtitle export: cue layout plus writing of a one-hour result, next to parsing the same
//! JSON. The figure that matters is the ratio to `parse` (the goal is at most 0.5).

use std::hint::black_box;

use asrpost::export::cues::CueBuilder;
use asrpost::export::{AssExporter, Exporter, SrtExporter, WebVttExporter};
use asrpost::{Millis, Sentence, Transcript, Transcription, Word};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A deterministic one-hour result shaped like the synthetic corpus: mostly Chinese words of
/// one or two characters, some English sentences and words, punctuation, pauses and three
/// speakers, compact JSON.
fn synthetic_hour() -> String {
    const ZH2: &[&str] = &[
        "我们", "今天", "问题", "工作", "公司", "项目", "客户", "产品", "服务", "系统", "数据",
        "会议", "时间", "需要", "可以", "应该", "已经", "但是", "因为", "所以", "如果", "这个",
        "知道", "觉得", "处理", "解决", "方案", "计划", "结果", "情况", "测试", "开发", "上线",
    ];
    const ZH1: &[&str] = &[
        "的", "了", "是", "在", "我", "你", "他", "这", "有", "和", "就", "嗯",
    ];
    const EN: &[&str] = &[
        "hello", "okay", "project", "customer", "system", "data", "team", "report", "update",
        "release", "because", "so", "but", "and", "the", "we", "think", "need", "today",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut t = 300u64;
    let mut sentences = Vec::new();
    while t < 3_600_000 {
        let english = rnd(12) == 0;
        let n = 5 + rnd(36);
        let mut words = Vec::new();
        for i in 0..n {
            let last = i + 1 == n;
            let (text, d) = if english {
                (
                    format!("{} ", EN[rnd(EN.len() as u64) as usize]),
                    150 + rnd(400),
                )
            } else if rnd(25) == 0 {
                (
                    EN[rnd(EN.len() as u64) as usize].to_string(),
                    150 + rnd(400),
                )
            } else if rnd(8) < 5 {
                (
                    ZH2[rnd(ZH2.len() as u64) as usize].to_string(),
                    200 + rnd(350),
                )
            } else {
                (
                    ZH1[rnd(ZH1.len() as u64) as usize].to_string(),
                    80 + rnd(250),
                )
            };
            let punct = match (last, english, rnd(9)) {
                (true, true, _) => ". ",
                (true, false, _) => "。",
                (false, true, 0) => ", ",
                (false, false, 0) => "，",
                _ => "",
            };
            let text = if english && !punct.is_empty() {
                text.trim_end().to_string()
            } else {
                text
            };
            words.push(Word::new(Millis(t), Millis(t + d), text, punct));
            t += d + if rnd(10) == 0 { 150 + rnd(400) } else { 0 };
        }
        let speaker = rnd(3) as i64;
        sentences.push(
            Sentence::new(words)
                .with_id(sentences.len() as u64 + 1)
                .with_speaker(speaker),
        );
        t += 200 + rnd(1500);
    }
    let mut doc = Transcription::new(
        "https://example.com/1h.wav",
        vec![Transcript::new(0, sentences)],
    );
    doc.properties.audio_format = "pcm_s16le".into();
    doc.properties.channels = vec![0];
    doc.properties.original_sampling_rate = Some(16000);
    doc.properties.original_duration_in_milliseconds = Some(Millis(t + 500));
    doc.to_json()
}

fn bench(c: &mut Criterion) {
    let json = synthetic_hour();
    let doc = Transcription::from_str(&json).expect("the generated JSON parses");
    let mut group = c.benchmark_group("export_1h");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.sample_size(20);
    group.bench_function("parse", |b| {
        b.iter(|| Transcription::from_str(black_box(&json)).map(|d| d.word_count()))
    });
    let builder = CueBuilder::auto();
    group.bench_function("cues", |b| b.iter(|| builder.build(black_box(&doc)).len()));
    let exporters: [(&str, Box<dyn Exporter>); 3] = [
        ("srt", Box::new(SrtExporter::default())),
        ("vtt", Box::new(WebVttExporter::default())),
        ("ass", Box::new(AssExporter::default())),
    ];
    let mut out = String::new();
    for (name, exporter) in &exporters {
        group.bench_function(*name, |b| {
            b.iter(|| {
                out.clear();
                exporter.export(black_box(&doc), &mut out);
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
