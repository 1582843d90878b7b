//! Runs each fuzz target's body over its committed seed corpus (`fuzz/seeds/<target>/`).

use asrpost::testing::fuzz;

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = super::util::root().join("fuzz/seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn parse_seeds() {
    for seed in seeds("parse") {
        fuzz::parse(&seed);
    }
}

#[test]
fn timeline_seeds() {
    for seed in seeds("timeline") {
        fuzz::timeline(&seed);
    }
}

#[test]
fn disfluency_seeds() {
    for seed in seeds("disfluency") {
        fuzz::disfluency(&seed);
    }
}

#[cfg(feature = "client")]
#[test]
fn client_seeds() {
    for seed in seeds("client") {
        fuzz::client(&seed);
    }
}

#[test]
fn analytics_seeds() {
    for seed in seeds("analytics") {
        fuzz::analytics(&seed);
    }
}

#[test]
fn roundtrip_seeds() {
    let seeds = seeds("roundtrip");
    // The JSON seeds must parse, or the lossless checks would not run on them.
    let parsed = seeds
        .iter()
        .filter(|s| asrpost::Transcription::from_slice(s).is_ok())
        .count();
    assert!(parsed >= 6, "{parsed} seeds parse");
    for seed in seeds {
        fuzz::roundtrip(&seed);
    }
}

#[test]
fn subtitles_seeds() {
    for seed in seeds("subtitles") {
        fuzz::subtitles(&seed);
    }
}

#[test]
fn sensitive_seeds() {
    for seed in seeds("sensitive") {
        fuzz::sensitive(&seed);
    }
}

#[test]
fn qc_seeds() {
    for seed in seeds("qc") {
        fuzz::qc(&seed);
    }
}
