// 新建线索: an intake form for POST /v1/clues, checked while she types (the ID number's check
// character and birth date, the phone), with a region picker from the service's own region list
// (config/regions.json, bundled at build time); then it shows where the clue went.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { linkClick } from '../lib/router.js';
import { checkIdNumber, checkPhone, birthDateOf, sexOf } from '../lib/idcard.js';
import { fieldErrors } from '../lib/problems.js';
import { Field, ProblemBanner, PriorityBadge, describedBy, shortId } from '../lib/components.js';
import regions from '../../../config/regions.json';

const CHANNELS = [
  'hotline_12309',
  'hotline_12338',
  'online_platform',
  'federation_visit',
  'procuratorate_case',
  'other',
];
const RELATIONS = ['self', 'family', 'neighbour', 'social_worker', 'official', 'other'];
export const INDICATORS = [
  'domestic_violence',
  'sexual_assault',
  'trafficking',
  'other_crime_victim',
  'poverty_relapse_risk',
  'minimum_living_allowance',
  'breadwinner_killed',
  'breadwinner_disabled',
  'serious_illness',
  'disability',
  'elderly_no_support',
  'employment_discrimination',
  'workplace_sexual_harassment',
  'divorce_due_to_dv',
  'raising_minors',
  'supporting_elders',
  'urgent_medical',
  'threat_to_life',
  'protection_order_needed',
];

function regionChildren(parent) {
  const codes = Object.keys(regions);
  if (!parent) return codes.filter((c) => c.endsWith('0000'));
  if (parent.endsWith('0000'))
    return codes.filter(
      (c) => c !== parent && c.startsWith(parent.slice(0, 2)) && c.endsWith('00'),
    );
  return codes.filter((c) => c !== parent && c.startsWith(parent.slice(0, 4)));
}

function RegionPicker({ value, onChange, error }) {
  const province = value ? `${value.slice(0, 2)}0000` : '';
  const prefecture = value && !value.endsWith('0000') ? `${value.slice(0, 4)}00` : '';
  const provinces = useMemo(() => regionChildren(''), []);
  const prefectures = useMemo(() => (province ? regionChildren(province) : []), [province]);
  const counties = useMemo(
    () => (prefecture && prefecture !== province ? regionChildren(prefecture) : []),
    [prefecture],
  );
  const option = (c) => html`<option value=${c}>${regions[c]}（${c}）</option>`;
  return html`<fieldset class=${error ? 'has-error' : ''}>
    <legend>${t('clue.region')}</legend>
    <label for="region-province">${t('region.province')}</label>
    <select id="region-province" value=${province} onChange=${(e) => onChange(e.target.value)}>
      <option value="">${t('choose')}</option>
      ${provinces.map(option)}
    </select>
    ${
      prefectures.length
        ? html`<label for="region-prefecture">${t('region.prefecture')}</label>
            <select
              id="region-prefecture"
              value=${prefecture}
              onChange=${(e) => onChange(e.target.value || province)}
            >
              <option value="">${t('choose')}</option>
              ${prefectures.map(option)}
            </select>`
        : null
    }
    ${
      counties.length
        ? html`<label for="region-county">${t('region.county')}</label>
            <select
              id="region-county"
              value=${value}
              onChange=${(e) => onChange(e.target.value || prefecture)}
            >
              <option value="">${t('choose')}</option>
              ${counties.map(option)}
            </select>`
        : null
    }
    ${error ? html`<p class="field-error" role="alert">${t(error)}</p>` : null}
  </fieldset>`;
}

function nowLocal() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.toISOString().slice(0, 16);
}

