/**
 * `event-bus schemas plan|apply`: Pub/Sub schema resources, revisions and topic schema settings
 * from the registry. Exit codes: 0 nothing to do / applied; 1 drift (plan --check) or a finding
 * about the registry (a version whose Avro schema does not resolve against the previous one,
 * too many revisions); 2 usage or unreadable input.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { verbAction, type VerbResult } from '../plumbing.js';
import { isEventBusError } from '../../runtime/errors.js';
import {
  applySchemaSync,
  planHasChanges,
  planSchemaSync,
  readAvroDefinitionFiles,
  readRegistryTopology,
  resolveInfraConfig,
  type AvroDefinition,
  type RegistryTopology,
  type SchemaEncoding,
  type SchemaSyncOptions,
} from '../../ops/infra/index.js';
import {
  addCommonResourceOptions,
  FLAG_CHECK,
  projectSettings,
  readConfigInput,
  registryFileFor,
  renderApply,
  renderPlan,
  type CommonResourceFlags,
} from '../resource-flags.js';

interface SchemasFlags extends CommonResourceFlags {
  encoding?: SchemaEncoding;
  /** Undefined: `<out>/avro` of the project config, else generated/avro. */
  avroDir?: string;
  /** Undefined: `schemas/` beside the registry document. */
  schemasDir?: string;
  check?: boolean;
}

/**
 * The Avro definitions to deploy: generated/avro/<type>/<version>.avsc when the generator has
 * written them (what code review saw), else converted now from schemas/ with the generator's
 * converter (same code, same output).
 */
export async function loadAvroDefinitions(
  topology: RegistryTopology,
  avroDir: string,
  schemasDir: string,
): Promise<AvroDefinition[]> {
  const complete = topology.events.every((event) =>
    event.versions.every((version) => existsSync(join(avroDir, event.eventType, `${version}.avsc`))),
  );
  if (complete) return readAvroDefinitionFiles(topology, avroDir);
  const { indexSchemaDirectory, eventAvroSchema, serializeAvroSchema } = await import('../../generator/avro/index.js');
  const index = indexSchemaDirectory(schemasDir);
  const definitions: AvroDefinition[] = [];
  for (const event of topology.events) {
    for (const version of event.versions) {
      const schemaFile = join(schemasDir, event.eventType, `${version}.json`);
      const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as unknown;
      const record = eventAvroSchema(
        { eventType: event.eventType, version, schema, schemaFile },
        { loadRef: index.loadRef },
      );
      definitions.push({ eventType: event.eventType, version, definition: serializeAvroSchema(record) });
    }
  }
  return definitions;
}

async function syncOptions(flags: SchemasFlags): Promise<SchemaSyncOptions> {
  const fromFile = await readConfigInput(flags);
  const config = resolveInfraConfig({
    ...fromFile,
    ...(flags.project !== undefined && { projectId: flags.project }),
    ...(flags.topicPrefix !== undefined && { topicPrefix: flags.topicPrefix }),
  });
  const registry = registryFileFor(flags);
  const topology = await readRegistryTopology(registry);
  const avroDir = flags.avroDir ?? join(projectSettings().out, 'avro');
  const definitions = await loadAvroDefinitions(topology, avroDir, flags.schemasDir ?? join(dirname(registry), 'schemas'));
  // The config file may also carry schema-only settings.
  const schemaFile = fromFile as { encoding?: SchemaEncoding; minSupportedVersions?: Record<string, number> };
  const encoding = flags.encoding ?? schemaFile.encoding;
  return {
    topology,
    definitions,
    projectId: config.projectId,
    topicPrefix: config.topicPrefix,
    ...(encoding && { encoding }),
    ...(schemaFile.minSupportedVersions && { minSupportedVersions: schemaFile.minSupportedVersions }),
  };
}

/** Registry problems found while planning are findings (exit 1, stdout), not failures. */
const FINDING_CODES = new Set(['SCHEMA_REVISION_INCOMPATIBLE', 'SCHEMA_REVISION_LIMIT']);

async function reportingFindings(work: () => Promise<VerbResult>): Promise<VerbResult> {
  try {
    return await work();
  } catch (error) {
    if (isEventBusError(error) && FINDING_CODES.has(error.code)) {
      process.stdout.write(`error[${error.code}]: ${error.message}\n`);
      return { findings: 1 };
    }
    throw error;
  }
}

function addSchemasOptions(command: Command): Command {
  return addCommonResourceOptions(command)
    .addOption(
      new Option(
        '--encoding <encoding>',
        'message encoding on topics (default: the registry binding, else JSON)',
      ).choices(['JSON', 'BINARY']),
    )
    .option('--avro-dir <dir>', 'generated Avro definitions, <dir>/<event type>/<version>.avsc (default: <out>/avro of event-bus.config.json, else generated/avro)')
    .option('--schemas-dir <dir>', "JSON Schemas to convert when generated Avro definitions are missing (default: the registry's schemas/)");
}

export function register(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('Keep Pub/Sub schema resources, revisions and topic schema settings in sync with the registry');

  addSchemasOptions(schemas.command('plan'))
    .description('Show schemas to create, revisions to commit, topic settings to attach or move, and drift')
    .option(FLAG_CHECK, 'exit 1 when anything differs from the registry (for CI)')
    .action(
      verbAction('schemas plan', (flags: SchemasFlags) =>
        reportingFindings(async () => {
          const plan = await planSchemaSync(await syncOptions(flags));
          process.stdout.write(renderPlan(plan, flags));
          const pending = plan.actions.filter((action) => action.kind !== 'no-op').length;
          return { findings: flags.check && planHasChanges(plan) ? Math.max(1, pending) : 0 };
        }),
      ),
    );

  addSchemasOptions(schemas.command('apply'))
    .description('Create schemas, commit revisions for new versions, set topic revision ranges (idempotent)')
    .action(
      verbAction('schemas apply', (flags: SchemasFlags) =>
        reportingFindings(async () => {
          const result = await applySchemaSync(await syncOptions(flags));
          process.stdout.write(renderApply(result, flags));
          return { findings: 0 };
        }),
      ),
    );
}
