// Layer rules of src/ (see docs/architecture.md). A layer may import its own
// folder and any layer below it, never one above, not even a type:
//   errors < system, nodeset, serve < core < boot < modules < services < api, cli
// src/index.ts is the library's public entry and sits on top of everything.
// Type-only imports count: dependency-cruiser sees them with tsPreCompilationDeps.

/** Layers, bottom first; each entry lists the folders that share one level. */
const LEVELS = [['errors'], ['system', 'nodeset', 'serve'], ['core'], ['boot'], ['modules'], ['services'], ['api', 'cli']];

/** One forbidden rule per level: its folders may not reach a folder of a higher level. */
const layerRules = LEVELS.slice(0, -1).map((level, index) => {
  const higher = LEVELS.slice(index + 1).flat();
  return {
    name: `layer-${level.join('-')}`,
    comment: `${level.join(', ')} may only import ${LEVELS.slice(0, index + 1).flat().join(', ')}`,
    severity: 'error',
    from: { path: `^src/(${level.join('|')})/` },
    to: { path: `^src/(${higher.join('|')})/` },
  };
});

/**
 * Folders of one level do not import each other, with one exception at the
 * top: the CLI is the program that hosts the API (`serve`, `api token`), so
 * cli may import api while api never imports cli.
 */
const siblingRules = LEVELS.filter((level) => level.length > 1).flatMap((level) =>
  level.map((folder) => {
    const others = level.filter((f) => f !== folder && !(folder === 'cli' && f === 'api'));
    return { folder, others };
  }).filter(({ others }) => others.length > 0).map(({ folder, others }) => ({
    name: `sibling-${folder}`,
    comment: `${folder} does not import ${others.join(', ')} (same level)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${others.join('|')})/` },
  })),
);

/** Any folder of src/ that is a layer of LEVELS; a new folder must be given a level first. */
const knownFolder = `^src/(${LEVELS.flat().join('|')})/`;

/**
 * A folder of src/ missing from LEVELS has no layer, so no rule above would
 * check it (a new src/util/ could import anything and be imported by
 * anything). Refused both ways: a file there that imports something, and
 * any import of a file there.
 */
const unknownFolderRules = [
  {
    name: 'folder-without-layer-imports',
    comment: 'every folder of src/ is listed in LEVELS of .dependency-cruiser.cjs (and in docs/architecture.md)',
    severity: 'error',
    from: { path: '^src/[^/]+/', pathNot: knownFolder },
    to: {},
  },
  {
    name: 'folder-without-layer-imported',
    comment: 'every folder of src/ is listed in LEVELS of .dependency-cruiser.cjs (and in docs/architecture.md)',
    severity: 'error',
    from: {},
    to: { path: '^src/[^/]+/', pathNot: knownFolder },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    ...siblingRules,
    ...unknownFolderRules,
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or a package (a typo or a deleted file fails lint, not only tsc)',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-public-entry-inside',
      comment: 'src/index.ts re-exports every layer; code inside src/ imports the file it needs instead',
      severity: 'error',
      from: { path: '^src/.+/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Library code never imports tests, benches, demos or scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|demo|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a lower layer may not name a higher layer's type.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve package subpaths (csv-parse/sync) through their "exports" map, as Node does for ESM.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
