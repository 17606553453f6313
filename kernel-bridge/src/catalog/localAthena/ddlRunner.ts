/** Applies parsed DDL to the Glue-like catalog; a refusal is a QueryFailure with Athena's wording. */
import type { DdlStatement } from './ddl';
import { likePattern } from './ddl';
import { QueryFailure, type LakeEngine, type QueryOutcome } from './engine';
import type { GlueCatalog, GlueTable } from './glue';
import type { AthenaColumnInfo } from './values';

function listing(column: string, values: string[]): QueryOutcome {
  const info: AthenaColumnInfo = {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: column,
    Label: column,
    Type: 'string',
    Precision: 0,
    Scale: 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: false
  };
  return {
    statementType: 'UTILITY',
    columns: [info],
    rows: values.map(value => [{ VarCharValue: value }]),
    bytesScanned: 0
  };
}

const DONE: QueryOutcome = {
  statementType: 'DDL',
  columns: [],
  rows: [],
  bytesScanned: 0
};

function allNames(
  page: (token: string | undefined) => {
    items: { Name: string }[];
    nextToken: string | null;
  }
): string[] {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const result = page(token);
    names.push(...result.items.map(item => item.Name));
    token = result.nextToken ?? undefined;
  } while (token !== undefined);
  return names;
}

export async function runDdl(
  statement: DdlStatement,
  context: string,
  catalog: GlueCatalog,
  engine: LakeEngine,
  now: () => number
): Promise<QueryOutcome> {
  switch (statement.kind) {
    case 'createDatabase': {
      const created = await catalog.createDatabase({
        Name: statement.name,
        ...(statement.comment === undefined
          ? {}
          : { Description: statement.comment }),
        Parameters:
          statement.location === undefined
            ? {}
            : { location: statement.location }
      });
      if (!created && !statement.ifNotExists) {
        throw new QueryFailure(
          'refused',
          `FAILED: AlreadyExistsException: Database ${statement.name} already exists`
        );
      }
      return DONE;
    }
    case 'dropDatabase': {
      const tables = catalog.hasDatabase(statement.name)
        ? allNames(token => catalog.listTables(statement.name, token, 1000))
        : [];
      let dropped: boolean;
      try {
        dropped = await catalog.dropDatabase(statement.name, statement.cascade);
      } catch (error) {
        throw new QueryFailure(
          'refused',
          `FAILED: InvalidOperationException: ${(error as Error).message}`
        );
      }
      if (!dropped && !statement.ifExists) {
        throw new QueryFailure(
          'not-found',
          `FAILED: SemanticException [Error 10072]: Database does not exist: ${statement.name}`
        );
      }
      for (const table of tables) {
        await engine.forget(statement.name, table);
      }
      return DONE;
    }
    case 'createTable': {
      const database = statement.database ?? context;
      if (!catalog.hasDatabase(database)) {
        throw new QueryFailure(
          'not-found',
          `FAILED: SemanticException [Error 10072]: Database does not exist: ${database}`
        );
      }
      if (catalog.findTable(database, statement.name) !== null) {
        if (statement.ifNotExists) {
          return DONE;
        }
        throw new QueryFailure(
          'refused',
          `FAILED: AlreadyExistsException: Table ${database}.${statement.name} already exists`
        );
      }
      const tableType = statement.properties.table_type?.toUpperCase();
      const parameters: Record<string, string> = {
        ...statement.properties,
        EXTERNAL: 'TRUE',
        location: statement.location
      };
      if (tableType !== undefined) {
        parameters.table_type = tableType;
      }
      if (statement.storedAs !== undefined) {
        parameters.classification = statement.storedAs.toLowerCase();
      }
      if (statement.comment !== undefined) {
        parameters.comment = statement.comment;
      }
      let columns = statement.columns.map(c => ({
        Name: c.name,
        Type: c.type,
        ...(c.comment === undefined ? {} : { Comment: c.comment })
      }));
      const partitionKeys = statement.partitionKeys.map(c => ({
        Name: c.name,
        Type: c.type,
        ...(c.comment === undefined ? {} : { Comment: c.comment })
      }));
      if (tableType === 'DELTA' && columns.length === 0) {
        columns = (await engine.deltaColumns(statement.location)).columns;
      }
      const table: GlueTable = {
        Name: statement.name,
        CreateTime: now() / 1000,
        TableType: 'EXTERNAL_TABLE',
        Columns: columns,
        PartitionKeys: partitionKeys,
        Parameters: parameters
      };
      await catalog.putTables(database, [table], false);
      await engine.forget(database, statement.name);
      return DONE;
    }
    case 'dropTable': {
      const database = statement.database ?? context;
      const dropped =
        catalog.hasDatabase(database) &&
        (await catalog.dropTable(database, statement.name));
      if (!dropped && !statement.ifExists) {
        throw new QueryFailure(
          'not-found',
          `FAILED: SemanticException [Error 10001]: Table not found ${database}.${statement.name}`
        );
      }
      await engine.forget(database, statement.name);
      return DONE;
    }
    case 'showDatabases': {
      const pattern =
        statement.like === undefined ? null : likePattern(statement.like);
      return listing(
        'database_name',
        allNames(token => catalog.listDatabases(token, 1000)).filter(
          name => pattern === null || pattern.test(name)
        )
      );
    }
    case 'showTables': {
      const database = statement.database ?? context;
      if (!catalog.hasDatabase(database)) {
        throw new QueryFailure(
          'not-found',
          `FAILED: SemanticException [Error 10072]: Database does not exist: ${database}`
        );
      }
      return listing(
        'tab_name',
        allNames(token =>
          catalog.listTables(database, token, 1000, statement.like)
        )
      );
    }
  }
}
