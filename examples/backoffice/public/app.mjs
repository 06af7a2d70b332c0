// The back-office page: talks only to its own server (same origin), which
// holds the platform client's credentials. A flag is switched with If-Match:
// the version this page read, so a change someone made meanwhile is not
// silently overwritten (412, and the page shows the flag as it now is).

/** @typedef {{ slug: string, name: string, status: string }} TenantItem */
/** @typedef {{ key: string, enabled: boolean }} FlagItem */
/** @typedef {{ key: string, actor: { clientId: string, userId: string | null }, after: { enabled: boolean }, changedAt: string }} ChangeItem */

/** Each flag's ETag as last read, for If-Match. @type {Map<string, string>} */
const versions = new Map();
/** @type {string | undefined} */
let selected;

/** @param {string} id */
function element(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found;
}

/** @param {string} text */
function say(text) {
  element('message').textContent = text;
}

/** @param {string} path @param {RequestInit} [init] */
async function call(path, init) {
  const response = await fetch(`/api/${path}`, init);
  if (!response.ok && response.status !== 412) throw new Error(`${init?.method ?? 'GET'} /api/${path}: ${response.status}`);
  return response;
}

async function listTenants() {
  /** @type {{ items: TenantItem[] }} */
  const page = await (await call('tenants')).json();
  element('tenants').replaceChildren(
    ...page.items.map((tenant) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = tenant.name;
      button.dataset.tenant = tenant.slug;
      button.addEventListener('click', () => void openTenant(tenant).catch((error) => say(String(error))));
      item.append(button, ` (${tenant.slug}, ${tenant.status})`);
      return item;
    }),
  );
}

/** A flag and the version it is at. @param {string} slug @param {string} key @returns {Promise<FlagItem>} */
async function readFlag(slug, key) {
  const response = await call(`tenants/${slug}/features/${encodeURIComponent(key)}`);
  versions.set(key, response.headers.get('etag') ?? '');
  return response.json();
}

/** @param {TenantItem} tenant */
async function openTenant(tenant) {
  selected = tenant.slug;
  element('tenant-name').textContent = tenant.name;
  /** @type {{ items: FlagItem[] }} */
  const list = await (await call(`tenants/${tenant.slug}/features`)).json();
  const flags = await Promise.all(list.items.map((flag) => readFlag(tenant.slug, flag.key)));
  element('features').replaceChildren(...flags.map((flag) => flagRow(tenant.slug, flag)));
  element('tenant').hidden = false;
  await showChanges(tenant.slug);
}

/** @param {string} slug @param {FlagItem} flag */
function flagRow(slug, flag) {
  const row = document.createElement('tr');
  row.dataset.flag = flag.key;
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = flag.key;
  const state = document.createElement('td');
  state.textContent = flag.enabled ? 'on' : 'off';
  const action = document.createElement('td');
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = flag.enabled ? `Switch ${flag.key} off` : `Switch ${flag.key} on`;
  button.addEventListener('click', () => void switchFlag(slug, flag).catch((error) => say(String(error))));
  action.append(button);
  row.append(name, state, action);
  return row;
}

/** @param {string} slug @param {FlagItem} flag */
async function switchFlag(slug, flag) {
  const response = await call(`tenants/${slug}/features/${encodeURIComponent(flag.key)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': versions.get(flag.key) ?? '' },
    body: JSON.stringify({ enabled: !flag.enabled }),
  });
  const current = response.status === 412 ? await readFlag(slug, flag.key) : await response.json();
  if (response.status !== 412) versions.set(flag.key, response.headers.get('etag') ?? '');
  if (selected !== slug) return;
  element('features')
    .querySelector(`tr[data-flag="${CSS.escape(flag.key)}"]`)
    ?.replaceWith(flagRow(slug, current));
  say(
    response.status === 412
      ? `${flag.key} was changed by someone else since you loaded it: it is ${current.enabled ? 'on' : 'off'} now, nothing was changed`
      : `${flag.key} is now ${current.enabled ? 'on' : 'off'}`,
  );
  await showChanges(slug);
}

/** The tenant's audit trail: who changed what, newest first. @param {string} slug */
async function showChanges(slug) {
  /** @type {{ items: ChangeItem[] }} */
  const trail = await (await call(`tenants/${slug}/feature-changes`)).json();
  element('changes').replaceChildren(
    ...trail.items.map((change) => {
      const item = document.createElement('li');
      item.textContent = `${change.changedAt}: ${change.key} ${change.after.enabled ? 'on' : 'off'} by ${change.actor.clientId}`;
      return item;
    }),
  );
}

listTenants().catch((error) => say(String(error)));
