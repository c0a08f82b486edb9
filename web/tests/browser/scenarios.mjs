// The validator's scenarios (tests/data/validate/<name>/: describe-*.json,
// `args` with the netready validate flags, expected.json), read the same way
// for the page and for the command line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCENARIO_DIR = path.resolve(here, '..', '..', '..', 'tests', 'data', 'validate');

/** Splits the non-comment lines of an args file into words (no quoting is used there). */
export function argWords(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .flatMap((l) => l.trim().split(/\s+/).filter(Boolean));
}

/** netready validate flags → the options object of validate(). */
export function optionsFromArgs(words) {
  const o = {};
  for (let i = 0; i < words.length; i += 2) {
    const [flag, value] = [words[i], words[i + 1]];
    if (value === undefined) throw new Error(`flag ${flag} has no value`);
    switch (flag) {
      case '--subnet': (o.subnets ||= []).push(value); break;
      case '--security-group': (o.security_groups ||= []).push(value); break;
      case '--assign-public-ip': o.assign_public_ip = value === 'true'; break;
      case '--profile': o.profile = value; break;
      case '--region': o.region = value; break;
      case '--fix-format': o.fix_format = value; break;
      case '--account': o.account = value; break;
      default: throw new Error(`flag ${flag} is not understood by the web tests`);
    }
  }
  return o;
}

/** Every scenario: { name, dir, files: [{name, path, text}], args, options, expected }. */
export function scenarios() {
  return fs.readdirSync(SCENARIO_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(SCENARIO_DIR, d.name);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json').sort()
        .map((f) => ({ name: f, path: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
      const args = argWords(path.join(dir, 'args'));
      const exp = path.join(dir, 'expected.json');
      return {
        name: d.name, dir, files, args, options: optionsFromArgs(args),
        expected: fs.existsSync(exp) ? JSON.parse(fs.readFileSync(exp, 'utf8')) : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
