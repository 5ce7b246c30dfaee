// The `bioSync.sites` / `bioSync.devices` settings schema is generated from the engine's own JSON Schema
// (configJsonSchema), so the settings UI, settings.json validation and validateConfig() never drift apart. Only the
// descriptions that speak of the CLI's environment variables are reworded for the extension (secrets live in the
// keychain). Regenerate with `npx tsx scripts/genSettingsSchema.ts`; a unit test
// fails when package.json is stale. vscode-free.
import { CONFIG_DESCRIPTIONS, configJsonSchema } from '../../core/config';

const D = CONFIG_DESCRIPTIONS;
const HOST_WORDING: Record<string, string> = {
  [D['site.id']]:
    'Short id of the site (letters, digits, `_`, `.`, `-`). Its API key and secret are kept in the OS keychain under this id: see **BioTime Sync: Set Frappe API Key…**.',
  [D['device.id']]:
    'Short id of the device (letters, digits, `_`, `.`, `-`). Its state and its password in the OS keychain are kept under this id: changing it starts over.',
  [D['device.username']]:
    'BioTime user the API logs in as. The password is kept in the OS keychain: see **BioTime Sync: Set BioTime Password…**.',
  [D['device.site']]: "Id of the site (an entry of `#bioSync.sites#`) that receives this device's punches.",
  [D['tls.caFile']]: 'Absolute path of a PEM file with a CA to trust for this server (e.g. a self-signed certificate).',
};

type Json = Record<string, unknown>;

function adapt(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(adapt);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'description' && typeof v === 'string') out.markdownDescription = HOST_WORDING[v] ?? v;
    else if (k === 'properties' || k === 'additionalProperties' || k === 'items' || k === 'then' || k === 'if')
      out[k] = k === 'properties' ? mapValues(v as Json) : adapt(v);
    else out[k] = v;
  }
  return out;
}

function mapValues(o: Json): Json {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, adapt(v)]));
}

/** Item schemas of the two array settings, as they belong in package.json. */
export function settingsItemSchemas(): { site: Json; device: Json } {
  const root = configJsonSchema() as { properties: { sites: { items: Json }; devices: { items: Json } } };
  return {
    site: {
      ...(adapt(root.properties.sites.items) as Json),
      defaultSnippets: [{ label: 'New Frappe site', body: { id: '${1:main}', url: 'https://${2:hr.example.com}' } }],
    },
    device: {
      ...(adapt(root.properties.devices.items) as Json),
      defaultSnippets: [
        {
          label: 'New BioTime device',
          body: {
            id: '${1:hq}',
            name: '${2:Head office}',
            url: 'http://${3:biotime.example.com:8081}',
            username: '${4:api-user}',
            site: '${5:main}',
          },
        },
      ],
    },
  };
}

/** The `bioSync.historyDays` setting: the engine's `historyDays` key as package.json declares it. */
export function historyDaysSetting(): Json {
  const root = configJsonSchema() as { properties: { historyDays: Json } };
  return { ...(adapt(root.properties.historyDays) as Json), order: 8 };
}
