import type { ConsoleSession } from '../console-session.js';
import { may } from '../console-session.js';
import { formatDate, markup } from './html.js';
import { csrfField, layout, problemList } from './layout.js';

export interface CatalogueItem {
  key: string;
  description: string;
  type: string;
  defaultEnabled: boolean;
  defaultValue: unknown;
  variants: Record<string, unknown>;
  defaultVariant: string;
  offVariant: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export function cataloguePage(
  session: ConsoleSession,
  items: CatalogueItem[],
  messages: { notice?: string; error?: string; errors?: { field: string; messages: string[] }[] } = {},
): string {
  const table = items.length
    ? markup`<div class="table-wrap">
        <table>
          <caption class="visually-hidden">
            The flag catalogue
          </caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Type</th>
              <th scope="col">Default</th>
              <th scope="col">Variants</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (item) =>
                markup`<tr>
                  <th scope="row">
                    <a href="/console/flags/${encodeURIComponent(item.key)}">${item.key}</a>
                    <div class="hint">${item.description}</div>
                  </th>
                  <td>${item.type}</td>
                  <td>${item.defaultEnabled ? 'on' : 'off'}</td>
                  <td><code>${Object.keys(item.variants ?? {}).join(', ')}</code><div class="hint">on: ${item.defaultVariant}, off: ${item.offVariant}</div></td>
                  <td>${formatDate(item.createdAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">No flags yet.${may(session, 'features:write') ? ' Create the first one below.' : ''}</p>`;
  const create = may(session, 'features:write')
    ? markup`<h2 id="create-flag">Create a flag</h2>
        <form class="stack panel" method="post" action="/console/flags" aria-labelledby="create-flag">
          ${csrfField(session)}${problemList(messages.errors)} <label for="flag-key">Key</label
          ><input
            id="flag-key"
            name="key"
            type="text"
            required
            pattern="[a-z0-9][a-z0-9._\\-]{0,63}"
            aria-describedby="flag-key-hint"
            autocomplete="off"
          />
          <p class="hint" id="flag-key-hint">Lowercase letters, digits, dots, underscores and hyphens.</p>
          <label for="flag-description">Description</label><input id="flag-description" name="description" type="text" maxlength="500" />
          <label for="flag-type">Type</label
          ><select id="flag-type" name="type">
            <option value="boolean">boolean</option>
            <option value="string">string</option>
            <option value="number">number</option>
            <option value="json">json</option>
          </select>
          <div class="check">
            <input type="checkbox" id="flag-default-enabled" name="defaultEnabled" /><label for="flag-default-enabled"
              >On by default for every tenant</label
            >
          </div>
          <label for="flag-default-value">Value when off (not for boolean flags)</label
          ><input id="flag-default-value" name="defaultValue" type="text" aria-describedby="flag-default-value-hint" />
          <p class="hint" id="flag-default-value-hint">string: text; number: a number; json: a JSON value. Or name variants below.</p>
          <label for="flag-variants">Variants (JSON object, optional)</label>
          <textarea id="flag-variants" name="variants" aria-describedby="flag-variants-hint"></textarea>
          <p class="hint" id="flag-variants-hint">Names and values, e.g. {"control": "blue", "treatment": "green"}; empty: on/off for a boolean flag, one variant "default" otherwise.</p>
          <label for="flag-default-variant">Variant served when on (optional)</label
          ><input id="flag-default-variant" name="defaultVariant" type="text" autocomplete="off" />
          <label for="flag-off-variant">Variant served when off (optional)</label
          ><input id="flag-off-variant" name="offVariant" type="text" autocomplete="off" />
          <label for="flag-metadata">Metadata (JSON object, optional)</label>
          <textarea id="flag-metadata" name="metadata" aria-describedby="flag-metadata-hint"></textarea>
          <p class="hint" id="flag-metadata-hint">Strings, numbers or booleans, e.g. {"owner": "growth"}: OpenFeature providers receive it.</p>
          <p><button type="submit">Create flag</button></p>
        </form>`
    : '';
  return layout({
    title: 'Flag catalogue',
    session,
    active: 'catalogue',
    notice: messages.notice,
    error: messages.error,
    body: markup`${table}${create}`,
  });
}

export function featureOverridesPage(
  session: ConsoleSession,
  feature: CatalogueItem,
  overrides: { tenant: string; enabled: boolean; updatedAt: string | null }[],
): string {
  const table = overrides.length
    ? markup`<div class="table-wrap">
        <table>
          <caption>
            Tenants that set ${feature.key} for themselves
          </caption>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">State</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            ${overrides.map(
              (item) =>
                markup`<tr>
                  <td>
                    <a href="/console/tenants/${encodeURIComponent(item.tenant)}/flags/${encodeURIComponent(feature.key)}"
                      >${item.tenant}</a
                    >
                  </td>
                  <td>${item.enabled ? 'on' : 'off'}</td>
                  <td>${formatDate(item.updatedAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    : markup`<p class="empty panel">
        No tenant overrides ${feature.key}: every tenant gets the catalogue default (${feature.defaultEnabled ? 'on' : 'off'}).
      </p>`;
  return layout({
    title: `Flag ${feature.key}`,
    session,
    active: 'catalogue',
    body: markup`<p>${feature.description}</p>
      <p>
        Type ${feature.type}; default ${feature.defaultEnabled ? 'on' : 'off'}; variants <code>${JSON.stringify(feature.variants)}</code> (on:
        ${feature.defaultVariant}, off: ${feature.offVariant}).
      </p>
      ${table}
      <p><a href="/console/flags">Back to the catalogue</a></p>`,
  });
}
