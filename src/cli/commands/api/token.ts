/** `disklessset api token create|list|revoke`: bearer tokens of the REST API. */
import { TOKEN_ROLES, TokenStore } from '../../../api/token-store.js';
import type { CommandSpec } from '../../command.js';

export const apiTokenCreate: CommandSpec = {
  path: ['api', 'token', 'create'],
  summary: 'create an API token (printed once; only its hash is stored)',
  example: 'api token create --role read --name monitoring',
  options: [
    { name: 'role', type: 'string', description: 'read (GET only) or admin (everything)', valueName: 'ROLE', required: true, choices: TOKEN_ROLES },
    { name: 'name', type: 'string', description: 'label shown by `api token list`', valueName: 'LABEL' },
  ],
  async run({ services }, { options }) {
    const store = new TokenStore(services.paths);
    const { token, info } = await store.create(String(options.role ?? ''), options.name as string | undefined);
    // Only the token goes to stdout, so `TOKEN=$(disklessset api token create ...)` captures it alone.
    return {
      data: { ...info, token },
      text: token,
      notes: [`token ${info.id}, role ${info.role}: store it now, it cannot be shown again; use it as "Authorization: Bearer <token>"`],
    };
  },
};

export const apiTokenList: CommandSpec = {
  path: ['api', 'token', 'list'],
  summary: 'list API tokens (id, label, role, creation date; never the tokens)',
  example: 'api token list',
  async run({ services }) {
    const tokens = await new TokenStore(services.paths).list();
    const text = tokens.length === 0 ? 'No API tokens.'
      : ['ID            ROLE   CREATED                   NAME',
        ...tokens.map((t) => `${t.id.padEnd(12)}  ${t.role.padEnd(5)}  ${t.created.padEnd(24)}  ${t.name}`)].join('\n');
    return { data: tokens, text };
  },
};

export const apiTokenRevoke: CommandSpec = {
  path: ['api', 'token', 'revoke'],
  summary: 'revoke an API token by id (takes effect on the next request)',
  example: 'api token revoke 3f2a9c1e',
  args: [{ name: 'ID', required: true }],
  async run({ services }, { args }) {
    const info = await new TokenStore(services.paths).revoke(String(args.ID));
    return { data: { ...info, revoked: true }, text: `token ${info.id} (${info.role}${info.name ? `, ${info.name}` : ''}) revoked` };
  },
};