export function NewClue() {
  const [f, setF] = useState({
    channel: 'hotline_12309',
    reference: '',
    received_at: nowLocal(),
    name: '',
    id_number: '',
    phone: '',
    region: '',
    rural: false,
    indicators: [],
    narrative: '',
    relation: 'self',
    consent: false,
  });
  const [serverErrors, setServerErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (patch) => setF({ ...f, ...patch });

  // Checks while typing; the server's errors (by JSON pointer) once sent.
  const local = {};
  if (f.id_number.trim()) {
    const e = checkIdNumber(f.id_number);
    if (e) local['/subject/id_number'] = e;
  }
  if (f.phone.trim()) {
    const e = checkPhone(f.phone);
    if (e) local['/subject/phone'] = e;
  }
  const errors = { ...serverErrors, ...local };

  const submit = async (event) => {
    event.preventDefault();
    const missing = {};
    if (!f.reference.trim()) missing['/source/reference'] = 'field.required';
    if (!f.region) missing['/subject/region'] = 'field.required';
    if (Object.keys(missing).length || Object.keys(local).length) {
      setServerErrors(missing);
      return;
    }
    const subject = { region: f.region, rural: f.rural };
    if (f.name.trim()) subject.name = f.name.trim();
    if (f.id_number.trim()) {
      subject.id_number = f.id_number.trim().toUpperCase();
      subject.sex = sexOf(subject.id_number);
      subject.birth_date = birthDateOf(subject.id_number);
    }
    if (f.phone.trim()) subject.phone = f.phone.trim();
    const body = {
      source: {
        channel: f.channel,
        reference: f.reference.trim(),
        received_at: `${f.received_at}:00+08:00`,
      },
      subject,
      indicators: f.indicators,
      reporter: { relation: f.relation },
      consent: { share_with_partners: f.consent },
    };
    if (f.narrative.trim()) body.narrative = f.narrative.trim();
    setBusy(true);
    setFailure(null);
    const r = await post('/v1/clues', body, { headers: { 'Idempotency-Key': f.reference.trim() } });
    setBusy(false);
    if (r.status === 201) setResult(r.data);
    else if (r.status === 422 || r.status === 409) {
      setServerErrors(fieldErrors(r.data));
      setFailure(r);
    } else setFailure(r);
  };

  if (result)
    return html`<section aria-labelledby="sent-title">
      <h1 id="sent-title">${t('newclue.sent')}</h1>
      <p>
        ${label('clue_status', result.clue.status)}
        <${PriorityBadge} priority=${result.clue.priority} />
      </p>
      ${
        result.tickets && result.tickets.length
          ? html`<ul>
              ${result.tickets.map(
                (x) =>
                  html`<li>
                    ${t('newclue.went_to', { agency: x.recipient_agency })} ·
                    ${label('purpose', x.purpose)} ·
                    <a
                      href=${`/console/tickets/${x.id}`}
                      onClick=${(e) => linkClick(e, `/tickets/${x.id}`)}
                      >${shortId(x.id)}</a
                    >
                  </li>`,
              )}
            </ul>`
          : html`<p>${t('newclue.no_tickets')}</p>`
      }
      ${result.case && result.case.joined ? html`<p>${t('newclue.joined')}</p>` : null}
      <button type="button" onClick=${() => setResult(null)}>${t('newclue.another')}</button>
    </section>`;

  const input = (id, key, pointer, props = {}) =>
    html`<${Field} id=${id} labelText=${t(key)} error=${errors[pointer]}>
      <input
        id=${id}
        value=${f[props.name || id]}
        onInput=${(e) => set({ [props.name || id]: e.target.value })}
        aria-invalid=${errors[pointer] ? 'true' : undefined}
        aria-describedby=${describedBy(id, errors[pointer])}
        ...${props}
      />
    <//>`;

  return html`<section aria-labelledby="new-title">
    <h1 id="new-title">${t('newclue.title')}</h1>
    <form onSubmit=${submit} novalidate>
      ${failure ? html`<${ProblemBanner} result=${failure} />` : null}
      <${Field} id="channel" labelText=${t('clue.channel')}>
        <select id="channel" value=${f.channel} onChange=${(e) => set({ channel: e.target.value })}>
          ${CHANNELS.map((c) => html`<option value=${c}>${label('channel', c)}</option>`)}
        </select>
      <//>
      ${input('reference', 'clue.reference', '/source/reference')}
      ${input('received_at', 'clue.received_at', '/source/received_at', {
        type: 'datetime-local',
      })}
      ${input('name', 'subject.name', '/subject/name')}
      ${input('id_number', 'subject.id_number', '/subject/id_number', { maxlength: 18 })}
      ${input('phone', 'subject.phone', '/subject/phone', { type: 'tel' })}
      <${RegionPicker}
        value=${f.region}
        onChange=${(region) => set({ region })}
        error=${errors['/subject/region']}
      />
      <p>
        <input
          id="rural"
          type="checkbox"
          checked=${f.rural}
          onChange=${(e) => set({ rural: e.target.checked })}
        />
        <label for="rural">${t('subject.rural')}</label>
      </p>
      <fieldset>
        <legend>${t('clue.indicators')}</legend>
        <div class="checks">
          ${INDICATORS.map(
            (i) =>
              html`<span>
                <input
                  id=${`ind-${i}`}
                  type="checkbox"
                  checked=${f.indicators.includes(i)}
                  onChange=${(e) =>
                    set({
                      indicators: e.target.checked
                        ? [...f.indicators, i]
                        : f.indicators.filter((x) => x !== i),
                    })}
                />
                <label for=${`ind-${i}`}>${label('indicator', i)}</label>
              </span>`,
          )}
        </div>
      </fieldset>
      <${Field} id="narrative" labelText=${t('clue.narrative')} error=${errors['/narrative']}>
        <textarea
          id="narrative"
          rows="5"
          maxlength="20000"
          value=${f.narrative}
          onInput=${(e) => set({ narrative: e.target.value })}
        ></textarea>
      <//>
      <${Field} id="relation" labelText=${t('clue.relation')}>
        <select
          id="relation"
          value=${f.relation}
          onChange=${(e) => set({ relation: e.target.value })}
        >
          ${RELATIONS.map((c) => html`<option value=${c}>${label('relation', c)}</option>`)}
        </select>
      <//>
      <p>
        <input
          id="consent"
          type="checkbox"
          checked=${f.consent}
          onChange=${(e) => set({ consent: e.target.checked })}
        />
        <label for="consent">${t('clue.consent')}</label>
      </p>
      <button type="submit" class="primary" disabled=${busy}>${t('newclue.submit')}</button>
    </form>
  </section>`;
}
