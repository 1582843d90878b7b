// Checks every NAME.vtt in a directory with the W3C parser (npm `webvtt-parser`): zero errors,
// and the same cue count and times as NAME.cues.json. Exit status 1 on any difference.
const { WebVTTParser } = require('webvtt-parser');
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
let files = 0;
let failed = 0;
for (const name of fs.readdirSync(dir).sort()) {
  if (!name.endsWith('.vtt')) continue;
  files += 1;
  const file = path.join(dir, name);
  const tree = new WebVTTParser().parse(fs.readFileSync(file, 'utf8'), 'subtitles');
  const want = JSON.parse(fs.readFileSync(file.replace(/\.vtt$/, '.cues.json'), 'utf8'));
  const problems = tree.errors.map((e) => `line ${e.line}:${e.col} ${e.message}`);
  if (tree.cues.length !== want.length) {
    problems.push(`${tree.cues.length} cues, expected ${want.length}`);
  } else {
    tree.cues.forEach((c, i) => {
      const got = [Math.round(c.startTime * 1000), Math.round(c.endTime * 1000)];
      if (got[0] !== want[i][0] || got[1] !== want[i][1]) {
        problems.push(`cue ${i + 1}: ${got} expected ${want[i]}`);
      }
    });
  }
  if (problems.length) {
    failed += 1;
    console.log(`${file}: ${problems.slice(0, 5).join('; ')}`);
  }
}
console.log(`webvtt-parser: ${files} files, ${failed} with errors`);
if (failed || files === 0) process.exitCode = 1;
