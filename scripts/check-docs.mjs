// Documentation checks, run by scripts/test.sh (plain Node, no dependencies):
//   1. every relative link and image in the project's markdown (README.md, docs/, contracts/,
//      training/, bench/) points at a file or folder that exists (`path#anchor`: the path must
//      exist; the anchor is not checked);
//   2. no text file refers to a ticket by number (the word issue or issues, then a number, with or
//      without "#"): a reader cannot open those, so name a target by what it measures instead.
// Files are what git tracks plus untracked files it does not ignore; files that are tracked but no
// longer on disk (moved, not yet committed) are skipped. Prints each offence as file:line and exits
// 1, otherwise prints one OK line.
//   node scripts/check-docs.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Markdown files whose links are checked. */
const LINKED_DOCS = [/^README\.md$/, /^(docs|contracts|training|bench)\/.*\.md$/];
/** Never scanned for ticket numbers. */
const SKIPPED = [/(^|\/)node_modules\//, /(^|\/)package-lock\.json$/];
/** Ticket references: issue or issues (any case), blanks, an optional "#", digits. */
const TICKET = /\bissues?\s+#?\d+/gi;

function projectFiles() {
  const out = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = new Set(out.split('\0').filter((f) => f !== ''));
  return [...files].filter((f) => {
    if (SKIPPED.some((re) => re.test(f))) return false;
    try {
      return statSync(join(ROOT, f)).isFile();
    } catch {
      return false; // tracked, but moved or deleted in the working tree
    }
  });
}

/** A file is text when its first 8 KiB hold no NUL byte (the heuristic git and grep use). */
function readText(file) {
  const data = readFileSync(join(ROOT, file));
  return data.subarray(0, 8192).includes(0) ? null : data.toString('utf8');
}

/**
 * The markdown with code removed (fenced blocks and inline code spans become blanks), so that
 * examples in code are not taken for links. Line breaks are kept: line numbers stay right.
 */
function withoutCode(text) {
  const lines = text.split('\n');
  let fence = null;
  return lines
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line);
      if (fence !== null) {
        if (marker !== null && marker[1][0] === fence[0] && marker[1].length >= fence.length) {
          fence = null;
        }
        return '';
      }
      if (marker !== null) {
        fence = marker[1];
        return '';
      }
      return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
    })
    .join('\n');
}

/** Link targets with their line numbers: [text](target), ![alt](target), [id]: target, src/href. */
function linkTargets(markdown) {
  const found = [];
  const lines = withoutCode(markdown).split('\n');
  lines.forEach((line, i) => {
    const push = (raw) => found.push({ line: i + 1, raw });
    // Inline links and images; the target may be <bracketed> and may carry a "title".
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+["'(][^)]*)?\)/g)) push(m[1]);
    const ref = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (ref !== null) push(ref[1]);
    for (const m of line.matchAll(
      /<(?:img|a|source)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']/gi,
    )) {
      push(m[1]);
    }
  });
  return found;
}

/** The path part of a relative target, or null for URLs, mail links and in-page anchors. */
function relativePath(raw) {
  let target = raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || target.startsWith('#')) {
    return null;
  }
  target = target.replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

function checkLinks(file, text, offences) {
  let count = 0;
  for (const { line, raw } of linkTargets(text)) {
    const path = relativePath(raw);
    if (path === null || path === '') continue;
    count += 1;
    // A leading slash means the repository root (as on GitHub).
    const abs = path.startsWith('/') ? join(ROOT, path) : resolve(ROOT, dirname(file), path);
    if (!existsSync(abs)) {
      const shown = relative(ROOT, abs) || '.';
      offences.push(`${file}:${line}: broken link ${raw} (no ${shown})`);
    }
  }
  return count;
}

function checkTickets(file, text, offences) {
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(TICKET)) {
      offences.push(`${file}:${i + 1}: ticket reference "${m[0]}" (name the target instead)`);
    }
  });
}

const offences = [];
let docs = 0;
let links = 0;
let scanned = 0;
for (const file of projectFiles()) {
  const text = readText(file);
  if (text === null) continue;
  scanned += 1;
  if (LINKED_DOCS.some((re) => re.test(file))) {
    docs += 1;
    links += checkLinks(file, text, offences);
  }
  checkTickets(file, text, offences);
}

if (offences.length > 0) {
  for (const o of offences) console.log(o);
  console.log(`check-docs: ${offences.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check-docs: OK (${links} relative links in ${docs} markdown files resolve; no ticket numbers in ${scanned} text files)`,
);
