import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup, type Html } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

/** A tenant's flag as the API answers it (the model of flags with variants). */
export interface FlagItem {
  key: string;
  description: string;
  type: string;
  enabled: boolean;
  /** What users no rule or rollout singles out get now. */
  variant: string;
  value: unknown;
  onVariant: string;
  offVariant: string;
  variants: Record<string, unknown>;
  rules: { name?: string; when: unknown; variant: string }[];
  rollout: { variant: string; weight: number }[] | null;
  source: string;
  updatedAt: string | null;
}

export function rolloutSummary(rollout: { variant: string; weight: number }[] | null | undefined): string {
  return rollout?.length ? rollout.map((share) => `${share.variant} ${share.weight}`).join(' / ') : '';
}

export interface TenantSettings {
  slug: string;
  adminsMayToggleFlags: boolean;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toggle(session: ConsoleSession, slug: string, flag: FlagItem): Html {
  const target = !flag.enabled;
  const verb = target ? 'Turn on' : 'Turn off';
  return markup`<form
    method="post"
    action="/console/tenants/${encodeURIComponent(slug)}/flags/${encodeURIComponent(flag.key)}/toggle"
    data-confirm="${verb} ${flag.key} for ${slug}?"
  >
    ${csrfField(session)}<input type="hidden" name="enabled" value="${String(target)}" /><input
      type="hidden"
      name="seen"
      value="${flag.updatedAt ?? ''}"
    />
    <button type="submit" id="toggle-${flag.key}" class="${target ? '' : 'secondary'}">
      ${verb}<span class="visually-hidden"> ${flag.key}</span>
    </button>
  </form>`;
}

export function flagRows(session: ConsoleSession, slug: string, flags: FlagItem[]): Html {
  const canWrite = may(session, 'features:write');
  return markup`${flags.map(
    (flag) =>
      markup`<tr data-flag="${flag.key}">
        <th scope="row">
          <a href="/console/tenants/${encodeURIComponent(slug)}/flags/${encodeURIComponent(flag.key)}">${flag.key}</a>
          <div class="hint">${flag.description}</div>
        </th>
        <td>${flag.type}</td>
        <td>
          <span class="badge ${flag.enabled ? 'on' : 'off'}" data-state="${flag.enabled ? 'on' : 'off'}"
            >${flag.enabled ? 'On' : 'Off'}</span
          >
        </td>
        <td>
          <code>${flag.variant}</code> = <code>${shown(flag.value)}</code
          >${flag.rules.length ? markup`<div class="hint">${flag.rules.length} rule${flag.rules.length === 1 ? '' : 's'}</div>` : ''}${flag.rollout?.length ? markup`<div class="hint">rollout ${rolloutSummary(flag.rollout)}</div>` : ''}
        </td>
        <td>${flag.source === 'tenant' ? 'set for this tenant' : 'catalogue default'}</td>
        <td>${formatDate(flag.updatedAt)}</td>
        ${canWrite ? markup`<td class="actions">${toggle(session, slug, flag)}</td>` : ''}
      </tr>`,
  )}`;
}

export function flagsPage(
  session: ConsoleSession,
  slug: string,
  flags: FlagItem[],
  settings: TenantSettings | undefined,
  messages: { notice?: string; error?: string } = {},
): string {
  const canWrite = may(session, 'features:write');
  const table = flags.length
    ? markup`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            Flags of ${slug}
          </caption>
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Serves</th>
              <th scope="col">Source</th>
              <th scope="col">Changed</th>
              ${canWrite ? markup`<th scope="col">Change</th>` : ''}
            </tr>
          </thead>
          <tbody id="flag-rows" data-live-rows="/console/tenants/${encodeURIComponent(slug)}/flags/stream">
            ${flagRows(session, slug, flags)}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">
        The flag catalogue is empty: no flags to show
        yet.${session.person.kind === 'operator' ? markup` <a href="/console/flags">Add a flag to the catalogue</a>.` : ''}
      </p>`;
  const settingsForm =
    settings && may(session, 'tenants:write')
      ? markup`<h2 id="tenant-settings">Platform settings</h2>
          <form
            class="stack panel"
            method="post"
            action="/console/tenants/${encodeURIComponent(slug)}/settings"
            aria-labelledby="tenant-settings"
          >
            ${csrfField(session)}
            <div class="check">
              <input
                type="checkbox"
                id="admins-toggle"
                name="adminsMayToggleFlags"
                ${settings.adminsMayToggleFlags ? markup` checked` : ''}
              /><label for="admins-toggle">This tenant’s admins may toggle its flags</label>
            </div>
            <button type="submit" class="secondary">Save settings</button>
          </form>`
      : '';
  return layout({
    title: 'Flags',
    session,
    tenant: slug,
    active: 'flags',
    notice: messages.notice,
    error: messages.error,
    body: markup`${canWrite ? '' : markup`<p class="hint">You can read these flags; your role does not change them.</p>`}${table}${settingsForm}`,
  });
}

export interface FlagFormValues {
  enabled: boolean;
  /** The variant served when on, to users no rule or rollout singles out. */
  variant: string;
  rules: string;
  /** Weight per variant name; all empty: no rollout. */
  weights: Record<string, string>;
}

export function formValuesOf(flag: FlagItem): FlagFormValues {
  const weights: Record<string, string> = {};
  for (const name of Object.keys(flag.variants)) weights[name] = '';
  for (const share of flag.rollout ?? []) weights[share.variant] = String(share.weight);
  return { enabled: flag.enabled, variant: flag.onVariant, rules: JSON.stringify(flag.rules, null, 2), weights };
}

export interface FlagPageModel {
  session: ConsoleSession;
  slug: string;
  flag: FlagItem;
  etag: string;
  values: FlagFormValues;
  error?: string;
  errors?: { field: string; messages: string[] }[];
  /** Set on a 412: the flag as someone else left it. */
  theirs?: FlagItem;
  status?: number;
}

export function flagPage(model: FlagPageModel): string {
  const { session, slug, flag, values } = model;
  const canWrite = may(session, 'features:write');
  const off = !canWrite;
  const conflict = model.theirs
    ? markup`<section class="panel" aria-labelledby="conflict-title">
        <h2 id="conflict-title">Someone changed this flag since you opened it</h2>
        <div class="conflict">
          <div>
            <h3>Theirs (now saved)</h3>
            <pre>
${JSON.stringify({ enabled: model.theirs.enabled, variant: model.theirs.onVariant, rules: model.theirs.rules, rollout: model.theirs.rollout }, null, 2)}</pre>
          </div>
          <div>
            <h3>Yours (not saved)</h3>
            <p>
              Your values are kept in the form below. Save again to replace theirs, or
              <a href="/console/tenants/${encodeURIComponent(slug)}/flags/${encodeURIComponent(flag.key)}">start from theirs</a>.
            </p>
          </div>
        </div>
      </section>`
    : '';
  const back = markup`<a href="/console/tenants/${encodeURIComponent(slug)}/flags">Back to flags</a>`;
  const names = Object.keys(flag.variants);
  const fields = markup`${problemList(model.errors)}
    <div class="check">
      <input type="checkbox" id="flag-enabled" name="enabled" ${values.enabled ? markup` checked` : ''}${off ? markup` disabled` : ''} /><label for="flag-enabled">On for ${slug}</label>
    </div>
    <label for="flag-variant">Served variant (when on)</label>
    <select id="flag-variant" name="variant" aria-describedby="flag-variant-hint"${off ? markup` disabled` : ''}>${names.map(
      (name) =>
        markup`<option value="${name}"${name === values.variant ? markup` selected` : ''}>${name} = ${shown(flag.variants[name])}</option>`,
    )}</select>
    <p class="hint" id="flag-variant-hint">Off, everyone gets <code>${flag.offVariant}</code> = <code>${shown(flag.variants[flag.offVariant])}</code>.</p>
    <label for="flag-rules">Targeting rules (JSON list)</label>
    <textarea id="flag-rules" name="rules" aria-describedby="flag-rules-hint"${off ? markup` disabled` : ''}>${values.rules}</textarea>
    <p class="hint" id="flag-rules-hint">First match wins. Each rule: {"name": "pros", "when": {"attribute": "plan", "op": "in", "value": ["pro"]}, "variant": "${names[0] ?? 'on'}"}; "when" also takes {"all": [...]}, {"any": [...]}, {"not": ...} and {"segment": "key"} (see Segments).</p>
    <fieldset aria-describedby="flag-rollout-hint"><legend>Rollout across variants (weights)</legend>
    ${names.map(
      (name) =>
        markup`<label for="weight-${name}">${name}</label><input id="weight-${name}" name="weight.${name}" type="text" inputmode="decimal" value="${values.weights[name] ?? ''}"${off ? markup` disabled` : ''} />`,
    )}
    <p class="hint" id="flag-rollout-hint">Users no rule picks are split by these relative weights, the same users every time. All empty: no rollout (everyone gets the served variant).</p>
    </fieldset>`;
  // A reader gets the same fields, disabled, and no form at all.
  const form = canWrite
    ? markup`<form class="stack panel" method="post" action="/console/tenants/${encodeURIComponent(slug)}/flags/${encodeURIComponent(flag.key)}" novalidate>
        ${csrfField(session)}<input type="hidden" name="etag" value="${model.etag}" />${fields}
        <p><button type="submit">Save flag</button> ${back}</p>
      </form>`
    : markup`<div class="stack panel">${fields}<p>${back}</p></div>`;
  return layout({
    title: `Flag ${flag.key}`,
    session,
    tenant: slug,
    active: 'flags',
    error: model.error,
    body: markup`<p>${flag.description}</p>
      ${conflict}${form}`,
  });
}
