#!/usr/bin/env python3
"""Reads every NAME.srt and NAME.ass in a directory back with independent parsers (PyPI `srt`
and `pysubs2`) and compares cue count and times with NAME.cues.json. SRT must also survive an
`srt` round trip unchanged. Exit status 1 on any difference."""
import json
import pathlib
import sys

import pysubs2
import srt


def expected(path, suffix):
    return json.loads(path.with_name(path.name[: -len(suffix)] + ".cues.json").read_text())


def main(directory):
    d = pathlib.Path(directory)
    failed = files = 0
    for path in sorted(d.iterdir()):
        name = path.name
        problems = []
        if name.endswith(".srt"):
            suffix = ".crlf.srt" if name.endswith(".crlf.srt") else ".srt"
            want = expected(path, suffix)
            text = path.read_bytes().decode("utf-8")
            subs = list(srt.parse(text))
            got = [[int(s.start.total_seconds() * 1000 + 0.5), int(s.end.total_seconds() * 1000 + 0.5)] for s in subs]
            if got != want:
                problems.append(f"srt: {len(got)} cues {got[:3]}… expected {len(want)} {want[:3]}…")
            if suffix == ".srt" and srt.compose(subs, reindex=False) != text:
                problems.append("srt: compose(parse(text)) differs from the text")
            events = pysubs2.SSAFile.from_string(text, format_="srt").events
            got = [[e.start, e.end] for e in events]
            if got != want:
                problems.append(f"pysubs2 srt: {len(got)} cues {got[:3]}… expected {len(want)} {want[:3]}…")
        elif name.endswith(".ass"):
            # ASS has centiseconds: starts and ends round down, a cue lasts at least 10 ms.
            want = []
            for b, e in expected(path, ".ass"):
                b, e = b // 10 * 10, e // 10 * 10
                want.append([b, max(e, b + 10)])
            events = pysubs2.load(str(path), encoding="utf-8", format_="ass").events
            got = [[e.start, e.end] for e in events]
            if got != want:
                problems.append(f"pysubs2 ass: {len(got)} cues {got[:3]}… expected {len(want)} {want[:3]}…")
        else:
            continue
        files += 1
        if problems:
            failed += 1
            print(f"{path}: {'; '.join(problems)}")
    print(f"srt + pysubs2: {files} files, {failed} with differences")
    return 1 if failed or files == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
