//! The `asrpost` command line, end to end.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::util::{example, read_example};

fn asrpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asrpost"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run asrpost")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json_value(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap()
}

/// A batch directory: two real samples at the top, one in a subdirectory, one broken file and
/// one file that is not JSON by name.
fn batch_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = |name: &str, to: &Path| std::fs::copy(example(name), to).unwrap();
    copy(
        "paraformer-v2_hello_world_female2.json",
        &dir.path().join("a.json"),
    );
    copy(
        "paraformer-v2_transcription_result_24k.json",
        &dir.path().join("b.json"),
    );
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    copy(
        "paraformer-v2_hello_world_male2.json",
        &dir.path().join("sub/c.json"),
    );
    std::fs::write(dir.path().join("bad.json"), "{\"transcripts\": [1, 2]}").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not an input").unwrap();
    dir
}

#[test]
fn main_job_on_a_sample_prints_a_timed_transcript() {
    let o = asrpost(&[
        "process",
        example("paraformer-v2_transcription_result_24k.json")
            .to_str()
            .unwrap(),
        "--to",
        "txt",
        "--times",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "[00:00:00.040] 听好了，从今儿起，别再把自己当软柿子捏，学着用狠角色的路子火。\n"
    );
}

#[test]
fn json_output_is_the_same_value() {
    for pretty in [false, true] {
        let path = example("paraformer-v2_hello_world_male2.json");
        let mut args = vec!["process", path.to_str().unwrap()];
        if pretty {
            args.push("--pretty");
        }
        let o = asrpost(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            json_value(&stdout(&o)),
            json_value(&read_example("paraformer-v2_hello_world_male2.json"))
        );
    }
}

#[test]
fn a_bad_file_in_a_batch_is_reported_and_skipped() {
    let dir = batch_dir();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.json");
    let o = asrpost(&[
        "process",
        dir.path().to_str().unwrap(),
        "--out-dir",
        out.path().to_str().unwrap(),
        "--to",
        "txt",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let bad = dir.path().join("bad.json");
    assert!(
        err.contains(&format!(
            "{}:1:18: invalid type: integer `1`, expected a transcript object",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains("1 of 4 inputs failed"), "{err}");
    // The good files were written, keeping the subdirectory; nothing else was.
    let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
    assert_eq!(read("a.txt"), "Hello word, 这里是阿里巴巴语音实验室。\n");
    assert!(read("b.txt").starts_with("听好了"));
    assert_eq!(
        read("sub/c.txt"),
        "Hello world, 这里是阿里巴巴语音实验室。\n"
    );
    let mut names: Vec<String> = walk(out.path());
    names.sort();
    assert_eq!(names, ["a.txt", "b.txt", "report.json", "sub/c.txt"]);
    // The report lists every input, the failure included.
    let report = json_value(&std::fs::read_to_string(report).unwrap());
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    assert!(files.iter().any(|f| {
        f["error"]
            .as_str()
            .is_some_and(|e| e.contains("bad.json:1:18"))
    }));
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for sub in walk(&p) {
                out.push(format!(
                    "{}/{sub}",
                    p.file_name().unwrap().to_str().unwrap()
                ));
            }
        } else {
            out.push(p.file_name().unwrap().to_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn all_good_inputs_exit_zero_and_threads_do_not_change_output() {
    let dir = batch_dir();
    std::fs::remove_file(dir.path().join("bad.json")).unwrap();
    let run = |threads: &str| {
        let o = asrpost(&[
            "process",
            dir.path().to_str().unwrap(),
            "--threads",
            threads,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let one = run("1");
    assert_eq!(one.lines().count(), 3, "one compact document per line");
    assert_eq!(one, run("4"));
}

#[test]
fn stdin_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asrpost"))
        .args(["process", "-", "--to", "txt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(read_example("paraformer-v2_hello_world_male2.json").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Hello world, 这里是阿里巴巴语音实验室。\n");
}

#[test]
fn output_file_is_replaced_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    std::fs::write(&out, "old").unwrap();
    let o = asrpost(&[
        "process",
        example("paraformer-v2_hello_world_male2.json")
            .to_str()
            .unwrap(),
        "--to",
        "txt",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "Hello world, 这里是阿里巴巴语音实验室。\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn usage_errors_exit_two() {
    let sample = example("paraformer-v2_hello_world_male2.json");
    let sample = sample.to_str().unwrap();
    for args in [
        vec!["process"],
        vec!["process", sample, "--to", "docx"],
        vec!["process", sample, "--bogus"],
        vec!["process", sample, sample, "-o", "x.json"],
        vec!["process", "/no/such/file.json"],
        vec!["frobnicate"],
    ] {
        let o = asrpost(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn two_inputs_with_the_same_output_name_are_refused() {
    let dir = batch_dir();
    let out = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let o = asrpost(&[
        "process",
        a.to_str().unwrap(),
        a.to_str().unwrap(),
        "--out-dir",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("two inputs would write"),
        "{}",
        stderr(&o)
    );
}

/// `--no-rebalance` keeps a cue that reads too fast as laid out; by default it is merged with its
/// neighbour (`Speaker 1: Tonight we're` reads at 21 characters per second, BBC allows 17).
#[test]
fn rebalance_can_be_turned_off() {
    let input = super::util::root().join("tests/data/subtitles_en.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "process",
            input.to_str().unwrap(),
            "--to",
            "srt",
            "--preset",
            "bbc",
            "--speaker-labels",
        ];
        args.extend_from_slice(extra);
        let o = asrpost(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (balanced, kept) = (run(&[]), run(&["--no-rebalance"]));
    let merged = "Speaker 1: Tonight we're\nlooking at how speech recognition\n";
    assert!(balanced.contains(merged), "{balanced}");
    assert!(kept.contains("Speaker 1: Tonight we're\n\n"), "{kept}");
    assert_eq!(
        kept.matches(" --> ").count(),
        balanced.matches(" --> ").count() + 1
    );
}

#[test]
fn subtitles_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let input = super::util::root().join("tests/data/subtitles_zh.json");
    let input = input.to_str().unwrap();
    for (to, head) in [
        ("srt", "1\n00:00:00,300 --> "),
        ("vtt", "WEBVTT\n\n"),
        ("ass", "[Script Info]\n"),
    ] {
        let out = dir.path().join(format!("zh.{to}"));
        let o = asrpost(&[
            "process",
            input,
            "--to",
            to,
            "--preset",
            "netflix-zh",
            "--fps",
            "25",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with(head), "{text}");
        let o = asrpost(&["check", out.to_str().unwrap(), "--preset", "netflix-zh"]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains("0 violations"), "{}", stderr(&o));
    }
    // Eight characters per line are too few for this text: the checker says so and exits 1.
    let srt = dir.path().join("zh.srt");
    let o = asrpost(&["check", srt.to_str().unwrap(), "--max-chars", "8"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("characters wide (max 8)"),
        "{}",
        stdout(&o)
    );
    // Labels and a narrower layout come through the flags.
    let o = asrpost(&[
        "process",
        input,
        "--to",
        "srt",
        "--max-chars",
        "12",
        "--max-lines",
        "3",
        "--speaker-labels",
        "--crlf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("\r\nSpeaker 0: "), "{text}");
    let o = asrpost(&["process", input, "--to", "srt", "--preset", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown preset"), "{}", stderr(&o));
}
