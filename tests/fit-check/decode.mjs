// Decodes FIT files with two independent decoders and prints, per file, what each read, in one shape:
//   { file, garmin: Decoded, parser: Decoded }
//   Decoded = { isFit, integrity, errors: [string], profileVersion, messages: { <message>: [ { <field>: value } ] } }
// Message and field names are the FIT profile's snake_case names (Garmin's SDK reports camelCase: converted by rule,
// not by a table, so nothing is renamed by hand); enum values as each decoder names them (Garmin "stopAll", the
// parser "stop_all": the tests compare them ignoring case and underscores); date_time values as seconds since the Unix
// epoch; developer fields under "developer" by their field_description name. Scale and offset are applied by each
// decoder itself. The C# tests (GaitGateway.Tests, GaitGateway.Coaching.Tests) compare these against the store.
// Usage: node decode.mjs FILE.fit [FILE.fit …]
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import FitParser from 'fit-file-parser';

const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();

function plain(v) {
  if (v instanceof Date) return v.getTime() / 1000;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v != null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function garmin(bytes) {
  const stream = Stream.fromBuffer(bytes);
  const decoder = new Decoder(stream);
  const isFit = decoder.isFIT();
  const integrity = decoder.checkIntegrity();
  const { messages, errors, profileVersion } = decoder.read({ convertTypesToStrings: true, convertDateTimesToDates: true });
  const names = {};
  for (const d of messages.fieldDescriptionMesgs ?? []) names[d.key] = d.fieldName;
  const out = {};
  for (const [key, list] of Object.entries(messages)) {
    const mesg = snake(key.replace(/Mesgs$/, ''));
    out[mesg] = list.map((m) => {
      const r = {};
      for (const [k, v] of Object.entries(m)) {
        if (k === 'developerFields') {
          r.developer = Object.fromEntries(Object.entries(v).map(([dk, dv]) => [names[dk] ?? `unknown_${dk}`, plain(dv)]));
        } else {
          r[snake(k)] = plain(v);
        }
      }
      return r;
    });
  }
  return { isFit, integrity, errors: errors.map((e) => String(e?.message ?? e)), profileVersion, messages: out };
}

async function parser(bytes) {
  // force: false = the header and file CRCs are checked (a mismatch is an error).
  const p = new FitParser({ force: false, mode: 'list', speedUnit: 'm/s', lengthUnit: 'm', elapsedRecordField: false });
  let data;
  try {
    data = await p.parseAsync(bytes);
  } catch (e) {
    return { isFit: false, integrity: false, errors: [String(e?.message ?? e)], messages: {} };
  }
  const devNames = new Set((data.field_descriptions ?? []).map((d) => d.field_name));
  // The parser's list-mode collections, renamed to the FIT message names they hold.
  const collections = {
    file_ids: 'file_id', file_id: 'file_id', device_infos: 'device_info', events: 'event', records: 'record', laps: 'lap',
    sessions: 'session', activity: 'activity', developer_data_ids: 'developer_data_id', field_descriptions: 'field_description',
  };
  const out = {};
  for (const [key, mesg] of Object.entries(collections)) {
    if (data[key] == null) continue;
    const list = Array.isArray(data[key]) ? data[key] : [data[key]];
    out[mesg] = list.map((m) => {
      const r = {};
      for (const [k, v] of Object.entries(m)) {
        if (devNames.has(k) && mesg !== 'field_description' && mesg !== 'developer_data_id') {
          (r.developer ??= {})[k] = plain(v);
        } else if (v == null || typeof v !== 'object' || v instanceof Date || Array.isArray(v)) {
          r[k] = plain(v);
        }
      }
      return r;
    });
  }
  return { isFit: true, integrity: true, errors: [], profileVersion: data.profileVersion ?? data.profile_version ?? null, messages: out };
}

const results = [];
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  results.push({ file, garmin: garmin(bytes), parser: await parser(bytes) });
}
process.stdout.write(JSON.stringify(results));
